// The service under benchmark, quiet, on a free port, against a benchmark database and mail provider:
// the Node service in this process, or (with bench/lib/workers.ts) the Workers in workerd.
import { createJsonLogger } from '../../src/ports/logger.js';
import { type NodeService, startNodeService } from '../../src/runtime/node/service.js';

/** The settings every benchmarked service gets, whichever runtime runs it; `env` on top. */
export function benchServiceEnv(
  provider: { url: string; apiKey: string },
  env: Record<string, string>,
): Record<string, string> {
  return {
    RESEND_API_KEY: provider.apiKey,
    RESEND_BASE_URL: provider.url,
    // One client sends everything: the per-client registration limit would refuse most of it.
    RATE_LIMIT_PER_MINUTE: '0',
    // The strategy routes are what the benchmarks compare; they are off by default outside dev mode.
    STRATEGY_ROUTES: 'on',
    ...env,
  };
}

export function startBenchService(
  databaseUrl: string,
  provider: { url: string; apiKey: string },
  env: Record<string, string>,
): Promise<NodeService> {
  return startNodeService(
    { PORT: '0', DATABASE_URL: databaseUrl, ...benchServiceEnv(provider, env) },
    createJsonLogger(() => {}),
  );
}
