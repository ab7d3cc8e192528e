// Task kind `send-confirmation-email`: the payload is the rendered message, so every attempt sends the
// very same request. Alone (`sendConfirmationEmail`) the task id is the Idempotency-Key; in a batch
// (`sendConfirmationEmails`, what the service uses) the batch id is, and a batch whose outcome is unknown
// is re-sent exactly as it was. Either way no attempt can cause a second email.
import * as z from 'zod/mini';
import { MailError, type Mailer } from '../../ports/mailer.js';
import { AnsweredError, PauseDeliveryError, PermanentError, RateLimitedError, RetryAfterError } from '../errors.js';
import { parsePayload, withPayload } from '../payload.js';
import type { BatchHandler, TaskHandler } from '../types.js';

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

/**
 * What the engine does about a provider's error, as a task error: dead letter, pause for everyone,
 * slow everyone down (429), or retry after the provider's time. Undefined: an ordinary retry.
 */
function taskErrorFor(error: MailError): Error | undefined {
  if (error.kind === 'permanent') return new PermanentError(error.code, { cause: error });
  if (error.kind === 'account') return new PauseDeliveryError(error.code, error.retryAfterMs, { cause: error });
  if (error.status === 429) return new RateLimitedError(error.code, error.retryAfterMs ?? 1000, { cause: error });
  if (error.retryAfterMs !== undefined) return new RetryAfterError(error.code, error.retryAfterMs, { cause: error });
  return undefined;
}

export function sendConfirmationEmail(mailer: Mailer): TaskHandler {
  return withPayload(confirmationEmailPayload, async (message, { taskId, signal }) => {
    try {
      return await mailer.send(message, { idempotencyKey: taskId, signal });
    } catch (error) {
      if (!(error instanceof MailError)) throw error;
      throw taskErrorFor(error) ?? error;
    }
  });
}

/**
 * The same emails in batches: one provider request for up to 100 of them, the batch id its
 * Idempotency-Key. An email the provider refused on its own fails alone (its task is dead-lettered);
 * a failure of the whole request says, by its type, whether the provider answered (nothing was sent)
 * or the outcome is unknown (the batch will be sent again exactly as it was).
 */
export function sendConfirmationEmails(mailer: Mailer): BatchHandler {
  return {
    check: (payload) => parsePayload(confirmationEmailPayload, payload),
    async send(payloads, { batchId, signal }) {
      try {
        const results = await mailer.sendBatch(payloads as ConfirmationEmailPayload[], {
          idempotencyKey: batchId,
          signal,
        });
        return results.map((r) =>
          'id' in r
            ? { ok: true as const, result: { id: r.id } }
            : { ok: false as const, error: new PermanentError(r.error.code, { cause: r.error }) },
        );
      } catch (error) {
        if (!(error instanceof MailError)) throw error;
        // No answer, or "the first request with this key is still in flight": the outcome is unknown.
        const unknown =
          error.status === undefined ||
          error.code === 'concurrent_idempotent_requests' ||
          error.code === 'resource_locked';
        if (unknown) throw error;
        // The provider answered: nothing was sent.
        throw taskErrorFor(error) ?? new AnsweredError(error.code, { cause: error });
      }
    },
  };
}
