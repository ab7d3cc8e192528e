// Errors defined by what the engine does with them. Anything else thrown by a handler is retryable.
// (describeError, for logs and task rows, is in src/ports/errors.ts: every layer uses it.)

/** Retrying cannot help: dead-letter at once. */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

/** Retry, but not before `retryAfterMs` (the provider said when). */
export class RetryAfterError extends Error {
  override name = 'RetryAfterError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The provider's rate limit was hit (429): retry this task after `retryAfterMs`, and push the shared
 * send budget past it, so every process and isolate slows down, not just this one.
 */
export class RateLimitedError extends RetryAfterError {
  override name = 'RateLimitedError';
}

/**
 * Nothing can be delivered by anyone right now (invalid key, quota exhausted): pause delivery for the
 * whole engine instead of burning every task's attempts. `pauseMs` when the provider said how long.
 */
export class PauseDeliveryError extends Error {
  override name = 'PauseDeliveryError';
  constructor(
    message: string,
    readonly pauseMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The provider answered with an error (nothing was sent) that says to try again later. For a batch it
 * matters that the answer came: the outcome is known, so its tasks may be sent in other batches.
 * Any other error from a batch send (timeout, dropped connection, a request still in flight) leaves the
 * outcome unknown, and the batch is sent again as it was (src/tasks/batcher.ts).
 */
export class AnsweredError extends Error {
  override name = 'AnsweredError';
}
