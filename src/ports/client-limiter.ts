// Abuse limits: how many registrations one client may attempt per window, and how many wrong admin
// credentials it may send. Node keeps counts in memory; Workers use a Rate Limiting binding when one
// is configured, and the isolate's memory otherwise.
export interface LimitVerdict {
  allowed: boolean;
  /** When refused: how long until the client may try again. */
  retryAfterSeconds: number;
}

export interface ClientLimiter {
  check(clientKey: string): Promise<LimitVerdict>;
}

/**
 * Deletes a map's ended entries once it has grown past a threshold, which then doubles with what is
 * left: memory stays bounded by the live entries, and a map of live entries (an attack from many
 * addresses) is not scanned again on every insert.
 */
function sweepOnGrowth<V>(map: Map<string, V>): (ended: (value: V) => boolean) => void {
  let above = 1024;
  return (ended) => {
    if (map.size < above) return;
    for (const [key, value] of map) if (ended(value)) map.delete(key);
    above = Math.max(1024, map.size * 2);
  };
}

/**
 * A window per client that starts at the client's first request (not at the top of the minute), kept
 * in memory (one process or isolate). With windows aligned to the clock, a client could use its limit
 * at 0:59 and again at 1:00 — twice the limit in two seconds. Windows that have ended are swept when
 * the map grows, so memory stays bounded by the clients seen within one window.
 */
export function createMemoryClientLimiter(
  limit: number,
  windowMs: number,
  now: () => number = Date.now,
): ClientLimiter {
  const windows = new Map<string, { start: number; used: number }>();
  const sweep = sweepOnGrowth(windows);
  return {
    async check(clientKey) {
      const t = now();
      let window = windows.get(clientKey);
      if (!window || t - window.start >= windowMs) {
        sweep((w) => t - w.start >= windowMs);
        window = { start: t, used: 0 };
        windows.set(clientKey, window);
      }
      window.used += 1;
      if (window.used <= limit) return { allowed: true, retryAfterSeconds: 0 };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + windowMs - t) / 1000)) };
    },
  };
}

/** Cloudflare's Rate Limiting binding (`ratelimits` in wrangler.jsonc). */
export interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

export function bindingClientLimiter(binding: RateLimitBinding, periodSeconds: number): ClientLimiter {
  return {
    async check(clientKey) {
      const { success } = await binding.limit({ key: clientKey });
      return { allowed: success, retryAfterSeconds: success ? 0 : periodSeconds };
    },
  };
}

export const unlimited: ClientLimiter = { check: async () => ({ allowed: true, retryAfterSeconds: 0 }) };

/**
 * A limit on failures (wrong admin credentials), not on attempts: only `fail` counts, so an admin who
 * uses the right token all day is never limited. Once a client is over the limit, `blocked` says so
 * without counting, and the caller refuses even a right answer until the window ends — otherwise the
 * limit would not stop guessing (the right guess would still get through).
 */
export interface FailureLimiter {
  /** Counts one failure for the client; refused once it is over the limit. */
  fail(clientKey: string): Promise<LimitVerdict>;
  /** Whether the client is over the limit now (counts nothing). */
  blocked(clientKey: string): LimitVerdict;
}

/**
 * Counts failures with `counter`, and remembers in memory (this process or isolate) until when each
 * refused client stays blocked: the counter (a Rate Limiting binding, say) may not be able to answer
 * "is this client limited?" without counting another attempt.
 */
export function failureLimiter(counter: ClientLimiter, now: () => number = Date.now): FailureLimiter {
  const blockedUntil = new Map<string, number>();
  const sweep = sweepOnGrowth(blockedUntil);
  return {
    async fail(clientKey) {
      const verdict = await counter.check(clientKey);
      if (!verdict.allowed) {
        const t = now();
        sweep((until) => until <= t);
        blockedUntil.set(clientKey, t + verdict.retryAfterSeconds * 1000);
      }
      return verdict;
    },
    blocked(clientKey) {
      const until = blockedUntil.get(clientKey);
      if (until === undefined) return { allowed: true, retryAfterSeconds: 0 };
      const left = until - now();
      if (left <= 0) {
        blockedUntil.delete(clientKey);
        return { allowed: true, retryAfterSeconds: 0 };
      }
      return { allowed: false, retryAfterSeconds: Math.ceil(left / 1000) };
    },
  };
}
