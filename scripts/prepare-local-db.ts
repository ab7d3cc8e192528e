// Before `wrangler dev`: make sure the local database behind Hyperdrive's localConnectionString exists
// and is migrated (workerd never migrates by itself).
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
