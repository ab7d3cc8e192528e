// Makes the embedded database's template: a PGlite database initialised and migrated in memory, dumped
// as one archive that a new DATA_DIR is filled from (src/adapters/db/pglite.ts). `npm run build` runs
// it bundled (dist/embedded-template.js) in a process of its own — initdb's ~450 MB of WebAssembly
// memory go back to the system when it exits — and again whenever the migrations or the installed
// packages change.
//
//   node dist/embedded-template.js dist/pglite-template.tar.gz
import { renameSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { Database } from '../src/adapters/db/database.js';
import { migrateEmbedded } from '../src/adapters/db/migrate.js';
import { PGLITE_START_PARAMS } from '../src/adapters/db/pglite.js';

const path = process.argv[2];
if (!path) throw new Error('usage: node dist/embedded-template.js <archive path>');
const client = new PGlite({ startParams: PGLITE_START_PARAMS });
try {
  await migrateEmbedded({ db: drizzle({ client }) as unknown as Database, driver: 'pglite', close: async () => {} });
  const archive = await client.dumpDataDir('gzip');
  // Renamed into place: a start side by side never reads half an archive.
  writeFileSync(`${path}.tmp-${process.pid}`, new Uint8Array(await archive.arrayBuffer()));
  renameSync(`${path}.tmp-${process.pid}`, path);
} finally {
  await client.close();
}
