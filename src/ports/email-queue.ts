// The email queue port: Cloudflare Queues as the API Worker's producer sees it (EMAIL_QUEUE). The
// consumer is the email Worker (src/runtime/workers/email/). Queues delivers each message at least
// once, so a message is a wake-up call, never the truth: for an outbox task the truth is its row.
import * as z from 'zod/mini';
import { type EmailMessage, emailMessageSchema } from '../domain/email-layout.js';
import type { WrittenTask } from './tasks.js';

/** An email as it travels on the queue or over RPC to the email Worker: the domain's `EmailMessage`. */
export const queuedEmail = emailMessageSchema;

/** The messages on `finishline-email`: an outbox task to deliver, or an email of the queue strategy. */
export const emailQueueMessage = z.discriminatedUnion('type', [
  // The outbox: the task's id. The consumer claims the task by id, so a second copy finds it taken.
  z.object({ type: z.literal('task'), taskId: z.uuid() }),
  // The queue strategy: the email itself, with the registration id as its Idempotency-Key.
  z.object({ type: z.literal('email'), idempotencyKey: z.string().check(z.minLength(1)), email: queuedEmail }),
]);
export type EmailQueueMessage = z.infer<typeof emailQueueMessage>;

/** Queues' longest delay for a message (12 hours). */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;

export interface EmailQueue {
  /**
   * Enqueues the messages (durable once this resolves), delivered no sooner than `delaySeconds` from
   * now (at most MAX_QUEUE_DELAY_SECONDS); rejects when the queue refused them.
   */
  send(messages: EmailQueueMessage[], options?: { delaySeconds?: number }): Promise<void>;
}

/**
 * Task ids grouped by the queue delay that brings each when it falls due (`dueInMs` from now; none or
 * less: at once), so each group is one send. A task due later than the queue's longest delay is left
 * out: the Cron sweeper announces it as its time comes (src/runtime/workers/sweeper.ts).
 */
export function tasksByDelay(tasks: readonly { id: string; dueInMs: number }[]): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  for (const { id, dueInMs } of tasks) {
    const delaySeconds = Math.max(0, Math.ceil(dueInMs / 1000));
    if (delaySeconds > MAX_QUEUE_DELAY_SECONDS) continue;
    const group = groups.get(delaySeconds);
    if (group) group.push(id);
    else groups.set(delaySeconds, [id]);
  }
  return groups;
}

/**
 * Enqueues one message per task, delayed to the task's `runAt` when it has one within the queue's
 * longest delay (a later one is announced by the Cron sweeper as its time comes): one send per delay.
 * Never rejects: `refused` hears of each send the queue refused (the task is stored, so the sweeper
 * finds it overdue and announces it again: src/tasks/sql/overdue.ts).
 */
export async function announceTasks(
  queue: EmailQueue,
  tasks: readonly WrittenTask[],
  refused: (taskIds: string[], error: unknown) => void,
): Promise<void> {
  const now = Date.now();
  const due = tasks.map(({ id, runAt }) => ({ id, dueInMs: runAt ? runAt.getTime() - now : 0 }));
  await Promise.all(
    [...tasksByDelay(due)].map(([delaySeconds, taskIds]) =>
      queue
        .send(taskIds.map(taskMessage), delaySeconds > 0 ? { delaySeconds } : undefined)
        .catch((error) => refused(taskIds, error)),
    ),
  );
}

/** The outbox's message for one task. */
export function taskMessage(taskId: string): EmailQueueMessage {
  return { type: 'task', taskId };
}

/** The queue strategy's message for one email. */
export function emailMessage(email: EmailMessage, idempotencyKey: string): EmailQueueMessage {
  return { type: 'email', idempotencyKey, email };
}
