// The failure limit on a controlled clock: only failures count, and once over the limit a client
// stays blocked (without further counting) until the window ends.
import { describe, expect, it } from 'vitest';
import { createMemoryClientLimiter, failureLimiter } from './client-limiter.js';

function clock(start: number) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('failureLimiter', () => {
  it('blocks a client past its failures until the window ends, then lets it try again', async () => {
    const time = clock(1_000_000);
    const limiter = failureLimiter(createMemoryClientLimiter(3, 60_000, time.now), time.now);
    for (let i = 0; i < 3; i++) {
      expect(limiter.blocked('a').allowed).toBe(true);
      expect((await limiter.fail('a')).allowed).toBe(true);
    }
    const refused = await limiter.fail('a');
    expect(refused.allowed).toBe(false);
    // The window began at 960 000 (a multiple of 60 s): 20 s of it are left.
    expect(refused.retryAfterSeconds).toBe(20);
    expect(limiter.blocked('a')).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect(limiter.blocked('b').allowed).toBe(true);

    // Asking does not count: many looks later, it is still the same window's block.
    for (let i = 0; i < 50; i++) limiter.blocked('a');
    time.advance(15_000);
    expect(limiter.blocked('a')).toEqual({ allowed: false, retryAfterSeconds: 5 });
    time.advance(5_000);
    expect(limiter.blocked('a').allowed).toBe(true);
    expect((await limiter.fail('a')).allowed).toBe(true);
  });
});
