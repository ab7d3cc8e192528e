// Telling the email queue about stored tasks (Workers with EMAIL_QUEUE: docs/design.md, Queues on
// Workers). After the response, in waitUntil: the task is already stored, so an enqueue that fails
// loses nothing — the sweeper finds the task overdue and announces it again (src/tasks/sql/overdue.ts).
import type { Context } from 'hono';
import { taskMessage } from '../ports/email-queue.js';
import { describeError } from '../ports/errors.js';
import type { AppDeps } from './deps.js';

/** Whether tasks are delivered through the queue (then `announce` is how their delivery starts). */
export function deliversThroughQueue(deps: Pick<AppDeps, 'emailQueue'>): boolean {
  return deps.emailQueue !== undefined;
}

/** Enqueues one message per task, after the response; a failure is a log line (the sweeper covers it). */
export function announce(c: Context, deps: Pick<AppDeps, 'emailQueue' | 'logger'>, taskIds: string[]): void {
  const queue = deps.emailQueue;
  if (!queue || taskIds.length === 0) return;
  c.executionCtx.waitUntil(
    queue
      .send(taskIds.map(taskMessage))
      .catch((error) =>
        deps.logger.warn('queue.enqueue_failed', { taskIds: taskIds.join(','), error: describeError(error) }),
      ),
  );
}
