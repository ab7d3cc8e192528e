// The Store contract: the SAME cases run against every database driver (docs/design.md: Testing, contract suites).
// Each driver's *.test.ts file calls `describeStoreContract(name, open)`. It covers the Store port and
// the task store (src/tasks/store.ts) on that driver's SqlDatabase.
//
// `open()` is called once per file (beforeAll) and must return both stores on a fresh, migrated database.
// Every case starts from a clean state: when the fixture offers `reset()` (truncate) it runs before each
// case; otherwise a fresh fixture is opened for each case. Fixtures may also offer `query()` (raw SQL
// outside the port) so a case can look at rows the port does not expose (tasks, task_attempts); cases
// make their port-level assertions in any case.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Database, queryRows, sqlDatabase } from '../../src/adapters/db/database.js';
import { createStore } from '../../src/adapters/db/store.js';
import type { EmailMessage } from '../../src/domain/confirmation-email.js';
import type { CapOf, NewRegistration, Store } from '../../src/ports/store.js';
import type { AttemptRecord, LeasedTask, NewTask } from '../../src/ports/tasks.js';
import { createTaskStore, type TaskStore } from '../../src/tasks/store.js';
import { resetDatabase } from '../../tools/postgres.js';
import { newRegistration as registrationFor } from '../support/fixtures.js';

export interface StoreFixture {
  store: Store;
  tasks: TaskStore;
  close(): Promise<void>;
  /** Empties every table; makes the next case start clean without a new database. */
  reset?(): Promise<void>;
  /** Raw SQL, outside the port, for assertions. Cast counts to int in the SQL (drivers differ). */
  query?<T = Record<string, unknown>>(text: string): Promise<T[]>;
  /** The same database behind a store that enforces caps. */
  withCaps?(capOf: CapOf): Store;
}

/** Both stores on a Drizzle database, as the app builds them. */
export function storesOn(db: Database): Pick<StoreFixture, 'store' | 'tasks'> {
  return { store: createStore(db), tasks: createTaskStore(sqlDatabase(db)) };
}

/** `reset`, `query` and a capped store for any Drizzle database (all three drivers). */
export function rawAccess(db: Database): Required<Pick<StoreFixture, 'reset' | 'query' | 'withCaps'>> {
  return {
    withCaps: (capOf) => createStore(db, capOf),
    reset: () => resetDatabase(db),
    query: <T>(text: string) => queryRows<T>(db, sql.raw(text)),
  };
}

const RACE = 'contract-race-2027';

/** Waits out the 1 ms leases the cases give their tasks: a lease running out is what they test. */
const leasesExpire = () => sleep(20);
const KIND = 'send-confirmation-email';

/** The shared fixture's row, for this file's race. */
const newRegistration = (overrides: Partial<NewRegistration> = {}) => registrationFor(RACE, overrides);

function newTask(owner: string, overrides: Partial<NewTask> = {}): NewTask {
  const id = randomUUID();
  return {
    id,
    kind: KIND,
    payload: { to: 'runner@example.com', subject: 'You are in', marker: id },
    maxAttempts: 5,
    priority: 0,
    start: 'fast-path',
    leaseOwner: owner,
    leaseMs: 60_000,
    ...overrides,
  };
}

/** The task as its holder sees it after `attempts` claims (1 = the fast-path lease). */
function leased(task: NewTask, attempts = 1, owner = task.leaseOwner): LeasedTask {
  return {
    id: task.id,
    kind: task.kind,
    payload: task.payload,
    attempts,
    maxAttempts: task.maxAttempts,
    leaseOwner: owner,
  };
}

function attemptRecord(error?: string): AttemptRecord {
  return error === undefined
    ? { startedAt: new Date(Date.now() - 25), durationMs: 25 }
    : { startedAt: new Date(Date.now() - 25), durationMs: 25, error };
}

function message(n: number): EmailMessage {
  return {
    from: 'Riverside Marathon <race@example.com>',
    to: `runner${n}@example.com`,
    subject: `Message ${n}`,
    html: `<p>${n}</p>`,
    text: `${n}`,
  };
}

interface TaskRow {
  status: string;
  attempts: number;
  max_attempts: number;
  lease_owner: string | null;
  lease_live: boolean | null;
  registration_id: string | null;
  last_error: string | null;
  payload: unknown;
  result: unknown;
}

interface AttemptRow {
  number: number;
  outcome: string;
  error: string | null;
  duration_ms: number;
}

