// PGlite: real Postgres compiled to WebAssembly, in a local folder. The embedded default, so
// `npm start` needs no server. One process owns a data folder at a time. Node only.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { Database, DatabaseHandle } from './database.js';

/** `dataDir` undefined → in memory (tests). */
export async function openPglite(dataDir?: string): Promise<DatabaseHandle> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  return {
    db: drizzle({ client }) as unknown as Database,
    driver: 'pglite',
    close: () => client.close(),
  };
}
