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

  it('grace: after urgent work the turn waits a moment for more of it before less urgent work', async () => {
    const line = createSlotLine({ graceMs: 50 });
    const signal = new AbortController().signal;
    const order: string[] = [];
    const take = (name: string, priority: number) =>
      line.turn(priority, signal).then((done) => {
        order.push(name);
        return done;
      });
    const confirmation = await take('confirmation-1', 0);
    const reminder = take('reminder', 10);
    confirmation();
    await settle();
    // The reminder waits: the next confirmation batch may be forming. It comes, and goes first.
    expect(order).toEqual(['confirmation-1']);
    (await take('confirmation-2', 0))();
    // No more urgent work within the grace: the reminder goes.
    (await reminder)();
    expect(order).toEqual(['confirmation-1', 'confirmation-2', 'reminder']);
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
