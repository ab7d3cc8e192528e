/**
 * The process-wide send rate towards the provider (EMAIL_RATE_LIMIT_PER_SEC): attempts take evenly
 * spaced slots, 1000 / rate ms apart. Slots are handed out in order, so a burst queues rather than
 * being refused. Time is injectable for tests.
 */
export interface RateLimiter {
  /** How long a slot taken now would wait, without taking it. */
  wouldWait(): number;
  /** Takes the next slot; returns how long to wait for it. */
  take(): number;
}

export function createRateLimiter(perSecond: number, now: () => number = Date.now): RateLimiter {
  const spacingMs = 1000 / perSecond;
  let nextSlot = 0;
  return {
    wouldWait: () => Math.max(0, nextSlot - now()),
    take() {
      const t = now();
      const slot = Math.max(t, nextSlot);
      nextSlot = slot + spacingMs;
      return slot - t;
    },
  };
}

/** A sleep that ends early, rejecting, when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
