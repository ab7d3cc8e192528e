// The email Worker's queue consumers (docs/design.md: Queues on Workers).
//
// `finishline-email`: each message is a wake-up call for one outbox task, or an email of the queue
// strategy. The tasks of a batch are delivered together — claimed by id, sent as ONE provider batch
// within the account's send budget, every outcome recorded (TaskEngine.deliver) — and then each
// message is acked or retried from where its task stands in the database, never from the message:
//   succeeded, dead, unknown   → ack: nothing is left to do (a redelivered or duplicated message ends here)
//   pending (a retry is due)   → retry after its run_at (the engine's backoff or the provider's Retry-After)
//   pending, delivery paused   → ack: it waits in the table; the sweeper announces it again later
//   running (someone's lease)  → retry after the lease: if its holder died, the redelivery claims it
// A consumer that fails as a whole (database down) throws: Queues retries the whole batch.
//
// `finishline-email-dlq`: Queues gave up on a message (max_retries): its task becomes a dead letter,
// visible and replayable in the admin; a queue-strategy email is lost, and said so in the log.

import { type EmailQueueMessage, emailQueueMessage } from '../../../ports/email-queue.js';
import { describeError } from '../../../ports/errors.js';
import type { Logger } from '../../../ports/logger.js';
import { MailError, type Mailer } from '../../../ports/mailer.js';
import type { TaskState } from '../../../ports/tasks.js';
import { delayBeforeRetry } from '../../../tasks/backoff.js';
import type { TaskEngine } from '../../../tasks/engine.js';

/** A queue message as the consumer uses it (the runtime's `Message`). */
export interface QueueMessage {
  readonly id: string;
  readonly body: unknown;
  /** Deliveries so far, this one included. */
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

export interface QueueBatch {
  readonly queue: string;
  readonly messages: readonly QueueMessage[];
}

export interface ConsumerDeps {
  engine: Pick<TaskEngine, 'deliver' | 'deliveryState' | 'giveUp'>;
  mailer: Pick<Mailer, 'send'>;
  logger: Logger;
  /** TASK_TIMEOUT_MS: the limit on one queue-strategy send. */
  sendTimeoutMs: number;
  /** TASK_RETRY_BASE_MS / TASK_RETRY_MAX_MS: the backoff of queue-strategy emails. */
  retry: { baseMs: number; maxMs: number };
}

/** Queues' longest delay for a retried message. */
const MAX_DELAY_SECONDS = 43_200;

/** A dead-letter queue is named after its queue: `<queue>-dlq` (wrangler.email.jsonc). */
export function isDeadLetterQueue(queue: string): boolean {
  return queue.endsWith('-dlq');
}

const seconds = (ms: number) => Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(ms / 1000)));

/** What to do with a task's message once its delivery is over: ack, or retry after some seconds. */
export function nextStep(state: TaskState | undefined, paused: boolean): { ack: true } | { retryAfterSeconds: number } {
  if (!state || state.status === 'succeeded' || state.status === 'dead' || state.status === 'cancelled') {
    return { ack: true };
  }
  if (state.status === 'running') return { retryAfterSeconds: seconds(state.leaseLeftMs) + 1 };
  return paused ? { ack: true } : { retryAfterSeconds: seconds(state.dueInMs) };
}

function parse(batch: QueueBatch, logger: Logger) {
  const parsed: { message: QueueMessage; body: EmailQueueMessage }[] = [];
  for (const message of batch.messages) {
    const result = emailQueueMessage.safeParse(message.body);
    if (result.success) parsed.push({ message, body: result.data });
    else {
      // Not ours, or from another version: retrying cannot make it valid.
      logger.error('queue.message_invalid', { queue: batch.queue, messageId: message.id });
      message.ack();
    }
  }
  return parsed;
}

/** The consumer of `finishline-email`. Throws when the database cannot be reached (Queues retries all). */
export async function consumeEmailQueue(batch: QueueBatch, deps: ConsumerDeps): Promise<void> {
  const parsed = parse(batch, deps.logger);
  // One message per task: a duplicate in the same batch is acked at once (its task is delivered once).
  const byTask = new Map<string, QueueMessage>();
  const emails: { message: QueueMessage; body: Extract<EmailQueueMessage, { type: 'email' }> }[] = [];
  for (const { message, body } of parsed) {
    if (body.type === 'email') emails.push({ message, body });
    else if (byTask.has(body.taskId)) message.ack();
    else byTask.set(body.taskId, message);
  }
  const steps = { acked: 0, retried: 0 };
  if (byTask.size > 0) {
    const states = await deps.engine.deliver([...byTask.keys()]);
    const paused = deps.engine.deliveryState().state === 'paused';
    for (const [taskId, message] of byTask) {
      const step = nextStep(states.get(taskId), paused);
      if ('ack' in step) {
        message.ack();
        steps.acked++;
      } else {
        message.retry({ delaySeconds: step.retryAfterSeconds });
        steps.retried++;
      }
    }
  }
  await Promise.all(emails.map(({ message, body }) => sendQueuedEmail(message, body, deps)));
  deps.logger.info('queue.batch', {
    queue: batch.queue,
    messages: batch.messages.length,
    tasks: byTask.size,
    emails: emails.length,
    ...steps,
  });
}

/** The queue strategy: one email per message, its registration id the Idempotency-Key. */
async function sendQueuedEmail(
  message: QueueMessage,
  body: Extract<EmailQueueMessage, { type: 'email' }>,
  deps: ConsumerDeps,
): Promise<void> {
  try {
    await deps.mailer.send(body.email, {
      idempotencyKey: body.idempotencyKey,
      timeoutMs: deps.sendTimeoutMs,
    });
    message.ack();
  } catch (error) {
    if (error instanceof MailError && error.kind === 'permanent') {
      // Refused for good (an invalid address): retrying cannot help.
      deps.logger.error('queue.email_lost', { registrationId: body.idempotencyKey, error: describeError(error) });
      message.ack();
      return;
    }
    // As the engine's retries: the backoff, or the provider's Retry-After when longer, within the cap.
    const delayMs = delayBeforeRetry(
      message.attempts,
      error instanceof MailError ? error.retryAfterMs : undefined,
      deps.retry,
    );
    deps.logger.warn('queue.email_retry', {
      registrationId: body.idempotencyKey,
      attempt: message.attempts,
      delayMs,
      error: describeError(error),
    });
    message.retry({ delaySeconds: seconds(delayMs) });
  }
}

/** The consumer of `finishline-email-dlq`: what Queues gave up on. */
export async function consumeDeadLetters(batch: QueueBatch, deps: ConsumerDeps): Promise<void> {
  const parsed = parse(batch, deps.logger);
  const taskIds = parsed.flatMap(({ body }) => (body.type === 'task' ? [body.taskId] : []));
  const dead = await deps.engine.giveUp(
    [...new Set(taskIds)],
    'the queue gave up on its message after max_retries deliveries (dead-letter queue)',
  );
  for (const taskId of dead) deps.logger.warn('task.dead', { taskId, error: 'dead-letter queue' });
  for (const { message, body } of parsed) {
    if (body.type === 'email') deps.logger.error('queue.email_lost', { registrationId: body.idempotencyKey });
    message.ack();
  }
}
