// Migrations run at every Node start; several processes may start at once against one server.
import { expect, it } from 'vitest';
import journal from '../../migrations/meta/_journal.json' with { type: 'json' };
import { migrateServer } from '../../src/adapters/db/migrate.js';
import { TABLES } from '../../tools/postgres.js';
import { useDatabase } from '../support/stack.js';

// An empty database: the migrations are what the test runs.
const fresh = useDatabase('fl_migrate', { migrate: false });

it('applies the migrations once when several processes migrate at the same time', async () => {
  const { db } = fresh;
  const url = db.url;
  await Promise.all(Array.from({ length: 5 }, () => migrateServer(url)));
  const tables = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
  );
  // Every table of the Drizzle schema, and nothing else: the committed migrations match the schema.
  expect(tables.map((t) => t.table_name)).toEqual([...TABLES].sort());
  const applied = await db.query('SELECT * FROM drizzle.__drizzle_migrations');
  expect(applied).toHaveLength(journal.entries.length);
  // And again later: nothing left to do, nothing fails.
  await migrateServer(url);
  expect(await db.query('SELECT * FROM drizzle.__drizzle_migrations')).toHaveLength(journal.entries.length);
});
