// The dev mailbox: used when RESEND_API_KEY is unset. Keeps every message in the database (so it
// survives restarts) and shows it at /dev/mail. Idempotent per key, like Resend. Each new message also
// gets the webhook events Resend would send (delivered; bounced or complained for Resend's test
// addresses), stored with it by `saveDevMail`, so delivery states and suppressions work in dev too.
import type { Mailer } from '../../ports/mailer.js';
import type { Store } from '../../ports/store.js';

export function createDevMailbox(store: Pick<Store, 'saveDevMail'>): Mailer {
  return {
    async send(message, { idempotencyKey, signal }) {
      signal?.throwIfAborted();
      const id = await store.saveDevMail(message, idempotencyKey, crypto.randomUUID());
      return { id };
    },
    async sendBatch(messages, { idempotencyKey, signal }) {
      signal?.throwIfAborted();
      // One stored message per email, each idempotent under the batch id and its place in the batch.
      const results = [];
      for (const [index, message] of messages.entries()) {
        results.push({ id: await store.saveDevMail(message, `${idempotencyKey}:${index}`, crypto.randomUUID()) });
      }
      return results;
    },
  };
}
