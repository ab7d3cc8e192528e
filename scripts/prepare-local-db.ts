// Before `wrangler dev`: make sure the local database behind Hyperdrive's localConnectionString exists
// and is migrated (workerd never migrates by itself).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { migrateServer } from '../src/adapters/db/migrate.js';

const url = new URL(process.env.LOCAL_DATABASE_URL ?? 'postgres://postgres:local@127.0.0.1:5432/finishline');
const name = url.pathname.slice(1);
const admin = new URL(url);
admin.pathname = '/postgres';
const client = new pg.Client({ connectionString: admin.toString() });
await client.connect();
const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
await client.end();
await migrateServer(url.toString());
console.log(`local database ${name} is ready`);

// `wrangler dev` runs both Workers (wrangler.jsonc and wrangler.email.jsonc). `--var DEV_MODE:1`
// reaches only the first; `.dev.vars` (gitignored, for local secrets too) reaches both, so the email
// Worker writes to the dev mailbox as well.
if (!existsSync('.dev.vars')) {
  writeFileSync(
    '.dev.vars',
    '# Local vars and secrets for `wrangler dev` (both Workers). Never committed.\nDEV_MODE=1\n',
  );
  console.log('wrote .dev.vars (DEV_MODE=1) for the email Worker');
} else if (!/^DEV_MODE=/m.test(readFileSync('.dev.vars', 'utf8'))) {
  console.log(
    '.dev.vars has no DEV_MODE: the email Worker runs in production mode (add DEV_MODE=1 for the dev mailbox)',
  );
}
