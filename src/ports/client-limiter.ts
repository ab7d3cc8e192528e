// Abuse limits: how many registrations one client may attempt per window. Node keeps counts in
// memory; Workers use the Rate Limiting binding when it is configured.
export interface LimitVerdict {
  allowed: boolean;
  /** When refused: how long until the client may try again. */
  retryAfterSeconds: number;
}

export interface ClientLimiter {
  check(clientKey: string): Promise<LimitVerdict>;
}

/**
 * Fixed windows per client, kept in memory (one process or isolate). Old windows are dropped as they
 * pass, so memory stays bounded by the clients seen in one window.
 */
export function createMemoryClientLimiter(
  limit: number,
  windowMs: number,
  now: () => number = Date.now,
): ClientLimiter {
  let windowStart = 0;
  let counts = new Map<string, number>();
  return {
    async check(clientKey) {
      const t = now();
      if (t - windowStart >= windowMs) {
        windowStart = t - (t % windowMs);
        counts = new Map();
      }
      const used = (counts.get(clientKey) ?? 0) + 1;
      counts.set(clientKey, used);
      if (used <= limit) return { allowed: true, retryAfterSeconds: 0 };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + windowMs - t) / 1000)) };
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
