import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, delayBeforeRetry } from './backoff.js';

const DEFAULTS = { baseMs: 1000, maxMs: 900_000 }; // TASK_RETRY_BASE_MS / TASK_RETRY_MAX_MS defaults
const ALMOST_ONE = 0.9999999999;

describe('backoffCeiling', () => {
  it('matches the table in backoff.ts (defaults: base 1 s, cap 15 min)', () => {
    const table: [attempt: number, seconds: number][] = [
      [1, 1],
      [2, 2],
      [3, 4],
      [4, 8],
      [5, 16],
      [6, 32],
      [7, 64],
      [8, 128],
      [9, 256],
      [10, 512],
      [11, 900], // 1024 s capped
      [12, 900],
      [20, 900],
      [100, 900],
    ];
    for (const [attempt, seconds] of table) {
      expect(backoffCeiling(attempt, DEFAULTS), `attempt ${attempt}`).toBe(seconds * 1000);
    }
  });

  it('never grows past the cap, even for absurd attempt numbers', () => {
    for (const attempt of [53, 54, 1000, 1e9, Number.MAX_SAFE_INTEGER]) {
      expect(backoffCeiling(attempt, DEFAULTS)).toBe(900_000);
    }
  });

  it('treats attempt 0 or below as the first', () => {
    expect(backoffCeiling(0, DEFAULTS)).toBe(1000);
    expect(backoffCeiling(-5, DEFAULTS)).toBe(1000);
  });

  it('uses custom base and cap', () => {
    const options = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5, 6, 50].map((a) => backoffCeiling(a, options))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000,
    ]);
    // A cap below the base wins from the start.
    expect(backoffCeiling(1, { baseMs: 5000, maxMs: 1000 })).toBe(1000);
    expect(backoffCeiling(3, { baseMs: 250, maxMs: 1_000_000 })).toBe(1000);
  });

  it('is monotonic (non-decreasing)', () => {
    let previous = 0;
    for (let attempt = 1; attempt <= 40; attempt++) {
      const ceiling = backoffCeiling(attempt, DEFAULTS);
      expect(ceiling).toBeGreaterThanOrEqual(previous);
      previous = ceiling;
    }
  });
});

describe('backoffDelay (jittered into [ceiling / 2, ceiling])', () => {
  it('random = 0 gives half the ceiling', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      expect(backoffDelay(attempt, DEFAULTS, () => 0)).toBe(backoffCeiling(attempt, DEFAULTS) / 2);
    }
  });

  it('random → 1 gives (almost exactly) the ceiling, never more', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = backoffCeiling(attempt, DEFAULTS);
      const delay = backoffDelay(attempt, DEFAULTS, () => ALMOST_ONE);
      expect(delay).toBeLessThanOrEqual(ceiling);
      expect(delay).toBe(ceiling); // rounded
    }
  });

  it('random = 0.5 gives three quarters of the ceiling', () => {
    expect(backoffDelay(3, DEFAULTS, () => 0.5)).toBe(3000);
  });

  it('returns whole milliseconds inside the bounds for odd ceilings', () => {
    const options = { baseMs: 3, maxMs: 1000 };
    for (const r of [0, 0.25, 0.5, ALMOST_ONE]) {
      const delay = backoffDelay(1, options, () => r);
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(1.5);
      expect(delay).toBeLessThanOrEqual(3);
    }
  });

  it('respects the cap with custom options', () => {
    const options = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(30, options, () => 0)).toBe(500);
    expect(backoffDelay(30, options, () => ALMOST_ONE)).toBe(1000);
  });

  it('stays within [ceiling / 2, ceiling] over 1000 random draws, and actually spreads', () => {
    for (const attempt of [1, 5, 10, 11, 25]) {
      const ceiling = backoffCeiling(attempt, DEFAULTS);
      const draws = Array.from({ length: 1000 }, () => backoffDelay(attempt, DEFAULTS));
      for (const delay of draws) {
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
      // Uniform on [c/2, c]: mean 0.75 c (σ of the mean ≈ 0.005 c), well spread.
      const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
      expect(mean / ceiling).toBeGreaterThan(0.72);
      expect(mean / ceiling).toBeLessThan(0.78);
      expect(new Set(draws).size).toBeGreaterThan(attempt === 1 ? 300 : 850);
    }
  });

  it('uses Math.random by default', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(10, DEFAULTS)));
    expect(delays.size).toBeGreaterThan(1);
  });
});

describe('delayBeforeRetry (the engine and the queue consumer)', () => {
  const options = { baseMs: 1000, maxMs: 5000 };
  const top = () => 1; // the jitter's upper end: the ceiling itself

  it('is the backoff without a Retry-After, or when the Retry-After is shorter', () => {
    expect(delayBeforeRetry(1, undefined, options, top)).toBe(1000);
    expect(delayBeforeRetry(1, 10, options, top)).toBe(1000);
  });

  it("is the provider's Retry-After when longer, but never past the cap", () => {
    expect(delayBeforeRetry(1, 3000, options, top)).toBe(3000);
    expect(delayBeforeRetry(1, 60_000, options, top)).toBe(5000);
  });
});
