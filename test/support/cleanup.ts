// For test files whose tests each start their own databases, stand-ins and services as they go:
// everything started is stopped after the file's tests, last started first.
import { afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tools/postgres.js';
import { type ResendStandIn, startResendStandIn } from '../../tools/resend-stand-in.js';

export interface Cleanup {
  /** Runs `step` after the file's tests. */
  defer(step: () => Promise<void>): void;
  /** A fresh database, dropped afterwards. */
  database(name: string): Promise<TestDatabase>;
  /** A Resend stand-in, closed afterwards. */
  resendStandIn(): Promise<ResendStandIn>;
}

/** Registers the afterAll hook that runs the deferred steps. */
export function useCleanup(): Cleanup {
  const steps: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of steps.reverse()) await step();
  });
  const defer = (step: () => Promise<void>) => {
    steps.push(step);
  };
  return {
    defer,
    async database(name) {
      const db = await createTestDatabase(name);
      defer(() => db.drop());
      return db;
    },
    async resendStandIn() {
      const resend = await startResendStandIn();
      defer(() => resend.close());
      return resend;
    },
  };
}
