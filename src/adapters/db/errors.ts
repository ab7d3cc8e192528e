// Telling "the database is unreachable" (503, retry later) apart from everything else (500).

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

const UNREACHABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Connection closed',
  'connect ECONNREFUSED',
  'Client has encountered a connection error',
  'network connection was lost',
  'fetch failed',
  'PGlite is closed',
];

/** Walks the cause chain (Drizzle wraps driver errors in DrizzleQueryError). */
function* causes(error: unknown): Generator<unknown> {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

/** A field of the driver's Postgres error (`code`, `constraint`, …), wherever it sits in the chain. */
export function postgresErrorField(error: unknown, field: 'code' | 'constraint'): string | undefined {
  for (const e of causes(error)) {
    const value = (e as Record<string, unknown>)[field];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

export function postgresErrorCode(error: unknown): string | undefined {
  return postgresErrorField(error, 'code');
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (const e of causes(error)) {
    if (e instanceof DatabaseUnavailableError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && UNREACHABLE_MESSAGES.some((m) => message.includes(m))) return true;
  }
  return false;
}
