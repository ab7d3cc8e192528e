// The Node sweeper: runs once at start (so tasks left by a crash resume) and then every interval.
// Runs never overlap; a failing run (database down) is logged and the next one tries again.

import { describeError } from '../../ports/errors.js';
import type { Logger } from '../../ports/logger.js';
import type { TaskEngine } from '../../tasks/engine.js';

export interface Sweeper {
  /** Stops the interval; resolves when the sweep in progress (if any) has finished. */
  stop(): Promise<void>;
}

/**
 * Claim loops run side by side: while one batch is being sent and recorded, the next is claimed (FOR
 * UPDATE SKIP LOCKED keeps them apart), so a backlog drains at the provider's pace rather than at one
 * claim → send → record round after another.
 */
const LANES = 2;

export function startSweeper(engine: TaskEngine, intervalMs: number, logger: Logger): Sweeper {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    const lane = async () => {
      try {
        // Keep claiming while batches come back, so a backlog drains without waiting a whole period.
        while (!stopped && (await engine.sweep()) > 0) {}
      } catch (error) {
        logger.warn('sweeper.failed', { error: describeError(error) });
      }
    };
    running = Promise.all(Array.from({ length: LANES }, lane)).then(() => {
      running = undefined;
    });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
