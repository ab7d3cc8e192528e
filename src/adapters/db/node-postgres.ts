// node-postgres: a pooled connection to a real server. Used on Node, and on Workers behind Hyperdrive
// (Hyperdrive pools for us at the edge, so the Worker opens a small pool per invocation).
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Database, DatabaseHandle } from './database.js';

export interface NodePostgresOptions {
  max?: number;
  /** How long to wait for a connection before answering 503: keep it short. */
  connectionTimeoutMillis?: number;
  /**
   * Server-side prepared statements (see `nameStatements`). For a long-lived pool (Node); a pool that
   * lives for one Worker invocation would prepare each statement once and never use it again.
   */
  prepareStatements?: boolean;
  /**
   * The server options the user gave (`PGOPTIONS`), kept: node-postgres reads PGOPTIONS only when the
   * pool is given no `options`, and prepared statements add one.
   */
  serverOptions?: string;
}

export function openNodePostgres(connectionString: string, options: NodePostgresOptions = {}): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 3000,
    idleTimeoutMillis: 10_000,
    // A dead server must not hang a query forever.
    query_timeout: 15_000,
    // Prepared, but planned for each execution's values: a generic plan made while the tables are still
    // empty (a new deployment) scans them whole, and stays cached until autovacuum's next ANALYZE, up to
    // a minute later — the first minute of opening day. Planning each time costs a little CPU on every
    // statement, less than that risk (docs/design.md, The outbox).
    ...(options.prepareStatements
      ? { options: [options.serverOptions, '-c plan_cache_mode=force_custom_plan'].filter(Boolean).join(' ') }
      : {}),
  });
  // An idle client losing its connection emits 'error' on the pool; without a listener Node crashes.
  pool.on('error', () => {});
  if (options.prepareStatements) nameStatements(pool);
  return {
    db: drizzle({ client: pool }) as unknown as Database,
    driver: 'node-postgres',
    close: () => pool.end(),
  };
}

/** More distinct statement texts than the code writes: past this, statements run unnamed (unprepared). */
const MAX_NAMED = 256;

/**
 * Gives every statement a name derived from its text, so node-postgres prepares it once per connection
 * (Parse) and afterwards only binds and executes it: the server no longer parses, analyses and rewrites
 * the same sign-up or claim statement thousands of times a second (it still plans each execution: see
 * `plan_cache_mode` above). The texts are the code's own (values are always parameters), so their
 * number is small and fixed; the cap only guards against a statement that would someday build its text
 * from data.
 */
function nameStatements(pool: pg.Pool): void {
  const names = new Map<string, string>();
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_NAMED) {
      name = `fl${names.size}`;
      names.set(text, name);
    }
    return name;
  };
  pool.query = ((config: unknown, ...rest: unknown[]) => {
    if (config && typeof config === 'object' && !('name' in config && config.name)) {
      const text = (config as { text?: unknown }).text;
      if (typeof text === 'string') {
        const name = nameOf(text);
        if (name) (config as { name?: string }).name = name;
      }
    }
    return query(config, ...rest);
  }) as typeof pool.query;
}
