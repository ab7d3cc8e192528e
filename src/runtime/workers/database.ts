// The database on Workers: Neon's HTTP driver for a Neon DATABASE_URL (in a build that carries it:
// ./neon-driver.ts), else node-postgres over
// Cloudflare sockets to the HYPERDRIVE binding (or DATABASE_URL). Sockets cannot outlive the invocation
// that opened them, so each invocation that uses the database opens its own small pool (service.ts,
// Invocation, closes it once the invocation's background work is done). The Worker never migrates:
// `npm run db:migrate` does, before a deploy.
import type { DatabaseHandle } from '../../adapters/db/database.js';
import { openNodePostgres } from '../../adapters/db/node-postgres.js';
import { type Config, ConfigError } from '../../config.js';
import { isNeonUrl, openNeonHttp } from './neon-driver.js';

/** Throws the ConfigError `openDatabase` would, without opening anything (once per isolate). */
export function checkDatabase(config: Config, hyperdrive: Hyperdrive | undefined): void {
  if (!config.databaseUrl && !hyperdrive) throw new ConfigError('set the HYPERDRIVE binding or DATABASE_URL');
}

export function openDatabase(config: Config, hyperdrive: Hyperdrive | undefined): DatabaseHandle {
  if (config.databaseUrl && isNeonUrl(config.databaseUrl)) return openNeonHttp(config.databaseUrl);
  const connectionString = hyperdrive?.connectionString ?? config.databaseUrl;
  if (!connectionString) throw new ConfigError('set the HYPERDRIVE binding or DATABASE_URL');
  // Hyperdrive pools at the edge; a handful of connections per invocation is plenty.
  return openNodePostgres(connectionString, { max: 5 });
}
