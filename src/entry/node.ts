// Node entry: start the service with the process environment; stop gracefully on SIGTERM/SIGINT.
import { ConfigError } from '../config.js';
import { createJsonLogger } from '../ports/logger.js';
import { describeError } from '../tasks/errors.js';
import { startNodeService } from './node-service.js';

const logger = createJsonLogger();

try {
  const service = await startNodeService(process.env, logger);
  console.error(`finishline listening on ${service.url} (pid ${process.pid})`);
  if (!process.env.ADMIN_TOKEN) console.error(`ADMIN_TOKEN is unset; this run's admin token: ${service.adminToken}`);
  const shutdown = (signal: string) => {
    logger.info('service.stopping', { signal });
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`);
  else console.error(`Failed to start: ${describeError(error)}`);
  process.exit(1);
}
