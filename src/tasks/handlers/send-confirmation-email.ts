// Task kind `send-confirmation-email`: the payload is the rendered message, so every attempt sends the
// very same request; the task id is the Idempotency-Key, so no attempt can cause a second email.

import type { EmailMessage } from '../../domain/confirmation-email.js';
import { MailError, type Mailer } from '../../ports/mailer.js';
import { PauseDeliveryError, PermanentError, RetryAfterError } from '../errors.js';
import type { TaskHandler } from '../types.js';

export const SEND_CONFIRMATION_EMAIL = 'send-confirmation-email';

export function sendConfirmationEmail(mailer: Mailer): TaskHandler {
  return async (payload, { taskId, signal }) => {
    try {
      return await mailer.send(payload as EmailMessage, { idempotencyKey: taskId, signal });
    } catch (error) {
      if (!(error instanceof MailError)) throw error;
      if (error.kind === 'permanent') throw new PermanentError(error.code, { cause: error });
      if (error.kind === 'account') throw new PauseDeliveryError(error.code, error.retryAfterMs, { cause: error });
      if (error.retryAfterMs !== undefined) throw new RetryAfterError(error.code, error.retryAfterMs, { cause: error });
      throw error;
    }
  };
}
