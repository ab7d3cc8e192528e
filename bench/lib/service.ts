// The Node service in this process, quiet, on a free port, against a benchmark database and mail provider.
import { type NodeService, startNodeService } from '../../src/entry/node-service.js';
import { createJsonLogger } from '../../src/ports/logger.js';

export function startBenchService(
  databaseUrl: string,
  provider: { url: string; apiKey: string },
  env: Record<string, string>,
): Promise<NodeService> {
  return startNodeService(
    {
      PORT: '0',
      DATABASE_URL: databaseUrl,
      RESEND_API_KEY: provider.apiKey,
      RESEND_BASE_URL: provider.url,
      ...env,
    },
    createJsonLogger(() => {}),
  );
}
