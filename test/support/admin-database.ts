// The admin tests' database: a fresh PostgreSQL database behind the real Store, TaskStore and AdminStore
// (node-postgres), emptied before each test, seeded with tasks written as the outbox writes them — a
// registration's confirmation email, or a task of any kind with a key and a priority.
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

/** A task of any kind on its own (no registration). */
export interface TaskFields {
  kind: string;
  key?: string;
  priority?: number;
  /** Written pending, due then, instead of leased as the fast path writes it. */
  runAt?: Date;
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
  /**
   * A task of any kind through the TaskStore (a keyed one replaces the pending task with its key): leased
   * as the fast path writes it (running, attempt 1), or pending until `runAt` (then only the id of what
   * it returns means anything: nobody holds the task).
   */
  enqueueTask(fields: TaskFields): Promise<LeasedTask>;
  /** Dead-letters a leased task by a permanent error on its attempt. */
  deadLetter(task: LeasedTask): Promise<void>;
}

/** A task as the engine holds it after writing it leased (the fast path): attempt 1. */
function leasedAs(task: NewTask): LeasedTask {
  return {
    id: task.id,
    kind: task.kind,
    payload: task.payload,
    attempts: 1,
    maxAttempts: task.maxAttempts,
    leaseOwner: task.leaseOwner,
  };
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
      return { registration, task: leasedAs(task) };
    },
    async enqueueDead(overrides = {}) {
      const seeded = await data.enqueue(overrides);
      await data.deadLetter(seeded.task);
      return seeded;
    },
    async enqueueTask(fields) {
      const task: NewTask = {
        id: randomUUID(),
        kind: fields.kind,
        payload: { note: `a ${fields.kind} task` },
        maxAttempts: options.maxAttempts,
        priority: fields.priority ?? 0,
        // Leased as the fast path writes it (so it can be dead-lettered at once), unless scheduled.
        start: fields.runAt ? 'claim' : 'fast-path',
        leaseOwner: 'request-owner',
        leaseMs: 60_000,
        runAt: fields.runAt ?? null,
        key: fields.key ? { value: fields.key, mode: 'replace' } : null,
      };
      const written = await data.tasks.enqueueTask(task);
      expect(written.outcome).not.toBe('kept');
      return leasedAs({ ...task, id: written.id });
    },
    async deadLetter(task) {
      const attempt = {
        startedAt: new Date(Date.now() - 40),
        durationMs: 40,
        error: 'PermanentError: validation_error',
      };
      expect(await data.tasks.deadLetterTask(task, attempt)).toBe(true);
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
