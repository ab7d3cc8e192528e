// Telling the email queue about stored tasks (Workers with EMAIL_QUEUE: docs/design.md, Queues on
// Workers). After the response, in waitUntil: the task is already stored, so an enqueue that fails
// loses nothing — the sweeper finds the task overdue and announces it again (src/tasks/sql/overdue.ts).
import type { Context } from 'hono';
import { announceTasks } from '../../ports/email-queue.js';
import { describeError } from '../../ports/errors.js';
import type { WrittenTask } from '../../ports/tasks.js';
import type { AppDeps } from '../deps.js';

/** Whether tasks are delivered through the queue (then `announce` is how their delivery starts). */
export function deliversThroughQueue(deps: Pick<AppDeps, 'emailQueue'>): boolean {
  return deps.emailQueue !== undefined;
}

/**
 * Enqueues one message per task, after the response, delayed to the task's `runAt` when it has one
 * within the queue's longest delay (a later one is announced by the Cron sweeper as its time comes:
 * src/runtime/workers/sweeper.ts). A failure is a log line: the sweeper covers it.
 */
export function announce(
  c: Context,
  deps: Pick<AppDeps, 'emailQueue' | 'logger'>,
  tasks: readonly WrittenTask[],
): void {
  const queue = deps.emailQueue;
  if (!queue || tasks.length === 0) return;
  c.executionCtx.waitUntil(
    announceTasks(queue, tasks, (taskIds, error) =>
      deps.logger.warn('queue.enqueue_failed', { taskIds: taskIds.join(','), error: describeError(error) }),
    ),
  );
}

/**
 * Starts the delivery of tasks written pending (`claim`) by a request, after the response: through the
 * queue when there is one, else this engine claims the due ones by id (a claim reads the payloads the
 * statement completed in SQL, which the request does not have) and sends them with its other tasks of
 * their kind (`TaskEngine.start`: a burst of waitlist sign-ups shares batches, as confirmations do); its
 * sweeper hears of the later ones (an offer's expiry: the Node sweeper wakes for it). If the process
 * dies first, a sweeper finds them due.
 */
export function startTasks(c: Context, deps: Pick<AppDeps, 'emailQueue' | 'logger'>, tasks: WrittenTask[]): void {
  if (tasks.length === 0) return;
  if (deliversThroughQueue(deps)) {
    announce(c, deps, tasks);
    return;
  }
  const { engine } = c.get('services');
  const now = Date.now();
  for (const { runAt } of tasks) if (runAt && runAt.getTime() > now) engine.expectDue(runAt);
  const due = tasks.filter((t) => !t.runAt || t.runAt.getTime() <= now).map((t) => t.id);
  if (due.length === 0) return;
  c.executionCtx.waitUntil(
    engine
      .start(due)
      .catch((error) =>
        deps.logger.warn('task.deliver_failed', { taskIds: due.join(','), error: describeError(error) }),
      ),
  );
}
