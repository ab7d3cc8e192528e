// Node entry: start the service with the process environment; stop gracefully on SIGTERM/SIGINT.
import { createJsonLogger } from '../../ports/logger.js';
import { createLineWriter } from './line-writer.js';
import { startNodeService } from './service.js';
import { startFailureMessage } from './start-errors.js';
import { startLines } from './start-lines.js';

// Straight to stdout (console.log would format each line once more), one write per event-loop turn.
const lines = createLineWriter((chunk) => process.stdout.write(chunk));
process.on('exit', lines.flush);
const logger = createJsonLogger(lines.line);

try {
  const service = await startNodeService(process.env, logger, { progress: (line) => console.error(line) });
  for (const line of startLines(service, process.env, process.pid)) console.error(line);
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
  console.error(startFailureMessage(error));
  process.exit(1);
}
