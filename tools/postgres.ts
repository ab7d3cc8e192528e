// Real PostgreSQL for tests and benchmarks: each suite or run gets a fresh database (never leftovers),
// migrated with the committed migrations, and dropped afterwards; `resetDatabase` empties one between
// cases, and `requirePostgres` says in one line when the server is not there.
import { getTableName, isTable, type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import { migrateServer } from '../src/adapters/db/migrate.js';
import * as schema from '../src/adapters/db/schema.js';

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  /** Connection string of the fresh database (with a password, for Hyperdrive's sake). */
  url: string;
  /** Runs SQL directly, outside the app: for assertions and fault injection. */
  query<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export function urlFor(database: string, base = POSTGRES_ADMIN_URL): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  if (!url.password) url.password = 'local';
  return url.toString();
}

export async function createTestDatabase(
  prefix = 'fl_test',
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const name = `${prefix}_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = urlFor(name);
  if (options.migrate !== false) await migrateServer(url);
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  pool.on('error', () => {});
  return {
    name,
    url,
    query: async (text, params) => (await pool.query(text, params as unknown[])).rows,
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Every table of the Drizzle schema (src/adapters/db/schema.ts), so a new table is emptied too. */
export const TABLES: readonly string[] = Object.values(schema).filter(isTable).map(getTableName);

/** Empties every table in one statement (all of them, so no foreign key stands in the way). */
export async function resetDatabase(
  db: Pick<TestDatabase, 'query'> | { execute(query: SQL): Promise<unknown> },
): Promise<void> {
  const truncate = `TRUNCATE ${TABLES.join(', ')}`;
  if ('execute' in db) await db.execute(sql.raw(truncate));
  else await db.query(truncate);
}

/** A failure to say in one line, without a stack: the run could not even begin. */
export class PrerequisiteError extends Error {
  override name = 'PrerequisiteError';
}

/** Fails with one clear line when PostgreSQL is not reachable (the callers create their own database). */
export async function requirePostgres(script: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch {
    const { host } = new URL(POSTGRES_ADMIN_URL);
    throw new PrerequisiteError(
      `${script} needs PostgreSQL at ${host} (trust auth, user postgres; or set TEST_POSTGRES_URL): ` +
        'start it, e.g. pg_ctlcluster --skip-systemctl-redirect 15 main start',
    );
  } finally {
    await client.end().catch(() => {});
  }
}
