// Errors every layer may meet, and the one way to describe an error in a log line, a span or a task
// row. Here, below every other folder, so that reporting an error never makes one folder import
// another that imports it back.

/**
 * The database could not be reached (refused, reset, timed out, shut down): the store adapters throw
 * this instead of the driver's error, which they keep as `cause`. The HTTP edge answers 503 with
 * Retry-After for it, and nothing else: any other database error is a 500.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(cause: unknown) {
    super('the database cannot be reached', { cause });
  }
}

/** A short, data-free description of an error for the task row and logs. */
export function describeError(error: unknown): string {
  // Wrappers that add nothing the driver's error does not say: describe what they wrap. Drizzle's
  // also carries the SQL and its parameters (personal data) in its message.
  if (error instanceof StoreUnavailableError) return describeError(error.cause);
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
