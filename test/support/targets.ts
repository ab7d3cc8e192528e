// The same HTTP tests run against two targets: the Node service (in this process, on
// @hono/node-server) and the Worker inside workerd (Miniflare running the bundle wrangler builds),
// both against a real PostgreSQL (the Worker through its Hyperdrive binding).
import net from 'node:net';
import { createJsonLogger, type Logger } from '../../src/ports/logger.js';
import { startNodeService } from '../../src/runtime/node/service.js';

/** The bundle `wrangler deploy --dry-run` built for this test run (global-setup.ts). */
export const WORKER_BUNDLE = process.env.FINISHLINE_TEST_WORKER_BUNDLE ?? '.wrangler/test-build/main.js';

// Tests send many requests from one address: the per-client limit is off unless a test turns it on.
// The strategy routes are on (the contract suite covers them); test/integration/modes.test.ts checks
// that they are off by default outside dev mode.
const TEST_DEFAULTS = { RATE_LIMIT_PER_MINUTE: '0', STRATEGY_ROUTES: 'on' };

export interface TargetOptions {
  databaseUrl: string;
  /** Workerd only: Rate Limiting bindings, as in wrangler.jsonc's `ratelimits`. */
  ratelimits?: Record<string, { simple: { limit: number; period?: 10 | 60 } }>;
  env?: Record<string, string>;
  /**
   * Workerd only: connect through the Hyperdrive binding (default) or straight to DATABASE_URL over
   * Cloudflare sockets. Fault tests use the latter: Miniflare's local Hyperdrive proxy has no socket
   * error listeners, so a cut connection would crash the test process instead of failing a query.
   */
  hyperdrive?: boolean;
  /** Receives the service's log lines (Node target). */
  log?: (line: string) => void;
}

export interface Target {
  url: string;
  stop(): Promise<void>;
  /** Workerd only: runs the Worker's `scheduled` handler once, as the Cron Trigger would. */
  scheduled?(): Promise<void>;
}

export type StartTarget = (options: TargetOptions) => Promise<Target>;

export const startNodeTarget: StartTarget = async ({ databaseUrl, env = {}, log }) => {
  const logger: Logger = createJsonLogger(log ?? (() => {}));
  const service = await startNodeService({ PORT: '0', DATABASE_URL: databaseUrl, ...TEST_DEFAULTS, ...env }, logger);
  return { url: service.url, stop: service.stop };
};

/**
 * Miniflare's local Hyperdrive is a TCP proxy in this (the test) process that pipes workerd's sockets to
 * PostgreSQL without any 'error' listener. When workerd goes away (dispose) or the database drops a
 * connection, the reset surfaces as an uncaught ECONNRESET/EPIPE that fails the whole test run although
 * every test passed. Test-only guard: every socket this process connects or accepts gets a no-op error
 * listener (sockets that have their own listeners behave exactly as before; the connection still closes).
 */
let socketsGuarded = false;
function guardProxySockets() {
  if (socketsGuarded) return;
  socketsGuarded = true;
  const quiet = <T extends net.Socket>(socket: T): T => socket.on('error', () => {});
  const connect = net.connect;
  net.connect = ((...args: Parameters<typeof net.connect>) => quiet(connect(...args))) as typeof net.connect;
  const createServer = net.createServer;
  net.createServer = ((...args: Parameters<typeof net.createServer>) =>
    createServer(...args).on('connection', quiet)) as typeof net.createServer;
}

export const startWorkerdTarget: StartTarget = async ({
  databaseUrl,
  env: given = {},
  log,
  hyperdrive = true,
  ratelimits,
}) => {
  const env = { ...TEST_DEFAULTS, ...given };
  guardProxySockets();
  // Loaded here, not at the top: importing Miniflare takes seconds, and most files that import this
  // module only start the Node target.
  const { Miniflare } = await import('miniflare');
  const mf = new Miniflare({
    scriptPath: WORKER_BUNDLE,
    modules: true,
    compatibilityDate: '2026-04-20',
    compatibilityFlags: ['nodejs_compat', 'nodejs_compat_do_not_populate_process_env'],
    hyperdrives: hyperdrive ? { HYPERDRIVE: databaseUrl } : {},
    bindings: hyperdrive ? env : { ...env, DATABASE_URL: databaseUrl },
    ratelimits,
    host: '127.0.0.1',
    port: 0,
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
      for (const stream of [stdout, stderr]) {
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          for (const line of chunk.split('\n')) if (line.trim()) log?.(line);
        });
      }
    },
  });
  const url = (await mf.ready).toString().replace(/\/$/, '');
  return {
    url,
    stop: () => mf.dispose(),
    async scheduled() {
      const worker = await mf.getWorker();
      const result = await worker.scheduled({ cron: '* * * * *', scheduledTime: new Date() });
      if (result.outcome !== 'ok') throw new Error(`scheduled handler ended with ${result.outcome}`);
    },
  };
};

export const TARGETS: [string, StartTarget][] = [
  ['node', startNodeTarget],
  ['workerd', startWorkerdTarget],
];
