// The batcher: gathers the fast path's tasks of one kind into batches (one provider request each).
//
// At low load nothing waits: a task that finds no batch on its way starts one at once. Under load (a
// batch already on its way) the next batch waits up to the batch window (EMAIL_BATCH_WINDOW_MS) for
// company, or until it is full — and then it waits for its send slot, still collecting: the tasks are
// drawn only when the slot has come, so under a burst the batches fill up by themselves.
import type { LeasedTask } from '../ports/tasks.js';
import type { AttemptResult } from './types.js';

/** Resend's limit for POST /emails/batch. */
export const MAX_BATCH = 100;

export interface BatcherOptions {
  /** How long a batch waits for company when another is already on its way. */
  windowMs: number;
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

export function createBatcher(options: BatcherOptions): Batcher {
  const queue: Waiting[] = [];
  // At most one batch is being gathered at a time (window and slot wait); any number may be sending.
  let gathering = false;
  let onTheirWay = 0;
  let full: (() => void) | undefined;

  function windowOrFull(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        full = undefined;
        options.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, options.windowMs);
      full = done;
      options.signal.addEventListener('abort', done, { once: true });
      if (queue.length >= MAX_BATCH || options.signal.aborted) done();
    });
  }

  async function gather(): Promise<void> {
    gathering = true;
    let drawn: Waiting[] | undefined;
    const draw = () => {
      if (drawn) return drawn.map((w) => w.task);
      drawn = queue.splice(0, MAX_BATCH);
      // The next batch gathers while this one is sent.
      gathering = false;
      if (queue.length > 0) void gather();
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
      if (!drawn) {
        gathering = false;
        if (queue.length > 0) void gather();
      }
    }
  }

  return {
    add(task) {
      return new Promise((resolve) => {
        queue.push({ task, resolve });
        if (queue.length >= MAX_BATCH) full?.();
        if (!gathering) void gather();
      });
    },
  };
}
