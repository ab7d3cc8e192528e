// Telling "the database is unreachable" (503, retry later) apart from everything else (500): the
// adapters turn the first into the port's StoreUnavailableError, so nothing above them needs to know
// what a driver's errors look like.
import { StoreUnavailableError } from '../../ports/errors.js';

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
    if (e instanceof StoreUnavailableError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && UNREACHABLE_MESSAGES.some((m) => message.includes(m))) return true;
  }
  return false;
}

/**
 * `methods` with every method's "database unreachable" errors thrown as StoreUnavailableError (the
 * driver's error as its cause); any other error passes through as it was. Wraps each adapter the app
 * is given (the stores, the SqlDatabase), so there is one place where this happens.
 */
export function throwingStoreUnavailable<T extends object>(methods: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(methods)) {
    wrapped[name] =
      typeof method === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await method(...args);
            } catch (error) {
              if (error instanceof StoreUnavailableError || !isDatabaseUnavailable(error)) throw error;
              throw new StoreUnavailableError(error);
            }
          }
        : method;
  }
  return wrapped as T;
}
