// The Workers under benchmark: the API Worker and the email Worker (with its queue and dead-letter
// queue) in one Miniflare, built first as `wrangler deploy` would upload them (tools/workerd.ts), with
// the same settings the Node service gets (bench/lib/service.ts).
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OUT_ROOT } from '../../tools/output.js';
import { buildWorkerBundles, startWorkers } from '../../tools/workerd.js';
import { benchServiceEnv } from './service.js';

export interface BenchWorkers {
  url: string;
  stop(): Promise<void>;
}

const versionOf = (pkg: string): string =>
  (JSON.parse(readFileSync(join('node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

/** "workerd 1.2026… (Miniflare 4.2026…)": what ran the Workers. */
export function workersVersion(): string {
  return `workerd ${versionOf('workerd')} (Miniflare ${versionOf('miniflare')})`;
}

export async function startBenchWorkers(
  databaseUrl: string,
  provider: { url: string; apiKey: string },
  env: Record<string, string>,
  log?: (line: string) => void,
): Promise<BenchWorkers> {
  // Inside the project (out/, untracked): Miniflare loads modules relative to it and refuses paths
  // that leave it with "..".
  await mkdir(OUT_ROOT, { recursive: true });
  const dir = await mkdtemp(join(OUT_ROOT, 'workers-build-'));
  try {
    const workers = await startWorkers({
      bundles: buildWorkerBundles(dir),
      databaseUrl,
      // DEV_MODE=0 as wrangler.jsonc deploys it: the Resend mailer, the sweeper's production settings.
      env: { ...benchServiceEnv(provider, env), DEV_MODE: '0' },
      // The production pair: EMAIL (Service Binding) and EMAIL_QUEUE, consumed with wrangler.email.jsonc's settings.
      emailWorker: {},
      log,
    });
    return {
      url: workers.url,
      async stop() {
        await workers.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
