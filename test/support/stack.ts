// The one set-up style of a test file, as hooks registered by a `use…` call at the top of the file (or
// of a describe block): the returned object is filled in once beforeAll ran, and everything is stopped
// in afterAll, last started first stopped.
// - `useDatabase(name)`: a fresh database only (for files that start their own service or store).
// - `useStack(name, startTarget, env, options)`: a fresh database, a Resend stand-in, and a target
//   (Node or workerd) wired to both. `startTarget: null` for a database and a stand-in without a target;
//   `resend: false` for a target without the stand-in (it keeps its emails in the dev mailbox).
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tools/postgres.js';
import { type ResendStandIn, type ResendStandInOptions, startResendStandIn } from '../../tools/resend-stand-in.js';
import type { StartTarget, Target, TargetOptions } from './targets.js';

export interface Stack {
  db: TestDatabase;
  resend: ResendStandIn;
  target: Target;
}

export interface StackOptions extends Omit<TargetOptions, 'databaseUrl' | 'env'> {
  /** Options of the Resend stand-in (its rate limit, latency…). */
  resend?: ResendStandInOptions;
  /** Options of the database (`migrate: false` for an empty one). */
  database?: { migrate?: boolean };
}

/** Registers beforeAll/afterAll hooks for a fresh database; `db` is filled in once they ran. */
export function useDatabase(name: string, options: { migrate?: boolean } = {}): { db: TestDatabase } {
  const handle = {} as { db: TestDatabase };
  beforeAll(async () => {
    handle.db = await createTestDatabase(name, options);
  });
  afterAll(async () => {
    await handle.db?.drop();
  });
  return handle;
}

/**
 * Registers beforeAll/afterAll hooks; the returned object is filled in once they ran. `env` may be a
 * function, called after the stand-in is up (and after hooks registered earlier in the file).
 */
export function useStack(
  name: string,
  startTarget: StartTarget,
  env: Record<string, string> | (() => Record<string, string>),
  options: Omit<StackOptions, 'resend'> & { resend: false },
): Omit<Stack, 'resend'>;
export function useStack(
  name: string,
  startTarget: StartTarget,
  env?: Record<string, string> | (() => Record<string, string>),
  options?: StackOptions,
): Stack;
export function useStack(
  name: string,
  startTarget: null,
  env?: Record<string, string> | (() => Record<string, string>),
  options?: Pick<StackOptions, 'resend' | 'database'>,
): Omit<Stack, 'target'>;
export function useStack(
  name: string,
  startTarget: StartTarget | null,
  env: Record<string, string> | (() => Record<string, string>) = {},
  {
    resend: resendOptions,
    database,
    ...options
  }: Omit<StackOptions, 'resend'> & { resend?: ResendStandInOptions | false } = {},
): Stack | Omit<Stack, 'target'> | Omit<Stack, 'resend'> {
  const stack = {} as Stack;
  beforeAll(async () => {
    stack.db = await createTestDatabase(name, database);
    if (resendOptions !== false) stack.resend = await startResendStandIn(resendOptions);
    if (!startTarget) return;
    stack.target = await startTarget({
      ...options,
      databaseUrl: stack.db.url,
      env: {
        ...(stack.resend ? { RESEND_API_KEY: stack.resend.apiKey, RESEND_BASE_URL: stack.resend.url } : {}),
        ...(typeof env === 'function' ? env() : env),
      },
    });
  });
  afterAll(async () => {
    await stack.target?.stop();
    await stack.resend?.close();
    await stack.db?.drop();
  });
  return stack;
}
