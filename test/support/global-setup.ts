// Runs once before all tests: checks PostgreSQL is there, and builds the Worker bundle that the
// workerd tests load into Miniflare (the same build `wrangler deploy` uploads).
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { POSTGRES_ADMIN_URL } from './postgres.js';

export default async function setup() {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.end();
  } catch {
    throw new Error(
      `PostgreSQL is not reachable at ${new URL(POSTGRES_ADMIN_URL).host}: start it (pg_ctlcluster --skip-systemctl-redirect 15 main start)`,
    );
  }
  execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', '.wrangler/test-build'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
  });
}
