// The batcher: gathers the fast path's tasks of one kind into batches (one `send` each).
//
// At low load nothing waits: a task that finds no batch on its way starts one at once. Under load (a
// batch already on its way) the next batch waits up to the batch window (EMAIL_BATCH_WINDOW_MS) for
// company, or until it is full — and then it waits for its send slot, still collecting: the tasks are
// drawn only when the slot has come, so under a burst the batches fill up by themselves.
//
// At most one batch gathers at a time, in one of these phases:
//   idle     none gathers: the next task starts one
//   window   it waits for company (ended early when it is full or at shutdown)
//   slot     it waits for its send slot, taking in every task that comes, until it draws them
// Any number of batches may be sending meanwhile.
import type { LeasedTask } from '../ports/tasks.js';
import type { AttemptResult } from './types.js';

/** Resend's limit for POST /emails/batch: the largest batch any kind may declare. */
export const MAX_BATCH = 100;

export interface BatcherOptions {
  /** How long a batch waits for company when another is already on its way. */
  windowMs: number;
  /** The most tasks in one batch (the kind's batch size). */
  size?: number;
  /**
   * Sends one batch: waits for its send slot, THEN calls `draw` (at most once) for the tasks to send,
   * and resolves with each drawn task's result. Never rejects.
   */
  send(draw: () => LeasedTask[]): Promise<Map<string, AttemptResult>>;
  /** Shutdown: ends a window early (the batch's tasks are then given back by `send`). */
  signal: AbortSignal;
}

export interface Batcher {
  /** Hands over a task this engine holds; resolves with its attempt's result once its batch is done. */
  add(task: LeasedTask): Promise<AttemptResult>;
}

interface Waiting {
  task: LeasedTask;
  resolve: (result: AttemptResult) => void;
}

type Phase = { name: 'idle' } | { name: 'window'; endWindow: () => void } | { name: 'slot' };

export function createBatcher(options: BatcherOptions): Batcher {
  const size = Math.min(MAX_BATCH, Math.max(1, options.size ?? MAX_BATCH));
  const queue: Waiting[] = [];
  let phase: Phase = { name: 'idle' };
  let onTheirWay = 0;

  function windowOrFull(): Promise<void> {
    return new Promise((resolve) => {
      const endWindow = () => {
        clearTimeout(timer);
        options.signal.removeEventListener('abort', endWindow);
        if (phase.name === 'window') phase = { name: 'slot' };
        resolve();
      };
      const timer = setTimeout(endWindow, options.windowMs);
      phase = { name: 'window', endWindow };
      options.signal.addEventListener('abort', endWindow, { once: true });
      if (queue.length >= size || options.signal.aborted) endWindow();
    });
  }

  /** The next batch gathers, if tasks wait for one. */
  function next() {
    phase = { name: 'idle' };
    if (queue.length > 0) void gather();
  }

  async function gather(): Promise<void> {
    phase = { name: 'slot' };
    let drawn: Waiting[] | undefined;
    const draw = () => {
      if (drawn) return drawn.map((w) => w.task);
      drawn = queue.splice(0, size);
      // The next batch gathers while this one is sent.
      next();
      return drawn.map((w) => w.task);
    };
    onTheirWay++;
    try {
      // Alone, go at once; with a batch already on its way, wait a little for company.
      if (onTheirWay > 1) await windowOrFull();
      const results = await options.send(draw);
      for (const w of drawn ?? []) w.resolve(results.get(w.task.id) ?? 'lease-lost');
    } catch {
      for (const w of drawn ?? []) w.resolve('lease-lost');
    } finally {
      onTheirWay--;
      // `send` gave up before drawing: the waiting tasks go with the next batch.
      if (!drawn) next();
    }
  }

  return {
    add(task) {
      return new Promise((resolve) => {
        queue.push({ task, resolve });
        if (queue.length >= size && phase.name === 'window') phase.endWindow();
        if (phase.name === 'idle') void gather();
      });
    },
  };
}
