// Makes the embedded database's template: a PGlite data folder initialised and migrated, which a new
// DATA_DIR is copied from (src/adapters/db/pglite.ts). `npm run build` runs it bundled
// (dist/embedded-template.js) in a process of its own — initdb's ~450 MB of WebAssembly memory go back
// to the system when it exits — and again whenever the migrations or the installed packages change.
//
//   node dist/embedded-template.js dist/pglite-template
import { existsSync, renameSync, rmSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { Database } from '../src/adapters/db/database.js';
import { migrateEmbedded } from '../src/adapters/db/migrate.js';
import { liftoffOnly, pgliteStartParams } from '../src/adapters/db/pglite.js';

const path = process.argv[2];
if (!path) throw new Error('usage: node dist/embedded-template.js <folder>');
const fresh = `${path}.tmp-${process.pid}`;
rmSync(fresh, { recursive: true, force: true });
liftoffOnly();
const client = new PGlite({ dataDir: fresh, startParams: pgliteStartParams(PGlite) });
try {
  await migrateEmbedded({ db: drizzle({ client }) as unknown as Database, driver: 'pglite', close: async () => {} });
} finally {
  await client.close();
}
// Swapped in by renames: the template is never half-made. (Only one process makes it at a time, and
// `npm start` copies it only after scripts/build.js has waited for that one.)
const old = `${path}.old-${process.pid}`;
if (existsSync(path)) renameSync(path, old);
renameSync(fresh, path);
rmSync(old, { recursive: true, force: true });
