// The one database type every driver adapter produces: a Drizzle Postgres database.
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { SqlDatabase } from '../../ports/sql-database.js';
import { throwingStoreUnavailable } from './errors.js';

export type Database = PgDatabase<PgQueryResultHKT>;

/** An open database and how to let go of it. */
export interface DatabaseHandle {
  db: Database;
  driver: 'pglite' | 'node-postgres' | 'neon-http';
  close(): Promise<void>;
}

/**
 * Runs raw SQL and returns its rows. Every driver's `execute` result carries `rows`
 * (node-postgres QueryResult, PGlite Results, Neon's FullQueryResults).
 */
export async function queryRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** The SqlDatabase port (what src/tasks runs its SQL on) over a Drizzle database, for every driver. */
export function sqlDatabase(db: Database): SqlDatabase {
  return throwingStoreUnavailable({ rows: <T>(statement: SQL) => queryRows<T>(db, statement) });
}
