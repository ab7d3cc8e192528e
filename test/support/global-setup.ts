// Runs once before all tests: checks PostgreSQL is there, makes sure Debian's Chromium is installed
// for the browser tests (CI starts from a fresh machine), and builds the Worker bundle that the
// workerd tests load into Miniflare (the same builds `wrangler deploy` uploads: the API Worker and the
// email Worker).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { CHROMIUM_PATH } from '../../tools/chromium.js';
import { requirePostgres } from '../../tools/postgres.js';
import { buildWorkerBundles } from '../../tools/workerd.js';

/** Where this run's Worker bundle is (set here, read by targets.ts in the test processes). */
export const WORKER_BUNDLE_ENV = 'FINISHLINE_TEST_WORKER_BUNDLE';

function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return;
  if (process.getuid?.() !== 0 || CHROMIUM_PATH !== '/usr/bin/chromium') {
    console.warn(`global-setup: ${CHROMIUM_PATH} is missing (install Debian's chromium): the browser tests will fail`);
    return;
  }
  console.log(`global-setup: ${CHROMIUM_PATH} is missing; installing Debian's chromium (apt-get install -y chromium)`);
  execFileSync('bash', ['-c', 'apt-get update && apt-get install -y chromium'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  console.log(`global-setup: installed ${CHROMIUM_PATH}`);
}

export default async function setup() {
  await requirePostgres('npm test');
  ensureChromium();
  // A folder of this run's own: two `npm test` runs side by side must not rebuild each other's bundle
  // while Miniflare loads it. The test processes inherit the variable; targets.ts reads it.
  const outdir = `.wrangler/test-build-${process.pid}`;
  process.env[WORKER_BUNDLE_ENV] = `${outdir}/main.js`;
  // Both Workers: the API Worker, and the email Worker (its bundle next to it, in email/).
  buildWorkerBundles(outdir);
  return () => rmSync(outdir, { recursive: true, force: true });
}
