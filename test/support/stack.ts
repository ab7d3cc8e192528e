// The usual set-up of a test file: a fresh database, a Resend stand-in, and a target (Node or workerd)
// wired to both — started before the file's tests, stopped after them.
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tools/postgres.js';
import { type ResendStandIn, startResendStandIn } from '../../tools/resend-stand-in.js';
import type { StartTarget, Target, TargetOptions } from './targets.js';

export interface Stack {
  db: TestDatabase;
  resend: ResendStandIn;
  target: Target;
}

/**
 * Registers beforeAll/afterAll hooks; the returned object is filled in once they ran. `env` may be a
 * function, called after the stand-in is up (and after hooks registered earlier in the file).
 */
export function useStack(
  name: string,
  startTarget: StartTarget,
  env: Record<string, string> | (() => Record<string, string>) = {},
  options: Omit<TargetOptions, 'databaseUrl' | 'env'> = {},
): Stack {
  const stack = {} as Stack;
  beforeAll(async () => {
    stack.db = await createTestDatabase(name);
    stack.resend = await startResendStandIn();
    stack.target = await startTarget({
      ...options,
      databaseUrl: stack.db.url,
      env: {
        RESEND_API_KEY: stack.resend.apiKey,
        RESEND_BASE_URL: stack.resend.url,
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