export function describeStoreContract(name: string, open: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${name}`, () => {
    let shared: StoreFixture | undefined;
    let f: StoreFixture;

    beforeAll(async () => {
      shared = await open();
    });
    afterAll(async () => {
      await shared?.close();
    });
    beforeEach(async () => {
      if (!shared) throw new Error('fixture did not open');
      if (shared.reset) {
        await shared.reset();
        f = shared;
      } else {
        f = await open();
      }
    });
    afterEach(async () => {
      if (f !== shared) await f.close();
    });

    const count = async (table: string, where = 'true'): Promise<number | undefined> => {
      if (!f.query) return undefined;
      const rows = await f.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`);
      return Number(rows[0]?.n);
    };
    /** Asserts a row count when the fixture can run raw SQL (every fixture in this repo can). */
    const expectCount = async (expected: number, table: string, where?: string) => {
      const n = await count(table, where);
      if (n !== undefined) expect(n, `rows in ${table}`).toBe(expected);
    };
    const taskRow = async (id: string): Promise<TaskRow | undefined> => {
      if (!f.query) return undefined;
      const rows = await f.query<TaskRow>(
        `SELECT status, attempts, max_attempts, lease_owner, (lease_expires_at > now()) AS lease_live,
                registration_id, last_error, payload, result
         FROM tasks WHERE id = '${id}'`,
      );
      expect(rows).toHaveLength(1);
      const row = rows[0] as TaskRow;
      return { ...row, attempts: Number(row.attempts), max_attempts: Number(row.max_attempts) };
    };
    const attemptRows = async (taskId: string): Promise<AttemptRow[] | undefined> => {
      if (!f.query) return undefined;
      const rows = await f.query<AttemptRow>(
        `SELECT number, outcome, error, duration_ms FROM task_attempts WHERE task_id = '${taskId}' ORDER BY number`,
      );
      return rows.map((r) => ({ ...r, number: Number(r.number), duration_ms: Number(r.duration_ms) }));
    };

    it('ping resolves', async () => {
      await expect(f.store.ping()).resolves.toBeUndefined();
    });

    describe('insertRegistration / findRegistration', () => {
      it('composed and decomposed spellings of one email are one runner (NFC)', async () => {
        const composed = newRegistration({ email: 'zo\u00eb@example.com' });
        expect(await f.store.insertRegistration(composed)).toBe('stored');
        const decomposed = newRegistration({ email: 'ZOE\u0308@example.com' });
        expect(await f.store.insertRegistrationWithTask(decomposed, newTask('owner-a'))).toBe('already_registered');
        expect(await f.store.findRegistration(decomposed.id)).toBeNull();
        await expectCount(1, 'registrations', `email_normalized = 'zo\u00eb@example.com'`);
      });

      it('stores a registration once per normalized email (lower(trim(email))) and finds it', async () => {
        const first = newRegistration({ email: ' ADA@Example.com ' });
        expect(await f.store.insertRegistration(first)).toBe('stored');
        const again = newRegistration({ email: 'ada@example.com', firstName: 'Other' });
        expect(await f.store.insertRegistration(again)).toBe('already_registered');
        expect(await f.store.insertRegistration(newRegistration({ email: '\tAda@EXAMPLE.COM' }))).toBe(
          'already_registered',
        );
        expect(await f.store.findRegistration(again.id)).toBeNull();

        const found = await f.store.findRegistration(first.id);
        expect(found).not.toBeNull();
        expect(found?.registration).toMatchObject({
          id: first.id,
          raceId: RACE,
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: ' ADA@Example.com ',
          address: '12 Analytical Row\nLondon',
          distance: 'half',
          strategy: 'outbox',
        });
        expect(found?.registration.createdAt).toBeInstanceOf(Date);
        expect(Number.isNaN(found?.registration.createdAt.getTime())).toBe(false);
        expect(found?.registration).not.toHaveProperty('emailNormalized');
        expect(found?.email).toEqual({ status: 'not_tracked', attempts: 0, sentAt: null });
        await expectCount(1, 'registrations');
      });

      it('lets the same email register for another race', async () => {
        expect(await f.store.insertRegistration(newRegistration({ email: 'ada@example.com' }))).toBe('stored');
        const other = newRegistration({ email: 'ada@example.com', raceId: 'another-race' });
        expect(await f.store.insertRegistration(other)).toBe('stored');
        expect((await f.store.findRegistration(other.id))?.registration.raceId).toBe('another-race');
      });

      it('returns null for an unknown id', async () => {
        expect(await f.store.findRegistration(randomUUID())).toBeNull();
      });

      it('findRegistrationByEmail compares the address as at sign-up, within the race', async () => {
        const ada = newRegistration({ email: ' Zo\u00eb@Example.com ' });
        expect(await f.store.insertRegistration(ada)).toBe('stored');
        for (const spelling of ['zo\u00eb@example.com', 'ZOE\u0308@EXAMPLE.COM', '\tzo\u00eb@example.com ']) {
          const found = await f.store.findRegistrationByEmail(RACE, spelling);
          expect(found, spelling).toMatchObject({ id: ada.id, firstName: 'Ada', email: ' Zo\u00eb@Example.com ' });
          expect(found).not.toHaveProperty('emailNormalized');
          expect(found?.createdAt).toBeInstanceOf(Date);
        }
        expect(await f.store.findRegistrationByEmail('another-race', 'zo\u00eb@example.com')).toBeNull();
        expect(await f.store.findRegistrationByEmail(RACE, 'nobody@example.com')).toBeNull();
      });
    });

    describe("enqueueRegistrationTask (a registration's task, at most once per window)", () => {
      const resend = (registrationId: string, overrides: Partial<NewTask> = {}) =>
        newTask('owner-r', { key: { value: `resend:${registrationId}`, mode: 'keep' }, ...overrides });
      const WINDOW = 10 * 60 * 1000;

      it('writes the task for the registration, then nothing while it is live or within the window', async () => {
        const registration = newRegistration();
        expect(await f.store.insertRegistrationWithTask(registration, newTask('owner-a'))).toBe('stored');
        const first = resend(registration.id);
        expect(await f.store.enqueueRegistrationTask(registration.id, first, WINDOW)).toBe(true);
        const row = await taskRow(first.id);
        expect(row).toMatchObject({ status: 'running', attempts: 1, registration_id: registration.id });
        // Live: nothing, however short the window.
        expect(await f.store.enqueueRegistrationTask(registration.id, resend(registration.id), 0)).toBe(false);
        // Finished, but within the window: nothing either.
        expect(await f.tasks.completeTask(leased(first), attemptRecord(), { id: 'p' })).toBe(true);
        expect(await f.store.enqueueRegistrationTask(registration.id, resend(registration.id), WINDOW)).toBe(false);
        await expectCount(1, 'tasks', `key = 'resend:${registration.id}'`);
        // Once the window has passed (here: none), a new one.
        await sleep(5);
        const later = resend(registration.id, { start: 'claim' });
        expect(await f.store.enqueueRegistrationTask(registration.id, later, 1)).toBe(true);
        expect(await taskRow(later.id)).toMatchObject({ status: 'pending', attempts: 0 });
        // The registration's own confirmation (no key) and another registration's key are apart.
        const other = newRegistration();
        expect(await f.store.insertRegistration(other)).toBe('stored');
        expect(await f.store.enqueueRegistrationTask(other.id, resend(other.id), WINDOW)).toBe(true);
        await expectCount(4, 'tasks');
      });

      it('writes nothing for an unknown registration', async () => {
        const id = randomUUID();
        expect(await f.store.enqueueRegistrationTask(id, resend(id), WINDOW)).toBe(false);
        await expectCount(0, 'tasks');
      });

      it('of 10 concurrent re-sends of one registration, exactly one is written', async () => {
        const registration = newRegistration();
        expect(await f.store.insertRegistration(registration)).toBe('stored');
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            f.store.enqueueRegistrationTask(registration.id, resend(registration.id), WINDOW),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        await expectCount(1, 'tasks', `key = 'resend:${registration.id}'`);
      });
    });

    describe("changeEmail (a runner's new address, in one statement)", () => {
      const change = (registrationId: string, email: string, tasks: NewTask[] = []) =>
        f.store.changeEmail({
          registrationId,
          from: 'registered',
          email,
          tasks,
          supersededKind: KIND,
          letterKind: 'send-runner-email',
        });
      const confirmation = () => newTask('owner-c', { start: 'claim', payload: { to: 'new@example.com' } });

      it('changes the address with its tasks; the same address again writes nothing; the old confirmation is cancelled', async () => {
        const registration = newRegistration();
        const first = newTask('owner-a', { start: 'claim' });
        expect(await f.store.insertRegistrationWithTask(registration, first)).toBe('stored');
        // A letter still pending (a waitlist letter, say) is re-addressed with the change.
        const letter = newTask('owner-l', {
          kind: 'send-runner-email',
          start: 'claim',
          payload: { letter: 'waitlist', to: registration.email },
          key: { value: `letter:${registration.id}`, mode: 'keep' },
        });
        expect(await f.store.enqueueRegistrationTask(registration.id, letter, 0)).toBe(true);
        const next = confirmation();
        expect(await change(registration.id, 'New@Example.com', [next])).toBe('changed');
        const readdressed = await taskRow(letter.id);
        if (readdressed) expect(readdressed.payload).toEqual({ letter: 'waitlist', to: 'New@Example.com' });
        expect((await f.store.findRegistration(registration.id))?.registration.email).toBe('New@Example.com');
        expect(await taskRow(next.id)).toMatchObject({ status: 'pending', registration_id: registration.id });
        expect(await taskRow(first.id)).toMatchObject({ status: 'cancelled' });
        // Compared normalized: the same address, however written, changes nothing.
        const again = confirmation();
        expect(await change(registration.id, ' new@example.COM', [again])).toBe('unchanged');
        await expectCount(0, 'tasks', `id = '${again.id}'`);
        // The row is no longer in the status it was read in: stale, nothing written.
        const gone = newRegistration();
        expect(await f.store.insertRegistration(gone)).toBe('stored');
        expect(
          await f.store.changeEmail({
            registrationId: gone.id,
            from: 'waitlisted',
            email: 'other@example.com',
            tasks: [],
            supersededKind: KIND,
            letterKind: 'send-runner-email',
          }),
        ).toBe('stale');
      });

      it("another registration's address, or a suppressed one: nothing changes", async () => {
        const a = newRegistration();
        const b = newRegistration();
        expect(await f.store.insertRegistration(a)).toBe('stored');
        expect(await f.store.insertRegistration(b)).toBe('stored');
        const task = confirmation();
        expect(await change(a.id, b.email.toUpperCase(), [task])).toBe('already_registered');
        expect((await f.store.findRegistration(a.id))?.registration.email).toBe(a.email);
        await expectCount(0, 'tasks');
        if (!f.query) return;
        await f.query(
          "INSERT INTO suppressed_addresses (email_normalized, reason, svix_id) VALUES ('gone@example.com', 'bounced', 'msg_1')",
        );
        expect(await change(a.id, 'Gone@example.com', [confirmation()])).toBe('suppressed');
        expect((await f.store.findRegistration(a.id))?.registration.email).toBe(a.email);
        await expectCount(0, 'tasks');
      });

      it('of 5 concurrent changes to one address, exactly one is made', async () => {
        const registration = newRegistration();
        expect(await f.store.insertRegistration(registration)).toBe('stored');
        const results = await Promise.all(
          Array.from({ length: 5 }, () => change(registration.id, 'once@example.com', [confirmation()])),
        );
        expect(results.filter((r) => r === 'changed')).toHaveLength(1);
        expect(results.every((r) => r === 'changed' || r === 'stale' || r === 'unchanged')).toBe(true);
        await expectCount(1, 'tasks');
      });
    });

    describe('insertRegistrationWithTask (the outbox enqueue)', () => {
      it('writes the registration and its already-leased task together', async () => {
        const registration = newRegistration();
        const task = newTask('owner-a', { maxAttempts: 7 });
        expect(await f.store.insertRegistrationWithTask(registration, task)).toBe('stored');

        const found = await f.store.findRegistration(registration.id);
        expect(found?.registration.id).toBe(registration.id);
        expect(found?.email).toEqual({ status: 'sending', attempts: 1, sentAt: null });

        const row = await taskRow(task.id);
        if (row) {
          expect(row).toMatchObject({
            status: 'running',
            attempts: 1,
            max_attempts: 7,
            lease_owner: 'owner-a',
            lease_live: true,
            registration_id: registration.id,
            last_error: null,
          });
          expect(row.payload).toEqual(task.payload);
        }
        // Leased for 60 s: nobody else can claim it.
        expect(await f.tasks.claimTasks('owner-b', 10, 60_000)).toEqual([]);
      });

      it('writes NEITHER row for a duplicate email', async () => {
        const first = newRegistration({ email: 'grace@example.com' });
        expect(await f.store.insertRegistrationWithTask(first, newTask('owner-a'))).toBe('stored');
        const tasksBefore = await count('tasks');

        const duplicate = newRegistration({ email: '  GRACE@example.COM' });
        // A 1 ms lease: had this task been written, it would be claimable once leasesExpire() below ran.
        const duplicateTask = newTask('owner-a', { leaseMs: 1 });
        expect(await f.store.insertRegistrationWithTask(duplicate, duplicateTask)).toBe('already_registered');

        expect(await f.store.findRegistration(duplicate.id)).toBeNull();
        expect(await count('tasks')).toBe(tasksBefore);
        await expectCount(0, 'tasks', `id = '${duplicateTask.id}'`);
        await expectCount(1, 'registrations');
        await leasesExpire();
        expect(await f.tasks.claimTasks('owner-b', 10, 60_000)).toEqual([]);
        // The first registration's delivery is untouched.
        expect((await f.store.findRegistration(first.id))?.email).toMatchObject({ status: 'sending', attempts: 1 });
      });

      it('writes no task when the email was registered by a seed strategy (insertRegistration)', async () => {
        expect(await f.store.insertRegistration(newRegistration({ email: 'lin@example.com' }))).toBe('stored');
        const registration = newRegistration({ email: 'LIN@example.com' });
        const task = newTask('owner-a', { leaseMs: 1 });
        expect(await f.store.insertRegistrationWithTask(registration, task)).toBe('already_registered');
        await expectCount(0, 'tasks');
        await leasesExpire();
        expect(await f.tasks.claimTasks('owner-b', 10, 60_000)).toEqual([]);
      });

      it('of 20 concurrent duplicates, exactly one is stored (with exactly one task)', async () => {
        const attempts = Array.from({ length: 20 }, (_, i) => ({
          registration: newRegistration({ email: i % 2 ? 'Same@Example.com' : ' same@example.com' }),
          task: newTask(`owner-${i}`, { leaseMs: 1 }),
        }));
        const results = await Promise.all(
          attempts.map(({ registration, task }) => f.store.insertRegistrationWithTask(registration, task)),
        );
        expect(results.filter((r) => r === 'stored')).toHaveLength(1);
        expect(results.filter((r) => r === 'already_registered')).toHaveLength(19);
        const winner = attempts[results.indexOf('stored')];
        if (!winner) throw new Error('no winner');

        const found = await Promise.all(attempts.map(({ registration }) => f.store.findRegistration(registration.id)));
        expect(found.filter((r) => r !== null).map((r) => r?.registration.id)).toEqual([winner.registration.id]);
        await expectCount(1, 'registrations');
        await expectCount(1, 'tasks');

        // Only the winner's task exists: after its 1 ms lease expires it is the one and only claimable task.
        await leasesExpire();
        const claimed = await f.tasks.claimTasks('sweeper', 50, 60_000);
        expect(claimed.map((t) => t.id)).toEqual([winner.task.id]);
      });
    });

    describe('task transitions', () => {
      async function enqueue(overrides: Partial<NewTask> = {}) {
        const registration = newRegistration();
        const task = newTask('owner-a', overrides);
        expect(await f.store.insertRegistrationWithTask(registration, task)).toBe('stored');
        return { registration, task };
      }

      it('completeTask with the right lease → sent, attempt recorded; again (lease gone) → false', async () => {
        const { registration, task } = await enqueue();
        // Wrong owner, wrong attempt number: not the holder.
        expect(await f.tasks.completeTask(leased(task, 1, 'intruder'), attemptRecord(), { id: 'x' })).toBe(false);
        expect(await f.tasks.completeTask(leased(task, 2), attemptRecord(), { id: 'x' })).toBe(false);

        expect(await f.tasks.completeTask(leased(task), attemptRecord(), { id: 'provider-id-1' })).toBe(true);
        const found = await f.store.findRegistration(registration.id);
        expect(found?.email.status).toBe('sent');
        expect(found?.email.attempts).toBe(1);
        expect(found?.email.sentAt).toBeInstanceOf(Date);

        const row = await taskRow(task.id);
        if (row) {
          expect(row).toMatchObject({ status: 'succeeded', attempts: 1, lease_owner: null, last_error: null });
          expect(row.result).toEqual({ id: 'provider-id-1' });
        }
        const history = await attemptRows(task.id);
        if (history) expect(history).toEqual([{ number: 1, outcome: 'succeeded', error: null, duration_ms: 25 }]);

        // The lease is gone: a second completion (or any other transition) writes nothing.
        expect(await f.tasks.completeTask(leased(task), attemptRecord(), { id: 'provider-id-2' })).toBe(false);
        expect(await f.tasks.retryTask(leased(task), attemptRecord('late'), 0)).toBe(false);
        expect(await f.tasks.deadLetterTask(leased(task), attemptRecord('late'))).toBe(false);
        expect((await f.store.findRegistration(registration.id))?.email.status).toBe('sent');
        if (f.query) expect(await attemptRows(task.id)).toHaveLength(1);
        expect(await f.tasks.claimTasks('owner-b', 10, 60_000)).toEqual([]);
      });

      it('retryTask → pending, not claimable before the delay', async () => {
        const { registration, task } = await enqueue();
        expect(await f.tasks.retryTask(leased(task), attemptRecord('MailError: application_error'), 60_000)).toBe(true);
        const found = await f.store.findRegistration(registration.id);
        expect(found?.email).toMatchObject({ status: 'pending', attempts: 1, sentAt: null });
        expect(await f.tasks.claimTasks('owner-b', 10, 60_000)).toEqual([]);

        const row = await taskRow(task.id);
        if (row)
          expect(row).toMatchObject({
            status: 'pending',
            lease_owner: null,
            last_error: 'MailError: application_error',
          });
        const history = await attemptRows(task.id);
        if (history)
          expect(history).toMatchObject([{ number: 1, outcome: 'failed', error: 'MailError: application_error' }]);
        // The old holder cannot finish it any more.
        expect(await f.tasks.completeTask(leased(task), attemptRecord(), null)).toBe(false);
      });

      it('retryTask with a 0 ms delay → claimable at once, attempts 2, new owner', async () => {
        const { registration, task } = await enqueue({ maxAttempts: 4 });
        expect(await f.tasks.retryTask(leased(task), attemptRecord('boom'), 0)).toBe(true);

        const claimed = await f.tasks.claimTasks('owner-b', 10, 60_000);
        expect(claimed).toEqual([
          {
            id: task.id,
            kind: KIND,
            payload: task.payload,
            attempts: 2,
            maxAttempts: 4,
            leaseOwner: 'owner-b',
            traceParent: null,
            batchId: null,
          },
        ]);
        expect((await f.store.findRegistration(registration.id))?.email).toMatchObject({
          status: 'sending',
          attempts: 2,
        });
        // Claimed under a 60 s lease: not claimable again.
        expect(await f.tasks.claimTasks('owner-c', 10, 60_000)).toEqual([]);

        const [leaseB] = claimed;
        if (!leaseB) throw new Error('nothing claimed');
        expect(await f.tasks.completeTask(leaseB, attemptRecord(), { id: 'p' })).toBe(true);
        const history = await attemptRows(task.id);
        if (history)
          expect(history.map((a) => [a.number, a.outcome])).toEqual([
            [1, 'failed'],
            [2, 'succeeded'],
          ]);
      });

      it('keeps the enqueuing request’s traceparent: a claim returns it (the retry’s span links to it)', async () => {
        const traceParent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
        const { task } = await enqueue({ traceParent });
        expect(await f.tasks.retryTask(leased(task), attemptRecord('boom'), 0)).toBe(true);
        const [claimed] = await f.tasks.claimTasks('owner-b', 10, 60_000);
        expect(claimed?.traceParent).toBe(traceParent);
      });

      it('deadLetterTask → failed, never claimed again', async () => {
        const { registration, task } = await enqueue();
        expect(await f.tasks.deadLetterTask(leased(task), attemptRecord('PermanentError: validation_error'))).toBe(
          true,
        );
        const found = await f.store.findRegistration(registration.id);
        expect(found?.email).toMatchObject({ status: 'failed', attempts: 1, sentAt: null });

        const row = await taskRow(task.id);
        if (row)
          expect(row).toMatchObject({
            status: 'dead',
            lease_owner: null,
            last_error: 'PermanentError: validation_error',
          });
        const history = await attemptRows(task.id);
        if (history)
          expect(history).toMatchObject([{ number: 1, outcome: 'dead', error: 'PermanentError: validation_error' }]);

        // A moment later, so a run_at of "now" written with the dead letter would be due: still not claimed.
        await sleep(10);
        expect(await f.tasks.claimTasks('owner-b', 10, 60_000)).toEqual([]);
        if (f.query) {
          // Even long overdue, a dead task stays put.
          await f.query(`UPDATE tasks SET run_at = now() - interval '1 day' WHERE id = '${task.id}'`);
          expect(await f.tasks.claimTasks('owner-b', 10, 60_000)).toEqual([]);
        }
        expect(await f.tasks.deadLetterTask(leased(task), attemptRecord('again'))).toBe(false);
      });

      it('releaseTask → pending, the attempt given back; with an attempt, recorded as paused', async () => {
        const { registration, task } = await enqueue();
        // Never started (delivery paused, shutting down): no history, and attempt 1 is not used up.
        expect(await f.tasks.releaseTask(leased(task), 0)).toBe(true);
        expect((await f.store.findRegistration(registration.id))?.email).toMatchObject({
          status: 'pending',
          attempts: 0,
        });
        if (f.query) expect(await attemptRows(task.id)).toEqual([]);
        const [again] = await f.tasks.claimTasks('owner-b', 10, 60_000);
        if (!again) throw new Error('nothing claimed');
        expect(again).toMatchObject({ id: task.id, attempts: 1, leaseOwner: 'owner-b' });

        // Started and hit an account-wide failure: recorded as `paused` under its own number, given back too.
        expect(await f.tasks.releaseTask(again, 60_000, attemptRecord('MailError: invalid_api_key'))).toBe(true);
        expect((await f.store.findRegistration(registration.id))?.email).toMatchObject({
          status: 'pending',
          attempts: 0,
        });
        const row = await taskRow(task.id);
        if (row)
          expect(row).toMatchObject({ status: 'pending', lease_owner: null, last_error: 'MailError: invalid_api_key' });
        const history = await attemptRows(task.id);
        if (history)
          expect(history).toMatchObject([{ number: 1, outcome: 'paused', error: 'MailError: invalid_api_key' }]);
        // Due in a minute, and the old holder's lease is gone.
        expect(await f.tasks.claimTasks('owner-c', 10, 60_000)).toEqual([]);
        expect(await f.tasks.releaseTask(again, 0)).toBe(false);
      });

      it('batches: formed by the holder only; an unknown outcome keeps them whole; claimed whole or not at all', async () => {
        const [a, b, other] = [await enqueue(), await enqueue(), await enqueue()];
        const batchId = randomUUID();
        // `other` is not held by this lease (another attempt number): it stays out of the batch.
        const formed = await f.tasks.formBatch(
          batchId,
          [leased(a.task), leased(b.task), leased(other.task, 2)],
          60_000,
        );
        expect(formed.sort()).toEqual([a.task.id, b.task.id].sort());
        // Formed once: a second batch cannot take them.
        expect(await f.tasks.formBatch(randomUUID(), [leased(a.task)], 60_000)).toEqual([]);

        // The outcome is unknown: both stay in the batch. `b` comes due later than `a` (a minute later).
        const inBatch = (t: NewTask) => ({ ...leased(t), batchId });
        const unknown = { batchId, startedAt: new Date(), durationMs: 5, outcome: 'unknown' as const };
        const recorded = await f.tasks.finishBatch(unknown, [
          { task: inBatch(a.task), outcome: 'failed', error: 'MailError: timeout', delayMs: 0 },
          { task: inBatch(b.task), outcome: 'failed', error: 'MailError: timeout', delayMs: 60_000 },
        ]);
        expect(recorded.sort()).toEqual([a.task.id, b.task.id].sort());
        // `a` alone is due, but without `b` its batch cannot be sent: nothing is claimed, nothing burned.
        expect((await f.tasks.claimTasks('owner-b', 10, 60_000)).filter((t) => t.id !== other.task.id)).toEqual([]);
        // The minute passes (moved in the row rather than waited for).
        await f.query?.(`UPDATE tasks SET run_at = now() - interval '1 millisecond' WHERE id = '${b.task.id}'`);
        const claimed = await f.tasks.claimTasks('owner-b', 10, 60_000);
        expect(
          claimed
            .map((t) => ({ id: t.id, attempts: t.attempts, batchId: t.batchId }))
            .sort((x, y) => (x.id < y.id ? -1 : 1)),
        ).toEqual([a.task.id, b.task.id].sort().map((id) => ({ id, attempts: 2, batchId })));

        // Answered: one sent, one refused. The batch id is cleared; the attempts keep it.
        const known = { batchId, startedAt: new Date(), durationMs: 5, outcome: 'known' as const };
        const [ca, cb] = [claimed.find((t) => t.id === a.task.id)!, claimed.find((t) => t.id === b.task.id)!];
        await f.tasks.finishBatch(known, [
          { task: ca, outcome: 'succeeded', result: { id: 'p-1' } },
          { task: cb, outcome: 'dead', error: 'PermanentError: validation_error' },
        ]);
        const rows = await f.query?.<{ id: string; status: string; batch_id: string | null }>(
          `SELECT id, status, batch_id FROM tasks WHERE id IN ('${a.task.id}', '${b.task.id}')`,
        );
        if (rows) {
          expect(rows.map((r) => [r.status, r.batch_id]).sort()).toEqual([
            ['dead', null],
            ['succeeded', null],
          ]);
        }
        const attempts = await f.query?.<{ batch_id: string; n: number }>(
          `SELECT batch_id, count(*)::int AS n FROM task_attempts WHERE task_id IN ('${a.task.id}', '${b.task.id}') GROUP BY batch_id`,
        );
        if (attempts) expect(attempts).toEqual([{ batch_id: batchId, n: 4 }]);
      });

      it('an expired lease is re-claimed by another owner; the old owner has lost it', async () => {
        const { registration, task } = await enqueue({ leaseMs: 1 });
        await leasesExpire();
        const claimed = await f.tasks.claimTasks('owner-b', 10, 60_000);
        expect(claimed).toHaveLength(1);
        expect(claimed[0]).toMatchObject({ id: task.id, attempts: 2, leaseOwner: 'owner-b', payload: task.payload });

        expect(await f.tasks.completeTask(leased(task), attemptRecord(), { id: 'old' })).toBe(false);
        expect(await f.tasks.retryTask(leased(task), attemptRecord('old'), 0)).toBe(false);
        expect(await f.tasks.deadLetterTask(leased(task), attemptRecord('old'))).toBe(false);
        expect((await f.store.findRegistration(registration.id))?.email).toMatchObject({
          status: 'sending',
          attempts: 2,
        });

        const [leaseB] = claimed;
        if (!leaseB) throw new Error('nothing claimed');
        expect(await f.tasks.completeTask(leaseB, attemptRecord(), { id: 'new' })).toBe(true);
        expect((await f.store.findRegistration(registration.id))?.email).toMatchObject({ status: 'sent', attempts: 2 });
        const history = await attemptRows(task.id);
        if (history)
          expect(history.map((a) => [a.number, a.outcome])).toEqual([
            [1, 'abandoned'],
            [2, 'succeeded'],
          ]);
      });

      it('claimTasks honours the limit and leases with the given length', async () => {
        for (let i = 0; i < 3; i++) await enqueue({ leaseMs: 1 });
        await leasesExpire();
        const first = await f.tasks.claimTasks('owner-b', 2, 60_000);
        expect(first).toHaveLength(2);
        const second = await f.tasks.claimTasks('owner-c', 2, 3_600_000);
        expect(second).toHaveLength(1);
        expect(await f.tasks.claimTasks('owner-d', 10, 60_000)).toEqual([]);
        // Each lease as long as its claim asked: owner-b's a minute at most, owner-c's longer.
        const leaseLeft = await f.tasks.taskStates([...first, ...second].map((t) => t.id));
        for (const t of first) expect(leaseLeft.get(t.id)?.leaseLeftMs).toBeLessThanOrEqual(60_000);
        expect(leaseLeft.get(second[0]!.id)?.leaseLeftMs).toBeGreaterThan(60_000);
        // owner-b's leases run out (moved in the rows rather than waited for); owner-c's does not.
        await f.query?.(
          `UPDATE tasks SET lease_expires_at = now() - interval '1 millisecond' WHERE lease_owner = 'owner-b'`,
        );
        const third = await f.tasks.claimTasks('owner-d', 10, 60_000);
        expect(third.map((t) => t.id).sort()).toEqual(first.map((t) => t.id).sort());
        expect(third.every((t) => t.attempts === 3)).toBe(true);
      });

      it('two concurrent claims never return the same task twice', async () => {
        // A few rounds; earlier rounds' tasks stay leased for 60 s, so each round sees only its own 8.
        for (let round = 0; round < 3; round++) {
          const enqueued: string[] = [];
          for (let i = 0; i < 8; i++) enqueued.push((await enqueue({ leaseMs: 1 })).task.id);
          await leasesExpire();
          const [a, b] = await Promise.all([
            f.tasks.claimTasks('sweeper-a', 5, 60_000),
            f.tasks.claimTasks('sweeper-b', 5, 60_000),
          ]);
          const ids = [...a, ...b].map((t) => t.id);
          expect(new Set(ids).size).toBe(ids.length);
          expect(a.length).toBeLessThanOrEqual(5);
          expect(b.length).toBeLessThanOrEqual(5);
          expect(a.every((t) => t.leaseOwner === 'sweeper-a')).toBe(true);
          expect(b.every((t) => t.leaseOwner === 'sweeper-b')).toBe(true);
          // Whatever is left is claimed by a third sweeper, again without overlap: nothing lost, nothing twice.
          const rest = await f.tasks.claimTasks('sweeper-c', 10, 60_000);
          const all = [...ids, ...rest.map((t) => t.id)];
          expect(new Set(all).size).toBe(all.length);
          expect(all.sort()).toEqual(enqueued.sort());
        }
      });
    });

    describe('scheduled, keyed, cancellable and prioritised tasks', () => {
      /** A task to claim (pending), on its own or with a registration's statement. */
      const pendingTask = (overrides: Partial<NewTask> = {}) => newTask('unused', { start: 'claim', ...overrides });
      const inSeconds = (s: number) => new Date(Date.now() + s * 1000);
      const statusOf = async (id: string) => (await taskRow(id))?.status;

      // Times an hour or a minute ahead, so that no bound below depends on how long the steps take.
      it('runAt: never claimed before it (the database clock), claimed once it has passed', async () => {
        const later = pendingTask({ runAt: inSeconds(3600) });
        expect(await f.store.insertRegistrationWithTask(newRegistration(), later)).toBe('stored');
        expect(await f.tasks.claimTasks('sweeper', 10, 60_000)).toEqual([]);
        // Due in at most the hour, and not yet: the hour's distance, not the minute's lease below.
        const dueIn = await f.tasks.nextDueInMs();
        expect(dueIn).toBeLessThanOrEqual(3_600_000);
        expect(dueIn).toBeGreaterThan(60_000);
        const passed = pendingTask({ runAt: inSeconds(-1) });
        expect(await f.store.insertRegistrationWithTask(newRegistration(), passed)).toBe('stored');
        const claimed = await f.tasks.claimTasks('sweeper', 10, 60_000);
        expect(claimed.map((t) => t.id)).toEqual([passed.id]);
        // Next: the claimed task's lease running out (a minute), before the other task's hour.
        const next = await f.tasks.nextDueInMs();
        expect(next).not.toBeNull();
        expect(next).toBeLessThanOrEqual(60_000);
      });

      it('nextDueInMs: null with nothing waiting, 0 with a task due', async () => {
        expect(await f.tasks.nextDueInMs()).toBeNull();
        await f.tasks.enqueueTask(pendingTask());
        expect(await f.tasks.nextDueInMs()).toBe(0);
      });

      it('keys: replace rewrites the pending task (payload, runAt), keep leaves it; another kind is apart', async () => {
        const key = { value: 'reminder:r1:7d', mode: 'replace' as const };
        const first = await f.tasks.enqueueTask(pendingTask({ key, runAt: inSeconds(3600), payload: { n: 1 } }));
        expect(first.outcome).toBe('inserted');
        const replaced = await f.tasks.enqueueTask(pendingTask({ key, runAt: inSeconds(-1), payload: { n: 2 } }));
        expect(replaced).toEqual({ id: first.id, outcome: 'replaced' });
        const kept = await f.tasks.enqueueTask(
          pendingTask({ key: { ...key, mode: 'keep' }, runAt: inSeconds(3600), payload: { n: 3 } }),
        );
        expect(kept).toEqual({ id: first.id, outcome: 'kept' });
        const other = await f.tasks.enqueueTask(pendingTask({ kind: 'other-kind', key, payload: { n: 4 } }));
        expect(other.outcome).toBe('inserted');
        // One live task for the key: the replaced one, due now with the second payload.
        const claimed = await f.tasks.claimTasks('sweeper', 10, 60_000);
        const mine = claimed.find((t) => t.id === first.id);
        expect(mine?.payload).toEqual({ n: 2 });
        await expectCount(1, 'tasks', `key = 'reminder:r1:7d' AND kind = '${KIND}'`);
      });

      it('keys: a running task is never replaced; once it has finished the key is free again', async () => {
        const key = { value: 'k-running', mode: 'replace' as const };
        const first = await f.tasks.enqueueTask(pendingTask({ key, payload: { n: 1 } }));
        const [held] = await f.tasks.claimTasks('sweeper', 10, 60_000);
        expect(held?.id).toBe(first.id);
        expect(await f.tasks.enqueueTask(pendingTask({ key, payload: { n: 2 } }))).toEqual({
          id: first.id,
          outcome: 'kept',
        });
        expect(await f.tasks.completeTask(held as LeasedTask, attemptRecord(), { id: 'p' })).toBe(true);
        const again = await f.tasks.enqueueTask(pendingTask({ key, payload: { n: 3 } }));
        expect(again.outcome).toBe('inserted');
        expect(again.id).not.toBe(first.id);
      });

      it('keys: of 10 concurrent enqueues of one key, one inserts and the others find it', async () => {
        const key = { value: 'k-concurrent', mode: 'keep' as const };
        const results = await Promise.all(
          Array.from({ length: 10 }, () => f.tasks.enqueueTask(pendingTask({ key, runAt: inSeconds(60) }))),
        );
        expect(results.filter((r) => r.outcome === 'inserted')).toHaveLength(1);
        expect(new Set(results.map((r) => r.id)).size).toBe(1);
        await expectCount(1, 'tasks', `key = 'k-concurrent'`);
      });

      it('cancel: a pending task → cancelled, never claimed; a second cancel finds nothing', async () => {
        const key = { value: 'k-cancel', mode: 'keep' as const };
        const task = await f.tasks.enqueueTask(pendingTask({ key }));
        expect(await f.tasks.cancelTask(KIND, 'k-cancel')).toBe('cancelled');
        expect(await statusOf(task.id)).toSatisfy((s) => s === undefined || s === 'cancelled');
        expect(await f.tasks.claimTasks('sweeper', 10, 60_000)).toEqual([]);
        expect(await f.tasks.cancelTask(KIND, 'k-cancel')).toBe('not-found');
        expect(await f.tasks.cancelTask('other-kind', 'k-cancel')).toBe('not-found');
        // The key is free again.
        expect((await f.tasks.enqueueTask(pendingTask({ key }))).outcome).toBe('inserted');
      });

      it('cancel: a running task is too late; its attempt finishes, and a failure ends it instead of a retry', async () => {
        const key = { value: 'k-running-cancel', mode: 'keep' as const };
        await f.tasks.enqueueTask(pendingTask({ key }));
        const [held] = await f.tasks.claimTasks('sweeper', 10, 60_000);
        expect(await f.tasks.cancelTask(KIND, 'k-running-cancel')).toBe('too-late');
        expect(await f.tasks.retryTask(held as LeasedTask, attemptRecord('MailError: timeout'), 0)).toBe(true);
        expect(await statusOf((held as LeasedTask).id)).toSatisfy((s) => s === undefined || s === 'cancelled');
        expect(await f.tasks.claimTasks('sweeper', 10, 60_000)).toEqual([]);
        // A task that succeeded: the cancel is too late too.
        await f.tasks.enqueueTask(pendingTask({ key: { value: 'k-done', mode: 'keep' } }));
        const [done] = await f.tasks.claimTasks('sweeper', 10, 60_000);
        await f.tasks.completeTask(done as LeasedTask, attemptRecord(), { id: 'p' });
        expect(await f.tasks.cancelTask(KIND, 'k-done')).toBe('too-late');
      });

      it('cancel: an abandoned running task (its process died) is cancelled by the next claim, not retried', async () => {
        await f.tasks.enqueueTask(pendingTask({ key: { value: 'k-abandoned', mode: 'keep' } }));
        const [held] = await f.tasks.claimTasks('gone', 10, 1);
        expect(await f.tasks.cancelTask(KIND, 'k-abandoned')).toBe('too-late');
        await leasesExpire();
        expect(await f.tasks.claimTasks('sweeper', 10, 60_000)).toEqual([]);
        expect(await statusOf((held as LeasedTask).id)).toSatisfy((s) => s === undefined || s === 'cancelled');
      });

      it('cancel: a task in a batch of unknown outcome is too late, and is re-sent with its batch', async () => {
        const a = await f.tasks.enqueueTask(pendingTask({ key: { value: 'k-a', mode: 'keep' } }));
        const b = await f.tasks.enqueueTask(pendingTask({ key: { value: 'k-b', mode: 'keep' } }));
        const held = await f.tasks.claimTasks('sweeper', 10, 60_000);
        const batchId = randomUUID();
        expect((await f.tasks.formBatch(batchId, held, 60_000)).sort()).toEqual([a.id, b.id].sort());
        const unknown = { batchId, startedAt: new Date(), durationMs: 5, outcome: 'unknown' as const };
        const failed = held.map((task) => ({ task: { ...task, batchId }, outcome: 'failed' as const, delayMs: 0 }));
        expect(await f.tasks.finishBatch(unknown, failed)).toHaveLength(2);
        expect(await f.tasks.cancelTask(KIND, 'k-a')).toBe('too-late');
        const again = await f.tasks.claimTasks('sweeper', 10, 60_000);
        expect(again.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
      });

      it('priority: lower first, then the longest due; lower-priority work still drains', async () => {
        const reminder = await f.tasks.enqueueTask(pendingTask({ priority: 10, runAt: inSeconds(-60) }));
        const confirmation = await f.tasks.enqueueTask(pendingTask({ priority: 0, runAt: inSeconds(-1) }));
        const older = await f.tasks.enqueueTask(pendingTask({ priority: 0, runAt: inSeconds(-2) }));
        expect((await f.tasks.claimTasks('sweeper', 1, 60_000)).map((t) => t.id)).toEqual([older.id]);
        expect((await f.tasks.claimTasks('sweeper', 1, 60_000)).map((t) => t.id)).toEqual([confirmation.id]);
        expect((await f.tasks.claimTasks('sweeper', 1, 60_000)).map((t) => t.id)).toEqual([reminder.id]);
      });
    });

    describe('the queue (Workers with EMAIL_QUEUE)', () => {
      async function enqueueQueued() {
        const registration = newRegistration();
        const task = newTask('unused', { start: 'claim' });
        expect(await f.store.insertRegistrationWithTask(registration, task)).toBe('stored');
        return task;
      }

      it('a queued task is written pending, attempt 0, due now, and not leased', async () => {
        const task = await enqueueQueued();
        const row = await taskRow(task.id);
        if (row) expect(row).toMatchObject({ status: 'pending', attempts: 0, lease_owner: null, lease_live: null });
        const states = await f.tasks.taskStates([task.id, randomUUID()]);
        expect([...states.keys()]).toEqual([task.id]);
        expect(states.get(task.id)).toEqual({ status: 'pending', dueInMs: 0, leaseLeftMs: 0 });
      });

      it('claimTasks by id takes only those ids, once: a duplicate message claims nothing', async () => {
        const [a, b, c] = [await enqueueQueued(), await enqueueQueued(), await enqueueQueued()];
        const claimed = await f.tasks.claimTasks('consumer-1', 10, 60_000, [a.id, b.id]);
        expect(claimed.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
        expect(claimed.every((t) => t.attempts === 1 && t.leaseOwner === 'consumer-1')).toBe(true);
        // The same messages again (redelivered, duplicated): the tasks are held, nothing is claimed.
        expect(await f.tasks.claimTasks('consumer-2', 10, 60_000, [a.id, b.id, a.id])).toEqual([]);
        expect(await f.tasks.claimTasks('consumer-2', 10, 60_000, [])).toEqual([]);
        const states = await f.tasks.taskStates([a.id, c.id]);
        expect(states.get(a.id)?.status).toBe('running');
        expect(states.get(a.id)?.leaseLeftMs).toBeGreaterThan(0);
        expect(states.get(a.id)?.leaseLeftMs).toBeLessThanOrEqual(60_000);
        expect(states.get(c.id)?.status).toBe('pending');
        // A task retried for later is not claimed by an early message.
        const [held] = claimed;
        if (!held) throw new Error('nothing claimed');
        expect(await f.tasks.retryTask(held, attemptRecord('boom'), 60_000)).toBe(true);
        expect(await f.tasks.claimTasks('consumer-3', 10, 60_000, [held.id])).toEqual([]);
        const retried = (await f.tasks.taskStates([held.id])).get(held.id);
        expect(retried?.dueInMs).toBeGreaterThan(0);
        expect(retried?.dueInMs).toBeLessThanOrEqual(60_000);
      });

      it('overdueTasks: due for longer than the grace, announced once per grace; abandoned ones too', async () => {
        const fresh = await enqueueQueued();
        const old = await enqueueQueued();
        const abandoned = await enqueueQueued();
        if (!f.query) return;
        await f.query(`UPDATE tasks SET run_at = now() - interval '2 minutes' WHERE id = '${old.id}'`);
        await f.query(
          `UPDATE tasks SET status = 'running', attempts = 1, lease_owner = 'dead-consumer',
             lease_expires_at = now() - interval '2 minutes' WHERE id = '${abandoned.id}'`,
        );
        const overdue = await f.tasks.overdueTasks(100, 60_000);
        expect(overdue.sort()).toEqual([old.id, abandoned.id].sort());
        expect(overdue).not.toContain(fresh.id);
        // The pending one is due from now on: not overdue again for another grace period.
        expect(await f.tasks.overdueTasks(100, 60_000)).toEqual([abandoned.id]);
        // The claim by id takes the abandoned one, recording its abandoned attempt.
        const claimed = await f.tasks.claimTasks('consumer-1', 10, 60_000, [abandoned.id, old.id]);
        expect(claimed.map((t) => t.id).sort()).toEqual([old.id, abandoned.id].sort());
        const history = await attemptRows(abandoned.id);
        expect(history?.map((h) => h.outcome)).toEqual(['abandoned']);
      });

      it('giveUpTasks: waiting tasks become dead letters; succeeded and held ones are left alone', async () => {
        const waiting = await enqueueQueued();
        const held = await enqueueQueued();
        const done = await enqueueQueued();
        const claimed = await f.tasks.claimTasks('consumer-1', 10, 60_000, [held.id, done.id]);
        const finished = claimed.find((t) => t.id === done.id);
        if (!finished) throw new Error('not claimed');
        expect(await f.tasks.completeTask(finished, attemptRecord(), { id: 'p-1' })).toBe(true);
        const dead = await f.tasks.giveUpTasks([waiting.id, held.id, done.id], 'the queue gave up');
        expect(dead).toEqual([waiting.id]);
        const row = await taskRow(waiting.id);
        if (row) expect(row).toMatchObject({ status: 'dead', last_error: 'the queue gave up' });
        expect((await f.tasks.taskStates([held.id, done.id])).get(done.id)?.status).toBe('succeeded');
        expect((await f.tasks.taskStates([held.id])).get(held.id)?.status).toBe('running');
      });
    });

    it('countRegistrationsByDistance groups by distance for the given race only', async () => {
      expect(await f.store.countRegistrationsByDistance(RACE)).toEqual({});
      await f.store.insertRegistration(newRegistration({ distance: '10' }));
      await f.store.insertRegistration(newRegistration({ distance: '10' }));
      await f.store.insertRegistrationWithTask(newRegistration({ distance: '10' }), newTask('owner-a'));
      await f.store.insertRegistrationWithTask(newRegistration({ distance: 'full' }), newTask('owner-a'));
      await f.store.insertRegistration(newRegistration({ distance: 'half', raceId: 'other-race' }));
      await f.store.insertRegistration(newRegistration({ distance: '10', raceId: 'other-race' }));
      // A rejected duplicate is not counted.
      await f.store.insertRegistration(newRegistration({ distance: 'full', email: 'dup@example.com' }));
      await f.store.insertRegistration(newRegistration({ distance: 'half', email: 'DUP@example.com' }));

      expect(await f.store.countRegistrationsByDistance(RACE)).toEqual({ '10': 3, full: 2 });
      expect(await f.store.countRegistrationsByDistance('other-race')).toEqual({ half: 1, '10': 1 });
      expect(await f.store.countRegistrationsByDistance('no-such-race')).toEqual({});
    });

    it('countRegistrationsByDistance counts the places held: not the waitlisted, withdrawn or expired', async () => {
      if (!f.query) throw new Error('the fixture must offer query');
      const rows = Array.from({ length: 6 }, () => newRegistration({ distance: '10' }));
      for (const row of rows) await f.store.insertRegistration(row);
      const statuses = ['registered', 'pending_verification', 'offered', 'waitlisted', 'withdrawn', 'expired'];
      for (const [i, status] of statuses.entries()) {
        await f.query(`UPDATE registrations SET status = '${status}' WHERE id = '${rows[i]!.id}'`);
      }
      expect(await f.store.countRegistrationsByDistance(RACE)).toEqual({ '10': 3 });
    });

    describe('caps', () => {
      it('of 30 concurrent sign-ups for 10 places, exactly 10 are stored; duplicates take no place', async () => {
        if (!f.withCaps) throw new Error('the fixture must offer withCaps');
        const capped = f.withCaps((_race, distance) => (distance === '10' ? 10 : 1000));
        const first = newRegistration({ distance: '10', email: 'first@example.com' });
        expect(await capped.insertRegistration(first)).toBe('stored');
        // A duplicate while places are left: refused, and its place given back.
        expect(await capped.insertRegistration(newRegistration({ distance: '10', email: 'FIRST@example.com' }))).toBe(
          'already_registered',
        );
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            i % 2
              ? capped.insertRegistration(newRegistration({ distance: '10' }))
              : capped.insertRegistrationWithTask(newRegistration({ distance: '10' }), newTask(`owner-${i}`)),
          ),
        );
        expect(results.filter((r) => r === 'stored')).toHaveLength(9);
        expect(results.filter((r) => r === 'distance_full')).toHaveLength(21);
        expect((await capped.countRegistrationsByDistance(RACE))['10']).toBe(10);
        // Full: a newcomer hears "full", someone already registered hears "already registered".
        expect(await capped.insertRegistration(newRegistration({ distance: '10' }))).toBe('distance_full');
        expect(await capped.insertRegistration(newRegistration({ distance: '10', email: 'first@example.com' }))).toBe(
          'already_registered',
        );
        // Other distances are not affected.
        expect(await capped.insertRegistration(newRegistration({ distance: 'half' }))).toBe('stored');
      });

      it('an idempotency key is stored with its registration, and only once', async () => {
        const registration = newRegistration();
        const remembered = { key: 'key-1', requestHash: 'h1', status: 201, body: { id: registration.id } };
        expect(await f.store.insertRegistrationWithTask(registration, newTask('owner-a'), remembered)).toBe('stored');
        expect(await f.store.findIdempotentResponse('key-1')).toEqual(remembered);
        expect(await f.store.findIdempotentResponse('key-2')).toBeNull();
        const other = newRegistration();
        expect(
          await f.store.insertRegistrationWithTask(other, newTask('owner-b'), { ...remembered, requestHash: 'h2' }),
        ).toBe('idempotency_key_taken');
        // Nothing of the second request was written.
        expect(await f.store.findRegistration(other.id)).toBeNull();
      });
    });

    describe('idempotency keys expire after 24 hours', () => {
      // The database's clock decides: a key is aged by moving its created_at back, no waiting.
      const age = async (key: string, interval: string) => {
        if (!f.query) throw new Error('the fixture must offer query');
        await f.query(`UPDATE idempotency_keys SET created_at = now() - interval '${interval}' WHERE key = '${key}'`);
      };
      const remember = (registration: NewRegistration, key: string, requestHash: string) => ({
        key,
        requestHash,
        status: 201,
        body: { id: registration.id },
      });

      it('an expired key is unused: not found, and a new request takes it over', async () => {
        const first = newRegistration();
        expect(await f.store.insertRegistrationWithTask(first, newTask('owner-a'), remember(first, 'k', 'h1'))).toBe(
          'stored',
        );
        await age('k', '24 hours 1 second');
        expect(await f.store.findIdempotentResponse('k')).toBeNull();

        // Another body under the same key: a new registration, not idempotency_key_taken.
        const second = newRegistration();
        const task = newTask('owner-b');
        expect(await f.store.insertRegistrationWithTask(second, task, remember(second, 'k', 'h2'))).toBe('stored');
        expect(await f.store.findIdempotentResponse('k')).toEqual(remember(second, 'k', 'h2'));
        expect((await f.store.findRegistration(second.id))?.email).toMatchObject({ status: 'sending', attempts: 1 });
        // The first registration stays; the key row now belongs to the second, with a fresh timestamp.
        expect(await f.store.findRegistration(first.id)).not.toBeNull();
        await expectCount(1, 'idempotency_keys');
        await expectCount(
          1,
          'idempotency_keys',
          `registration_id = '${second.id}' AND created_at > now() - interval '1 minute'`,
        );
        await expectCount(1, 'tasks', `id = '${task.id}'`);

        // Taken over, the key is live again: a third body is refused and writes nothing.
        const third = newRegistration();
        const thirdTask = newTask('owner-c');
        expect(await f.store.insertRegistrationWithTask(third, thirdTask, remember(third, 'k', 'h3'))).toBe(
          'idempotency_key_taken',
        );
        expect(await f.store.findRegistration(third.id)).toBeNull();
        await expectCount(0, 'tasks', `id = '${thirdTask.id}'`);
        await expectCount(2, 'registrations');
      });

      it('a key just under 24 hours old is still live', async () => {
        const first = newRegistration();
        expect(await f.store.insertRegistrationWithTask(first, newTask('owner-a'), remember(first, 'k', 'h1'))).toBe(
          'stored',
        );
        await age('k', '23 hours 59 minutes');
        expect(await f.store.findIdempotentResponse('k')).toEqual(remember(first, 'k', 'h1'));
        const other = newRegistration();
        const otherTask = newTask('owner-b');
        expect(await f.store.insertRegistrationWithTask(other, otherTask, remember(other, 'k', 'h2'))).toBe(
          'idempotency_key_taken',
        );
        // Nothing of the second request was written, and the key still answers for the first.
        expect(await f.store.findRegistration(other.id)).toBeNull();
        await expectCount(0, 'tasks', `id = '${otherTask.id}'`);
        expect(await f.store.countRegistrationsByDistance(RACE)).toEqual({ half: 1 });
        expect(await f.store.findIdempotentResponse('k')).toEqual(remember(first, 'k', 'h1'));
      });

      it('an expired key does not get around the one-registration-per-email rule', async () => {
        const first = newRegistration({ email: 'kay@example.com' });
        expect(await f.store.insertRegistrationWithTask(first, newTask('owner-a'), remember(first, 'k', 'h1'))).toBe(
          'stored',
        );
        await age('k', '25 hours');
        // The same runner a day later, same key: already registered; the old key row is left as it was.
        const again = newRegistration({ email: 'KAY@example.com' });
        expect(await f.store.insertRegistrationWithTask(again, newTask('owner-b'), remember(again, 'k', 'h1'))).toBe(
          'already_registered',
        );
        expect(await f.store.findRegistration(again.id)).toBeNull();
        expect(await f.store.findIdempotentResponse('k')).toBeNull();
        await expectCount(1, 'idempotency_keys', `registration_id = '${first.id}'`);
      });

      it('of 10 concurrent requests reusing one expired key, exactly one takes it over', async () => {
        const first = newRegistration();
        expect(await f.store.insertRegistrationWithTask(first, newTask('owner-a'), remember(first, 'k', 'h0'))).toBe(
          'stored',
        );
        await age('k', '2 days');
        const attempts = Array.from({ length: 10 }, (_, i) => {
          const registration = newRegistration();
          return { registration, task: newTask(`owner-${i}`), remembered: remember(registration, 'k', `h${i + 1}`) };
        });
        const results = await Promise.all(
          attempts.map(({ registration, task, remembered }) =>
            f.store.insertRegistrationWithTask(registration, task, remembered),
          ),
        );
        expect(results.filter((r) => r === 'stored')).toHaveLength(1);
        expect(results.filter((r) => r === 'idempotency_key_taken')).toHaveLength(9);
        const winner = attempts[results.indexOf('stored')];
        expect(await f.store.findIdempotentResponse('k')).toEqual(winner?.remembered);
        await expectCount(2, 'registrations');
        await expectCount(2, 'tasks');
      });
    });

    describe("a confirmation's delivery from its events (by precedence, not arrival)", () => {
      /** A registration whose confirmation was sent as provider email `emailId`, then got `types`. */
      async function deliveredAfter(types: readonly string[]) {
        const registration = newRegistration();
        const task = newTask('owner-a');
        expect(await f.store.insertRegistrationWithTask(registration, task)).toBe('stored');
        const emailId = `email-${randomUUID()}`;
        expect(await f.tasks.completeTask(leased(task), attemptRecord(), { id: emailId })).toBe(true);
        for (const type of types) {
          const event = { svixId: `msg_${randomUUID()}`, type, emailId, createdAt: null, payload: {} };
          expect(await f.store.saveEmailEvent(event)).toBe(true);
        }
        return (await f.store.findRegistration(registration.id))?.email.delivery;
      }

      it('none until an event that tells a delivery came', async () => {
        expect(await deliveredAfter([])).toBeUndefined();
        expect(await deliveredAfter(['email.opened', 'contact.created'])).toBeUndefined();
      });

      it('moves forward only: sent < delayed < delivered < failed < suppressed < bounced < complained', async () => {
        const cases: [string[], string][] = [
          [['email.sent'], 'sent'],
          [['email.delivery_delayed', 'email.sent'], 'delayed'],
          [['email.delivered', 'email.delivery_delayed', 'email.sent'], 'delivered'],
          [['email.bounced', 'email.delivered', 'email.sent'], 'bounced'],
          [['email.delivered', 'email.complained'], 'complained'],
          [['email.suppressed', 'email.sent'], 'suppressed'],
          [['email.failed', 'email.delivered'], 'failed'],
        ];
        for (const [types, expected] of cases) {
          expect(await deliveredAfter(types)).toBe(expected);
          expect(await deliveredAfter([...types].reverse())).toBe(expected);
        }
      });
    });

    describe('dev mailbox', () => {
      it('saveDevMail is idempotent per key', async () => {
        const firstId = randomUUID();
        expect(await f.store.saveDevMail(message(1), 'key-1', firstId)).toBe(firstId);
        // Same key, another id and even another message: the first one stays.
        expect(await f.store.saveDevMail(message(2), 'key-1', randomUUID())).toBe(firstId);

        const listed = await f.store.listDevMail(10);
        expect(listed).toHaveLength(1);
        expect(listed[0]).toMatchObject({ id: firstId, idempotencyKey: 'key-1', ...message(1) });
        expect(listed[0]?.createdAt).toBeInstanceOf(Date);
      });

      it('listDevMail lists newest first, up to the limit', async () => {
        const ids: string[] = [];
        for (let i = 1; i <= 3; i++) {
          ids.push(await f.store.saveDevMail(message(i), `key-${i}`, randomUUID()));
          await sleep(5); // distinct created_at values: "newest first" orders by them
        }
        const listed = await f.store.listDevMail(10);
        expect(listed.map((m) => m.id)).toEqual([...ids].reverse());
        expect(listed.map((m) => m.subject)).toEqual(['Message 3', 'Message 2', 'Message 1']);
        expect((await f.store.listDevMail(2)).map((m) => m.id)).toEqual([ids[2], ids[1]]);
        expect(await f.store.listDevMail(0)).toEqual([]);
      });

      it('findDevMail finds one message by id, or null', async () => {
        const id = await f.store.saveDevMail(message(1), 'key-find', randomUUID());
        expect(await f.store.findDevMail(id)).toMatchObject({ id, idempotencyKey: 'key-find', ...message(1) });
        expect(await f.store.findDevMail(randomUUID())).toBeNull();
      });

      /** The webhook events stored for a dev message (raw SQL: no port reads them back). */
      const devEvents = async (id: string) => {
        if (!f.query) return undefined;
        return f.query<{ svix_id: string; type: string; payload: { type: string; data: Record<string, unknown> } }>(
          `SELECT svix_id, type, payload FROM email_events WHERE email_id = '${id}' ORDER BY received_at, svix_id`,
        );
      };
      const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

      it("a newly saved dev mail has one email.delivered event in Resend's shape; the same key adds none", async () => {
        const id = await f.store.saveDevMail(message(1), 'key-event', randomUUID());
        expect(await f.store.saveDevMail(message(1), 'key-event', randomUUID())).toBe(id);
        const events = await devEvents(id);
        if (events) {
          expect(events.map((e) => [e.svix_id, e.type])).toEqual([[`dev_${id}`, 'email.delivered']]);
          expect(events[0]?.payload).toEqual({
            type: 'email.delivered',
            created_at: expect.stringMatching(ISO),
            data: {
              email_id: id,
              created_at: expect.stringMatching(ISO),
              from: message(1).from,
              to: [message(1).to],
              subject: message(1).subject,
            },
          });
        }
        await expectCount(1, 'email_events');
        await expectCount(0, 'suppressed_addresses');
        expect(await f.store.suppressedAmong(['runner1@example.com'])).toEqual(new Set());
      });

      it('bounced@resend.dev (a +label too): email.bounced, and the address is suppressed, once', async () => {
        const bounced = { ...message(1), to: 'Runner <Bounced+Signup@Resend.dev>' };
        const id = await f.store.saveDevMail(bounced, 'key-bounce', randomUUID());
        await f.store.saveDevMail(bounced, 'key-bounce', randomUUID());
        const events = await devEvents(id);
        if (events) {
          expect(events.map((e) => [e.svix_id, e.type])).toEqual([[`dev_${id}`, 'email.bounced']]);
          expect(events[0]?.payload.data).toMatchObject({
            email_id: id,
            bounce: { type: 'Permanent', subType: 'General', message: expect.any(String) },
          });
        }
        expect(await f.store.suppressedAmong(['bounced+signup@resend.dev', 'runner1@example.com'])).toEqual(
          new Set(['bounced+signup@resend.dev']),
        );
        await expectCount(1, 'email_events');
        await expectCount(1, 'suppressed_addresses', `reason = 'bounced' AND svix_id = 'dev_${id}'`);
      });

      it('complained@resend.dev: delivered then complained, and suppressed; delivered@resend.dev: delivered', async () => {
        const id = await f.store.saveDevMail({ ...message(1), to: 'complained@resend.dev' }, 'key-c', randomUUID());
        const other = await f.store.saveDevMail({ ...message(2), to: 'delivered@resend.dev' }, 'key-d', randomUUID());
        const events = await devEvents(id);
        if (events) {
          expect(events.map((e) => [e.svix_id, e.type]).sort()).toEqual([
            [`dev_${id}`, 'email.delivered'],
            [`dev_${id}_complained`, 'email.complained'],
          ]);
          expect((await devEvents(other))?.map((e) => e.type)).toEqual(['email.delivered']);
        }
        expect(await f.store.suppressedAmong(['complained@resend.dev', 'delivered@resend.dev'])).toEqual(
          new Set(['complained@resend.dev']),
        );
        await expectCount(1, 'suppressed_addresses', `reason = 'complained' AND svix_id = 'dev_${id}_complained'`);
      });
    });
  });
}
