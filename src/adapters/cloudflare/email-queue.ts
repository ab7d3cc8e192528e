// The EmailQueue port over a Cloudflare Queues producer binding (EMAIL_QUEUE).
import type { EmailQueue, EmailQueueMessage } from '../../ports/email-queue.js';

/** The part of the Queue binding used here. */
export interface QueueProducer {
  sendBatch(messages: Iterable<{ body: EmailQueueMessage }>, options?: { delaySeconds?: number }): Promise<unknown>;
}

/** Queues takes at most 100 messages per sendBatch. */
const SEND_BATCH_LIMIT = 100;

export function cloudflareEmailQueue(queue: QueueProducer): EmailQueue {
  return {
    async send(messages, options) {
      const delay = options?.delaySeconds ? { delaySeconds: options.delaySeconds } : undefined;
      for (let i = 0; i < messages.length; i += SEND_BATCH_LIMIT) {
        const batch = messages.slice(i, i + SEND_BATCH_LIMIT).map((body) => ({ body }));
        await (delay ? queue.sendBatch(batch, delay) : queue.sendBatch(batch));
      }
    },
  };
}
