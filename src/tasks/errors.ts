// Errors defined by what the engine does with them. Anything else thrown by a handler is retryable.

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

/** A short, data-free description of an error for the task row and logs. */
export function describeError(error: unknown): string {
  // Drizzle's wrapper carries the SQL and its parameters (personal data) in its message: use its cause.
  if (error instanceof Error && error.message.startsWith('Failed query') && error.cause) {
    return describeError(error.cause);
  }
  if (error instanceof Error) {
    const own = (error as { code?: unknown }).code;
    const fromCause = (error.cause as { code?: unknown } | undefined)?.code;
    const code = typeof own === 'string' ? own : fromCause;
    const text = typeof code === 'string' ? `${error.name}: ${code}` : `${error.name}: ${error.message}`;
    return text.slice(0, 500);
  }
  return 'unknown error';
}
