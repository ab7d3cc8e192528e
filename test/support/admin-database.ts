// The admin tests' database: a fresh PostgreSQL database behind the real Store, TaskStore and AdminStore
// (node-postgres), emptied before each test, seeded with tasks written as the outbox writes them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { createAdminStore } from '../../src/adapters/db/admin-store.js';
import { type DatabaseHandle, sqlDatabase } from '../../src/adapters/db/database.js';
import { openNodePostgres } from '../../src/adapters/db/node-postgres.js';
import { createStore } from '../../src/adapters/db/store.js';
import type { AdminStore } from '../../src/ports/admin-store.js';
import type { NewRegistration, Store } from '../../src/ports/store.js';
import type { LeasedTask, NewTask } from '../../src/ports/tasks.js';
import { createTaskStore, type TaskStore } from '../../src/tasks/store.js';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../../tools/postgres.js';
import { newRegistration } from './fixtures.js';

export interface Seeded {
  registration: NewRegistration;
  task: LeasedTask;
}

export interface AdminDatabase {
  db: TestDatabase;
  handle: DatabaseHandle;
  store: Store;
  tasks: TaskStore;
  admin: AdminStore;
  /** A registration with its task, written as the outbox does (running, attempt 1, leased). */
  enqueue(overrides?: Partial<NewRegistration>): Promise<Seeded>;
  /** The same, then dead-lettered by a permanent error on its one attempt. */
  enqueueDead(overrides?: Partial<NewRegistration>): Promise<Seeded>;
}

/**
 * Registers beforeAll/afterAll/beforeEach hooks; the returned object's database parts are filled in
 * once beforeAll ran (enqueue and enqueueDead may be taken out at once).
 */
export function useAdminDatabase(name: string, options: { race: string; maxAttempts: number }): AdminDatabase {
  const data = {
    async enqueue(overrides = {}) {
      const registration = newRegistration(options.race, overrides);
      const task: NewTask = {
        id: randomUUID(),
        kind: 'send-confirmation-email',
        payload: { to: registration.email, subject: 'You are in' },
        maxAttempts: options.maxAttempts,
        priority: 0,
        start: 'fast-path',
        leaseOwner: 'request-owner',
        leaseMs: 60_000,
      };
      expect(await data.store.insertRegistrationWithTask(registration, task)).toBe('stored');
      const leased: LeasedTask = {
        id: task.id,
        kind: task.kind,
        payload: task.payload,
        attempts: 1,
        maxAttempts: task.maxAttempts,
        leaseOwner: task.leaseOwner,
      };
      return { registration, task: leased };
    },
    async enqueueDead(overrides = {}) {
      const seeded = await data.enqueue(overrides);
      const attempt = {
        startedAt: new Date(Date.now() - 40),
        durationMs: 40,
        error: 'PermanentError: validation_error',
      };
      expect(await data.tasks.deadLetterTask(seeded.task, attempt)).toBe(true);
      return seeded;
    },
  } as AdminDatabase;
  beforeAll(async () => {
    data.db = await createTestDatabase(name);
    data.handle = openNodePostgres(data.db.url);
    data.store = createStore(data.handle.db);
    data.tasks = createTaskStore(sqlDatabase(data.handle.db));
    data.admin = createAdminStore(data.handle.db);
  });
  afterAll(async () => {
    await data.handle?.close();
    await data.db?.drop();
  });
  beforeEach(() => resetDatabase(data.db));
  return data;
}
