// node-postgres: a pooled connection to a real server. Used on Node, and on Workers behind Hyperdrive
// (Hyperdrive pools for us at the edge, so the Worker opens a small pool per invocation).
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Database, DatabaseHandle } from './database.js';

export interface NodePostgresOptions {
  max?: number;
  /** How long to wait for a connection before answering 503: keep it short. */
  connectionTimeoutMillis?: number;
}

export function openNodePostgres(connectionString: string, options: NodePostgresOptions = {}): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 3000,
    idleTimeoutMillis: 10_000,
    // A dead server must not hang a query forever.
    query_timeout: 15_000,
  });
  // An idle client losing its connection emits 'error' on the pool; without a listener Node crashes.
  pool.on('error', () => {});
  return {
    db: drizzle({ client: pool }) as unknown as Database,
    driver: 'node-postgres',
    close: () => pool.end(),
  };
}
