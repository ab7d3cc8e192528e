// "Database unreachable" (503 + Retry-After) must be told apart from every other database error (500).
// Real failures only: a port nobody listens on, a backend killed mid-query, and real SQL errors. The
// adapters throw the former as the port's StoreUnavailableError, the driver's error as its cause.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminStore } from '../../src/adapters/db/admin-store.js';
import { sqlDatabase } from '../../src/adapters/db/database.js';
import { isDatabaseUnavailable, postgresErrorCode } from '../../src/adapters/db/errors.js';
import { openNodePostgres } from '../../src/adapters/db/node-postgres.js';
import { createStore } from '../../src/adapters/db/store.js';
import { StoreUnavailableError } from '../../src/ports/errors.js';
import { createTaskStore } from '../../src/tasks/store.js';
import { eventually } from '../support/http.js';
import { useDatabase } from '../support/stack.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** `code` of the error and of each cause below it (drivers wrap the socket's error). */
function errorCodes(error: unknown): unknown[] {
  const codes: unknown[] = [];
  for (let e = error; e && codes.length < 5; e = (e as { cause?: unknown }).cause) {
    codes.push((e as { code?: unknown }).code);
  }
  return codes;
}

describe('an unreachable server', () => {
  it('ping is refused and the error is classified unavailable', async () => {
    const handle = openNodePostgres('postgres://postgres:x@127.0.0.1:1/none', { connectionTimeoutMillis: 500 });
    try {
      const store = createStore(handle.db);
      const error = await rejection(store.ping());
      // Refused at once (nothing listens there), not waited out: no stopwatch needed to know it was quick.
      expect(errorCodes(error)).toContain('ECONNREFUSED');
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(isDatabaseUnavailable((error as StoreUnavailableError).cause)).toBe(true);
      // Every store operation fails the same way, not only ping: the Store, the AdminStore, the task store.
      const tasks = createTaskStore(sqlDatabase(handle.db));
      for (const operation of [
        store.findRegistration(crypto.randomUUID()),
        createAdminStore(handle.db).countTasksByStatus(),
        createAdminStore(handle.db).replayDeadTask(crypto.randomUUID(), 3),
        tasks.claimTasks('owner', 5, 1000),
      ]) {
        expect(await rejection(operation)).toBeInstanceOf(StoreUnavailableError);
      }
    } finally {
      await handle.close();
    }
  });
});

describe('a reachable server', () => {
  const fresh = useDatabase('fl_unavail');
  let handle: ReturnType<typeof openNodePostgres>;

  beforeAll(async () => {
    handle = openNodePostgres(fresh.db.url, { max: 2 });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('ping resolves', async () => {
    await expect(createStore(handle.db).ping()).resolves.toBeUndefined();
  });

  it('a store passes other database errors through as they are', async () => {
    // Not a uuid: the server refuses the statement, which is a plain error (a 500), not unavailable.
    const error = await rejection(createStore(handle.db).findRegistration('not-a-uuid'));
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect(postgresErrorCode(error)).toBe('22P02');
  });

  it('a syntax error is NOT unavailable', async () => {
    const error = await rejection(handle.db.execute(sql.raw('SELEC 1')));
    expect(postgresErrorCode(error)).toBe('42601');
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('an undefined table is NOT unavailable', async () => {
    const error = await rejection(handle.db.execute(sql.raw('SELECT * FROM no_such_table')));
    expect(postgresErrorCode(error)).toBe('42P01');
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('a constraint violation is NOT unavailable', async () => {
    const error = await rejection(
      handle.db.execute(
        sql.raw(`INSERT INTO tasks (id, kind, payload, status, max_attempts)
                 VALUES ('${crypto.randomUUID()}', 'k', '{}', 'bogus', 1)`),
      ),
    );
    expect(postgresErrorCode(error)).toBe('23514');
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('a backend terminated mid-query (admin shutdown) IS unavailable', async () => {
    const running = rejection(handle.db.execute(sql.raw("SELECT pg_sleep(10), 'fl-terminate-me'")));
    // Once the backend running that query shows up, terminate it from outside.
    await eventually(async () => {
      const rows = await fresh.db.query<{ ok: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
         WHERE query LIKE '%fl-terminate-me%' AND pid <> pg_backend_pid()`,
      );
      expect(rows.filter((r) => r.ok)).toHaveLength(1);
    });
    const error = await running;
    expect(isDatabaseUnavailable(error)).toBe(true);
    // The pool recovers with a new connection.
    await expect(createStore(handle.db).ping()).resolves.toBeUndefined();
  });
});
