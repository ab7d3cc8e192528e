/**
 * Backoff: how long a task waits before its next attempt.
 *
 *   delay(attempt) = min(max, base · 2^(attempt − 1)), then jittered into [delay / 2, delay]
 *
 * Jitter spreads the retries of many tasks that failed together (a provider outage) so they do not come
 * back as one wave. With the defaults (base 1 s, max 15 min), before jitter:
 *
 *   after attempt  1    2    3    4     5     6     7      8      9      10+
 *   delay          1s   2s   4s   8s    16s   32s   64s    128s   256s   512s (cap 900s from attempt 11)
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** The delay before jitter. `attempt` is the number of the attempt that just failed (1-based). */
export function backoffCeiling(attempt: number, { baseMs, maxMs }: BackoffOptions): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 52));
  return Math.min(maxMs, baseMs * 2 ** exponent);
}

/**
 * The delay before the next attempt: the jittered backoff, or the provider's Retry-After when it gave
 * one and it is longer — never past the cap.
 */
export function delayBeforeRetry(
  attempt: number,
  retryAfterMs: number | undefined,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const backoff = backoffDelay(attempt, options, random);
  return retryAfterMs === undefined ? backoff : Math.min(options.maxMs, Math.max(backoff, retryAfterMs));
}

/** The jittered delay, in [ceiling / 2, ceiling]. `random` is injectable for tests. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = backoffCeiling(attempt, options);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
