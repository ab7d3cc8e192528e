// The slot line alone: one waiter at a time, the most urgent next (lowest priority, then first come),
// and a waiter whose signal aborts leaves the line without blocking it.
import { describe, expect, it } from 'vitest';
import { createSlotLine } from './slot-line.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('slot line', () => {
  it('one at a time; then the lowest priority, first come among equals', async () => {
    const line = createSlotLine();
    const signal = new AbortController().signal;
    const order: string[] = [];
    const dones = new Map<string, () => void>();
    const first = await line.turn(10, signal);
    for (const [name, priority] of [
      ['reminder-a', 10],
      ['confirmation-a', 0],
      ['reminder-b', 10],
      ['confirmation-b', 0],
    ] as const) {
      void line.turn(priority, signal).then((done) => {
        order.push(name);
        dones.set(name, done);
      });
    }
    await settle();
    expect(order).toEqual([]);
    first();
    // Each goes alone: the next only when the one before is done.
    for (let i = 1; i <= 4; i++) {
      await settle();
      expect(order).toHaveLength(i);
      dones.get(order.at(-1) as string)?.();
    }
    expect(order).toEqual(['confirmation-a', 'confirmation-b', 'reminder-a', 'reminder-b']);
  });

  it('a waiter whose signal aborts leaves the line with its reason; the next one goes', async () => {
    const line = createSlotLine();
    const holder = await line.turn(0, new AbortController().signal);
    const leaving = new AbortController();
    const left = line.turn(0, leaving.signal);
    let next = false;
    const after = line.turn(5, new AbortController().signal).then((done) => {
      next = true;
      return done;
    });
    leaving.abort(new Error('shutting down'));
    await expect(left).rejects.toThrow('shutting down');
    holder();
    (await after)();
    expect(next).toBe(true);
    // Done twice changes nothing: the line is free.
    holder();
    const again = await line.turn(0, new AbortController().signal);
    again();
  });
});
