// The Node sweeper: runs once at start (so tasks left by a crash resume), then again after each interval
// — or sooner, when a task falls due before that: after each run it sets its timer to the next task's
// run_at (the database's clock, `nextDueInMs`), and the engine tells it of each scheduled task it writes.
// So a scheduled task starts within moments of its time without polling any faster than the interval.
// Runs never overlap; a failing run (database down) is logged and the next one tries again.

import { describeError } from '../../ports/errors.js';
import type { Logger } from '../../ports/logger.js';
import type { TaskEngine } from '../../tasks/engine.js';

export interface Sweeper {
  /** Stops the timer; resolves when the sweep in progress (if any) has finished. */
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
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wakeAt = Number.POSITIVE_INFINITY;
  // The earliest scheduled task heard of during a run (its row may be written after the run's last look).
  let heardDuringRun = Number.POSITIVE_INFINITY;

  /** The next run in `ms`, unless one is already planned sooner (or a run is on: it plans when done). */
  const wakeIn = (ms: number) => {
    if (stopped || Date.now() + ms >= wakeAt) return;
    clearTimeout(timer);
    wakeAt = Date.now() + ms;
    timer = setTimeout(tick, ms);
    timer.unref();
  };

  /** After a run: the interval, or the next task's time when that is sooner. */
  async function planNext() {
    wakeAt = Number.POSITIVE_INFINITY;
    const dueInMs = await engine.nextDueInMs().catch(() => null);
    // 0: something is due that this run did not take (paused, or held by another engine): that waits
    // for the interval, as before, rather than making the sweeper spin.
    const heard = heardDuringRun - Date.now();
    heardDuringRun = Number.POSITIVE_INFINITY;
    wakeIn(Math.max(0, Math.min(heard, dueInMs !== null && dueInMs > 0 ? Math.min(intervalMs, dueInMs) : intervalMs)));
  }

  function tick() {
    if (running || stopped) return;
    wakeAt = Number.NEGATIVE_INFINITY; // a run is on: nothing else is planned until it has finished
    const lane = async () => {
      try {
        // Keep claiming while batches come back, so a backlog drains without waiting a whole period.
        while (!stopped && (await engine.sweep()) > 0) {}
      } catch (error) {
        logger.warn('sweeper.failed', { error: describeError(error) });
      }
    };
    running = Promise.all(Array.from({ length: LANES }, lane)).then(async () => {
      await planNext();
      running = undefined;
    });
  }

  // A scheduled task written by this process may fall due before the planned run.
  engine.onScheduled((runAt) => {
    if (running) heardDuringRun = Math.min(heardDuringRun, runAt.getTime());
    else wakeIn(Math.max(0, runAt.getTime() - Date.now()));
  });
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
