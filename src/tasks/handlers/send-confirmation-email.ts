// Task kind `send-confirmation-email`: the payload is the rendered message, so every attempt sends the
// very same request; the task id is the Idempotency-Key, so no attempt can cause a second email.
import * as z from 'zod';
import { MailError, type Mailer } from '../../ports/mailer.js';
import { PauseDeliveryError, PermanentError, RateLimitedError, RetryAfterError } from '../errors.js';
import { withPayload } from '../payload.js';
import type { TaskHandler } from '../types.js';

export const SEND_CONFIRMATION_EMAIL = 'send-confirmation-email';

/** The message as src/domain/confirmation-email.ts renders it (an `EmailMessage`). */
export const confirmationEmailPayload = z.object({
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
});
export type ConfirmationEmailPayload = z.infer<typeof confirmationEmailPayload>;

export function sendConfirmationEmail(mailer: Mailer): TaskHandler {
  return withPayload(confirmationEmailPayload, async (message, { taskId, signal }) => {
    try {
      return await mailer.send(message, { idempotencyKey: taskId, signal });
    } catch (error) {
      if (!(error instanceof MailError)) throw error;
      if (error.kind === 'permanent') throw new PermanentError(error.code, { cause: error });
      if (error.kind === 'account') throw new PauseDeliveryError(error.code, error.retryAfterMs, { cause: error });
      if (error.status === 429) throw new RateLimitedError(error.code, error.retryAfterMs ?? 1000, { cause: error });
      if (error.retryAfterMs !== undefined) throw new RetryAfterError(error.code, error.retryAfterMs, { cause: error });
      throw error;
    }
  });
}
