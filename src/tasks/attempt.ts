// The attempt lifecycle: what every send goes through, whatever its kind and size (a single task is a
// batch of one).
//
//   gate   delivery paused (./delivery-pause.ts) or the engine stopping → give the tasks back
//   slot   wait for this engine's turn (./slot-line.ts), reserve a slot in the account's send budget
//          and wait for it; too far off (it would risk the lease) → give the tasks back
//   send   under the attempt's time limit (TASK_TIMEOUT_MS) and the shutdown signal
//
// It knows nothing of tasks or the database: the caller says how to give back and what to send.
import type { DeliveryPause } from './delivery-pause.js';
import { type SendBudget, takeSlot } from './send-budget.js';
import type { SlotLine } from './slot-line.js';

export interface AttemptSteps<T> {
  /** The gate or the slot said no (`why`): nothing was sent; the tasks wait `delayMs` for another try. */
  giveBack(delayMs: number, why: string): Promise<T>;
  /**
   * The slot is ours. Draws its tasks before its first await (see `slot`). `timed` runs the provider
   * call under the time limit and the shutdown signal.
   */
  send(timed: <R>(call: (signal: AbortSignal) => Promise<R>) => Promise<R>): Promise<T>;
}

export interface Attempts {
  /**
   * One attempt of work of this priority through the lifecycle. `provider: false` (work that calls no
   * provider, such as ending an expired hold) takes no send slot and is not held by a delivery pause.
   */
  run<T>(priority: number, steps: AttemptSteps<T>, provider?: boolean): Promise<T>;
  /** Whether new work should be taken up at all (neither paused nor stopping). */
  open(): boolean;
  /** Shutdown: attempts in flight are aborted (their sends record an unknown outcome); no new ones start. */
  abort(): void;
  /** Aborted at shutdown (ends a batcher's window early). */
  readonly stopping: AbortSignal;
}

export interface AttemptsOptions {
  pause: DeliveryPause;
  /** None: no limit (the dev mailbox, or EMAIL_RATE_LIMIT_PER_SEC=0). */
  budget?: SendBudget;
  line: SlotLine;
  timeoutMs: number;
  leaseMs: number;
  now: () => number;
}

export function createAttempts(options: AttemptsOptions): Attempts {
  const { pause, budget, line, now } = options;
  // Waiting longer than this for a send slot risks the lease: give the tasks back instead.
  const maxSlotWaitMs = Math.max(1000, options.leaseMs - options.timeoutMs) / 2;
  const shutdown = new AbortController();
  // Attempts in progress (waiting for a slot or sending), aborted together at shutdown: one set rather
  // than one listener per attempt on a shared signal.
  const inFlight = new Set<AbortController>();

  /**
   * A slot in the account's send budget, waited for (`done` hands the line on); or why not. The line is
   * handed on only once the send has drawn its tasks: a batcher forms its next batch right then, and
   * that batch must be in line before the turn passes, or a lower-priority batch already waiting would
   * take every other slot.
   */
  async function slot(
    priority: number,
    signal: AbortSignal,
  ): Promise<{ taken: true; done: () => void } | { queueMs: number; why: string }> {
    if (!budget) return { taken: true, done: () => {} };
    const since = now();
    let done: (() => void) | undefined;
    try {
      done = await line.turn(priority, signal);
      const taken = await takeSlot(budget, Math.max(0, maxSlotWaitMs - (now() - since)), signal, now);
      if (taken.taken) return { taken: true, done };
      done();
      return { queueMs: taken.queueMs, why: 'send budget' };
    } catch (error) {
      done?.();
      if (signal.aborted) return { queueMs: 0, why: 'shutting down' };
      throw error;
    }
  }

  /** The call under a timer that aborts it (not AbortSignal.timeout: on Node 20 its signal can be
   * garbage-collected before it fires, and a hanging provider would hang the attempt — nodejs/node#57736). */
  async function timed<R>(controller: AbortController, call: (signal: AbortSignal) => Promise<R>): Promise<R> {
    const timer = setTimeout(
      () => controller.abort(new DOMException('attempt timed out', 'TimeoutError')),
      options.timeoutMs,
    );
    try {
      return await call(controller.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async run(priority, steps, provider = true) {
      if (provider && pause.leftMs() > 0) return steps.giveBack(pause.leftMs(), 'delivery paused');
      if (shutdown.signal.aborted) return steps.giveBack(0, 'shutting down');
      const controller = new AbortController();
      inFlight.add(controller);
      try {
        const taken = provider ? await slot(priority, controller.signal) : { taken: true as const, done: () => {} };
        if (!('taken' in taken)) return await steps.giveBack(taken.queueMs, taken.why);
        let sending: ReturnType<typeof steps.send>;
        try {
          // `send` draws its tasks before its first await; only then does the line move on.
          sending = steps.send((call) => timed(controller, call));
        } finally {
          taken.done();
        }
        return await sending;
      } finally {
        inFlight.delete(controller);
      }
    },
    open: () => pause.leftMs() === 0 && !shutdown.signal.aborted,
    abort() {
      const reason = new DOMException('shutting down', 'AbortError');
      shutdown.abort(reason);
      for (const controller of inFlight) controller.abort(reason);
    },
    stopping: shutdown.signal,
  };
}
