// The Node sweeper: runs once at start (so tasks left by a crash resume) and then every interval.
// Runs never overlap; a failing run (database down) is logged and the next one tries again.

import { describeError } from '../../ports/errors.js';
import type { Logger } from '../../ports/logger.js';
import type { TaskEngine } from '../../tasks/engine.js';

export interface Sweeper {
  /** Stops the interval; resolves when the sweep in progress (if any) has finished. */
  stop(): Promise<void>;
}

export function startSweeper(engine: TaskEngine, intervalMs: number, logger: Logger): Sweeper {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = (async () => {
      try {
        // Keep claiming while full batches come back, so a backlog drains without waiting a whole period.
        while (!stopped && (await engine.sweep()) > 0) {}
      } catch (error) {
        logger.warn('sweeper.failed', { error: describeError(error) });
      } finally {
        running = undefined;
      }
    })();
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
