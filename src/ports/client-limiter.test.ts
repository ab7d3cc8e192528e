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
    time.advance(40_000);
    const refused = await limiter.fail('a');
    expect(refused.allowed).toBe(false);
    // The window began with the client's first failure, 40 s ago: 20 s of it are left.
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

describe('createMemoryClientLimiter', () => {
  it("starts each client's window at its first request: no double allowance at the top of a minute", async () => {
    const time = clock(59_000); // one second before a minute boundary
    const limiter = createMemoryClientLimiter(2, 60_000, time.now);
    expect((await limiter.check('a')).allowed).toBe(true);
    expect((await limiter.check('a')).allowed).toBe(true);
    time.advance(2_000); // past the boundary, still within a's window
    expect(await limiter.check('a')).toEqual({ allowed: false, retryAfterSeconds: 58 });
    // Another client's window starts now.
    expect((await limiter.check('b')).allowed).toBe(true);
    time.advance(58_000);
    expect((await limiter.check('a')).allowed).toBe(true);
  });

  it('forgets windows that have ended when many clients have come and gone', async () => {
    const time = clock(0);
    const limiter = createMemoryClientLimiter(1, 1_000, time.now);
    for (let i = 0; i < 5000; i++) {
      expect((await limiter.check(`client-${i}`)).allowed).toBe(true);
      time.advance(10);
    }
    // Each key still counts from its own first request.
    expect((await limiter.check('client-4999')).allowed).toBe(false);
    time.advance(1_000);
    expect((await limiter.check('client-4999')).allowed).toBe(true);
  });
});
