// Node entry: start the service with the process environment; stop gracefully on SIGTERM/SIGINT.
import { createJsonLogger } from '../../ports/logger.js';
import { createLineWriter } from './line-writer.js';
import { startNodeService } from './service.js';
import { startFailureMessage } from './start-errors.js';

// Straight to stdout (console.log would format each line once more), one write per event-loop turn.
const lines = createLineWriter((chunk) => process.stdout.write(chunk));
process.on('exit', lines.flush);
const logger = createJsonLogger(lines.line);

try {
  const service = await startNodeService(process.env, logger, { progress: (line) => console.error(line) });
  console.error(`finishline listening on ${service.url} (pid ${process.pid})`);
  if (service.modes.devModeImplicit) {
    console.error(
      'dev mode: no RESEND_API_KEY on a loopback HOST, so emails go to the dev mailbox (/dev/mail) and ' +
        'the strategy and /dev routes are on; set DEV_MODE=0 or RESEND_API_KEY for production',
    );
  }
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
  console.error(startFailureMessage(error));
  process.exit(1);
}
