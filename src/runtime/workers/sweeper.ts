// The Workers sweeper: each Cron invocation (each minute, wrangler.jsonc) claims and runs due tasks
// until none are left or its budget is spent; the next invocation takes up what is left.
import type { Logger } from '../../ports/logger.js';
import type { TaskEngine } from '../../tasks/engine.js';

/** How long one Cron invocation keeps claiming, within the Workers limits for scheduled events. */
const SWEEP_BUDGET_MS = 25_000;

export async function sweepWithinBudget(engine: TaskEngine, logger: Logger): Promise<void> {
  const deadline = Date.now() + SWEEP_BUDGET_MS;
  let claimed = 0;
  while (Date.now() < deadline) {
    const n = await engine.sweep();
    claimed += n;
    if (n === 0) break;
  }
  logger.info('sweeper.run', { claimed });
}
