// The Workers sweeper: each Cron invocation (each minute, wrangler.jsonc) claims and runs due tasks
// until none are left or its budget is spent; the next invocation takes up what is left.
//
// With the email queue (EMAIL_QUEUE bound) the queue's consumer delivers and retries, and the sweeper
// announces: the scheduled tasks falling due before its next run, each with the queue's delay so its
// message arrives on time (src/tasks/sql/upcoming.ts), and again the tasks nobody picked up for a
// lease's time (their message was never enqueued, or lost: src/tasks/sql/overdue.ts). If the queue
// refuses the overdue ones too, the sweeper delivers them itself.
import { type EmailQueue, taskMessage, tasksByDelay } from '../../ports/email-queue.js';
import { describeError } from '../../ports/errors.js';
import type { Logger } from '../../ports/logger.js';
import { MAX_BATCH } from '../../tasks/batcher.js';
import type { TaskEngine } from '../../tasks/engine.js';

/** How long one Cron invocation keeps claiming, within the Workers limits for scheduled events. */
const SWEEP_BUDGET_MS = 25_000;

/** The Cron schedule's period (wrangler.jsonc: each minute): the window of upcoming tasks one run announces. */
const CRON_PERIOD_MS = 60_000;

export async function sweepWithinBudget(
  engine: TaskEngine,
  /** Workers with EMAIL_QUEUE: the consumer delivers, the sweeper announces. */
  emailQueue: EmailQueue | undefined,
  logger: Logger,
  /** With the queue: how long a due task waits for its message before it counts as lost (TASK_LEASE_MS). */
  graceMs: number,
): Promise<void> {
  const deadline = Date.now() + SWEEP_BUDGET_MS;
  if (emailQueue) {
    await announceUpcoming(engine, emailQueue, logger);
    return announceOverdue(engine, emailQueue, logger, graceMs, deadline);
  }
  let claimed = 0;
  while (Date.now() < deadline) {
    const n = await engine.sweep();
    claimed += n;
    if (n === 0) break;
  }
  logger.info('sweeper.run', { claimed });
}

/** The tasks due before the next Cron run, each delayed to its time (grouped by delay). */
async function announceUpcoming(engine: TaskEngine, queue: EmailQueue, logger: Logger): Promise<void> {
  const upcoming = await engine.upcoming(1000, CRON_PERIOD_MS);
  for (const [delaySeconds, ids] of tasksByDelay(upcoming)) {
    // Refused: the overdue scan announces them once their time has passed.
    await queue
      .send(ids.map(taskMessage), { delaySeconds })
      .catch((error) => logger.warn('queue.enqueue_failed', { tasks: ids.length, error: describeError(error) }));
  }
  if (upcoming.length > 0) logger.info('sweeper.announced_upcoming', { tasks: upcoming.length });
}

async function announceOverdue(
  engine: TaskEngine,
  queue: EmailQueue,
  logger: Logger,
  graceMs: number,
  deadline: number,
): Promise<void> {
  let announced = 0;
  let delivered = 0;
  while (Date.now() < deadline) {
    const ids = await engine.overdue(MAX_BATCH, graceMs);
    if (ids.length === 0) break;
    try {
      await queue.send(ids.map(taskMessage));
      announced += ids.length;
    } catch (error) {
      logger.warn('queue.enqueue_failed', { tasks: ids.length, error: describeError(error) });
      const states = await engine.deliver(ids);
      delivered += [...states.values()].filter((s) => s.status === 'succeeded').length;
    }
    if (ids.length < MAX_BATCH) break;
  }
  logger.info('sweeper.run', { announced, delivered });
}
