// Real PostgreSQL for tests: each suite gets a fresh database (never leftovers), migrated with the
// committed migrations, and dropped afterwards.
import pg from 'pg';
import { migrateServer } from '../src/adapters/db/migrate.js';

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
