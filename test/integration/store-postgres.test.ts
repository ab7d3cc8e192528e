// The Store contract on a real PostgreSQL server through node-postgres (a fresh database for this file),
// with prepared statements as the Node service opens it (Workers open it without: workerd's tests).
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openNodePostgres } from '../../src/adapters/db/node-postgres.js';
import { createStore } from '../../src/adapters/db/store.js';
import { createTestDatabase, resetDatabase } from '../../tools/postgres.js';
import { newRegistration } from '../support/fixtures.js';
import { describeStoreContract, storesOn } from './store.contract.js';

describeStoreContract('node-postgres', async () => {
  const db = await createTestDatabase('fl_store_pg');
  const handle = openNodePostgres(db.url, { prepareStatements: true });
  return {
    ...storesOn(handle.db),
    withCaps: (capOf) => createStore(handle.db, capOf),
    // Raw SQL through the test's own pool, outside the app's code.
    query: <T>(text: string) => db.query(text) as Promise<T[]>,
    reset: () => resetDatabase(db),
    async close() {
      await handle.close();
      await db.drop();
    },
  };
});

describe('node-postgres with prepareStatements', () => {
  it('prepares each statement once per connection and runs it by name afterwards', async () => {
    const db = await createTestDatabase('fl_store_pg_prepared');
    // One connection, so the session asked below is the one that ran the statements.
    const handle = openNodePostgres(db.url, { max: 1, prepareStatements: true });
    try {
      const { store } = storesOn(handle.db);
      for (let i = 0; i < 3; i++) {
        const outcome = await store.insertRegistration(
          newRegistration('prepared-race', {
            strategy: 'wait-until',
            email: `prepared-${i}@example.com`,
            distance: '10k',
          }),
        );
        expect(outcome).toBe('stored');
      }
      const prepared = (await handle.db.execute(
        sql`SELECT name FROM pg_prepared_statements
            WHERE statement LIKE '%INSERT INTO registrations%' AND statement NOT LIKE '%pg_prepared_statements%'`,
      )) as unknown as { rows: { name: string }[] };
      // Three sign-ups, one statement prepared once under its name.
      expect(prepared.rows).toHaveLength(1);
      expect(prepared.rows[0]?.name).toMatch(/^fl\d+$/);
      // …and planned for each execution's values (a generic plan made on empty tables would scan them).
      const mode = (await handle.db.execute(sql`SELECT current_setting('plan_cache_mode') AS mode`)) as unknown as {
        rows: { mode: string }[];
      };
      expect(mode.rows[0]?.mode).toBe('force_custom_plan');
    } finally {
      await handle.close();
      await db.drop();
    }
  });

  it("keeps the user's server options (PGOPTIONS) beside its own", async () => {
    const db = await createTestDatabase('fl_store_pg_options');
    const handle = openNodePostgres(db.url, {
      max: 1,
      prepareStatements: true,
      serverOptions: '-c statement_timeout=4321 -c application_name=finishline-test',
    });
    try {
      const settings = (await handle.db.execute(
        sql`SELECT current_setting('statement_timeout') AS timeout, current_setting('application_name') AS app,
                   current_setting('plan_cache_mode') AS mode`,
      )) as unknown as { rows: { timeout: string; app: string; mode: string }[] };
      expect(settings.rows[0]).toEqual({ timeout: '4321ms', app: 'finishline-test', mode: 'force_custom_plan' });
    } finally {
      await handle.close();
      await db.drop();
    }
  });

  it('a statement prepared before a schema change is planned again, not failed', async () => {
    const db = await createTestDatabase('fl_store_pg_replan');
    const handle = openNodePostgres(db.url, { max: 1, prepareStatements: true });
    try {
      const count = async () =>
        (
          (await handle.db.execute(sql`SELECT count(*)::int AS n FROM registrations`)) as unknown as {
            rows: { n: number }[];
          }
        ).rows[0]?.n;
      expect(await count()).toBe(0);
      await db.query('CREATE INDEX registrations_replan_idx ON registrations (address)');
      expect(await count()).toBe(0);
    } finally {
      await handle.close();
      await db.drop();
    }
  });
});
