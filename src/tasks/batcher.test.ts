// The batcher alone, with a fake `send`: when it sends at once, when it gathers, and that it draws the
// tasks only once the send (its slot) is ready. No clocks: a window that would never end in a test's
// lifetime shows that nothing waited for it.
import { describe, expect, it } from 'vitest';
import type { LeasedTask } from '../ports/tasks.js';
import { createBatcher, MAX_BATCH } from './batcher.js';
import type { AttemptResult } from './types.js';

const task = (id: string): LeasedTask => ({ id, kind: 'k', payload: {}, attempts: 1, maxAttempts: 3, leaseOwner: 'o' });
const NEVER = 3_600_000;

/** A `send` that records each batch and finishes it when told. */
function fakeSend() {
  const batches: { draw: () => LeasedTask[]; finish: () => void; drawn?: LeasedTask[] }[] = [];
  const send = (draw: () => LeasedTask[]) =>
    new Promise<Map<string, AttemptResult>>((resolve) => {
      const batch: (typeof batches)[number] = {
        draw,
        finish: () => {
          batch.drawn ??= draw();
          resolve(new Map(batch.drawn.map((t) => [t.id, 'succeeded'])));
        },
      };
      batches.push(batch);
    });
  return { batches, send };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('batcher', () => {
  it('a lone task is sent at once, without waiting for the window', async () => {
    const { batches, send } = fakeSend();
    const batcher = createBatcher({ windowMs: NEVER, send, signal: new AbortController().signal });
    const result = batcher.add(task('a'));
    await settle();
    expect(batches).toHaveLength(1);
    batches[0]!.finish();
    expect(await result).toBe('succeeded');
    expect(batches[0]!.drawn?.map((t) => t.id)).toEqual(['a']);
  });

  it('tasks arriving while the send waits for its slot join it (drawn only when the slot has come)', async () => {
    const { batches, send } = fakeSend();
    const batcher = createBatcher({ windowMs: NEVER, send, signal: new AbortController().signal });
    const results = [batcher.add(task('a')), batcher.add(task('b')), batcher.add(task('c'))];
    await settle();
    expect(batches).toHaveLength(1);
    batches[0]!.finish();
    expect(await Promise.all(results)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(batches[0]!.drawn?.map((t) => t.id)).toEqual(['a', 'b', 'c']);
  });

  it('under load the next batch gathers until it is full, at most 100; the rest gathers the next', async () => {
    const { batches, send } = fakeSend();
    const shutdown = new AbortController();
    const batcher = createBatcher({ windowMs: NEVER, send, signal: shutdown.signal });
    const first = batcher.add(task('first'));
    await settle();
    batches[0]!.draw(); // the first batch is on its way
    const more = Array.from({ length: MAX_BATCH + 1 }, (_, i) => batcher.add(task(`t${i}`)));
    await settle();
    // Full at 100: sent without waiting for the window that never ends.
    expect(batches).toHaveLength(2);
    batches[1]!.finish();
    expect(batches[1]!.drawn).toHaveLength(MAX_BATCH);
    await settle();
    // The one left over gathers the next batch, waiting for its window (ended here by shutdown).
    expect(batches).toHaveLength(2);
    shutdown.abort();
    await settle();
    expect(batches).toHaveLength(3);
    batches[0]!.finish();
    batches[2]!.finish();
    await first;
    expect(new Set(await Promise.all(more))).toEqual(new Set(['succeeded']));
    expect(batches[2]!.drawn?.map((t) => t.id)).toEqual([`t${MAX_BATCH}`]);
  });

  it('shutdown ends a window at once', async () => {
    const { batches, send } = fakeSend();
    const shutdown = new AbortController();
    const batcher = createBatcher({ windowMs: NEVER, send, signal: shutdown.signal });
    void batcher.add(task('first'));
    await settle();
    batches[0]!.draw();
    void batcher.add(task('waiting'));
    await settle();
    expect(batches).toHaveLength(1);
    shutdown.abort();
    await settle();
    expect(batches).toHaveLength(2);
  });
});
