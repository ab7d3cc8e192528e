// The same HTTP tests run against two targets: the Node service (in this process, on
// @hono/node-server) and the Worker inside workerd (Miniflare running the bundle wrangler builds),
// both against a real PostgreSQL (the Worker through its Hyperdrive binding).
import net from 'node:net';
import { createJsonLogger, type Logger } from '../../src/ports/logger.js';
import { startNodeService } from '../../src/runtime/node/service.js';

/** The bundle `wrangler deploy --dry-run` built for this test run (global-setup.ts). */
export const WORKER_BUNDLE = process.env.FINISHLINE_TEST_WORKER_BUNDLE ?? '.wrangler/test-build/main.js';
/** The email Worker's bundle (wrangler.email.jsonc), built next to it. */
export const EMAIL_WORKER_BUNDLE = WORKER_BUNDLE.replace(/main\.js$/, 'email/main.js');

/** The email Worker and its queues, as wrangler.email.jsonc configures them (tests shorten some). */
export interface EmailWorkerOptions {
  /** Deliveries before a message goes to the dead-letter queue (wrangler.email.jsonc: 10). */
  maxRetries?: number;
  /** Seconds a batch waits to fill up (wrangler.email.jsonc: 1). */
  maxBatchTimeout?: number;
  /** The email Worker's vars (the API Worker's `env` is used when not given). */
  env?: Record<string, string>;
  /** The email Worker's database, over Cloudflare sockets (no Hyperdrive): e.g. through a TCP proxy. */
  databaseUrl?: string;
  /** The API Worker's EMAIL_QUEUE refuses its first N sends (an enqueue that fails). */
  refuseSends?: number;
}

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
  /** Workerd only: the email Worker beside the API Worker, bound as EMAIL and EMAIL_QUEUE. */
  emailWorker?: EmailWorkerOptions;
}

export interface Target {
  url: string;
  stop(): Promise<void>;
  /** Workerd only: runs the Worker's `scheduled` handler once, as the Cron Trigger would. */
  scheduled?(): Promise<void>;
  /** Workerd with the email Worker: sends messages to `finishline-email` as the API Worker would. */
  enqueue?(bodies: unknown[]): Promise<void>;
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

// A stand-in for the EMAIL_QUEUE binding whose first `refuse` sends fail, then pass to the real queue
// (a wrapped binding: Miniflare calls the default export with the binding's env).
const REFUSING_QUEUE = `
let refused = 0;
export default (env) => {
  const gate = () => { if (refused < Number(env.refuse)) { refused++; throw new Error('queue unavailable (test)'); } };
  return {
    send: async (body, options) => { gate(); return env.QUEUE.send(body, options); },
    sendBatch: async (messages, options) => { gate(); return env.QUEUE.sendBatch(messages, options); },
  };
};`;

export const startWorkerdTarget: StartTarget = async ({
  databaseUrl,
  env: given = {},
  log,
  hyperdrive = true,
  ratelimits,
  emailWorker,
}) => {
  const env = { ...TEST_DEFAULTS, ...given };
  guardProxySockets();
  // Loaded here, not at the top: importing Miniflare takes seconds, and most files that import this
  // module only start the Node target.
  const { Miniflare } = await import('miniflare');
  const common = {
    modules: true,
    compatibilityDate: '2026-04-20',
    compatibilityFlags: ['nodejs_compat', 'nodejs_compat_do_not_populate_process_env'],
    hyperdrives: hyperdrive ? { HYPERDRIVE: databaseUrl } : {},
  };
  const withDatabase = (vars: Record<string, string>) => (hyperdrive ? vars : { ...vars, DATABASE_URL: databaseUrl });
  const api = {
    name: 'finishline',
    scriptPath: WORKER_BUNDLE,
    ...common,
    bindings: withDatabase(env),
    ratelimits,
  };
  const workers = emailWorker
    ? [
        {
          ...api,
          serviceBindings: { EMAIL: { name: 'finishline-email', entrypoint: 'EmailService' } },
          ...(emailWorker.refuseSends
            ? {
                wrappedBindings: {
                  EMAIL_QUEUE: { scriptName: 'refusing-queue', bindings: { refuse: emailWorker.refuseSends } },
                },
              }
            : { queueProducers: { EMAIL_QUEUE: { queueName: 'finishline-email' } } }),
        },
        {
          name: 'finishline-email',
          scriptPath: EMAIL_WORKER_BUNDLE,
          ...common,
          ...(emailWorker.databaseUrl ? { hyperdrives: {} } : {}),
          bindings: emailWorker.databaseUrl
            ? { ...TEST_DEFAULTS, ...(emailWorker.env ?? given), DATABASE_URL: emailWorker.databaseUrl }
            : withDatabase({ ...TEST_DEFAULTS, ...(emailWorker.env ?? given) }),
          queueConsumers: {
            'finishline-email': {
              maxBatchSize: 100,
              maxBatchTimeout: emailWorker.maxBatchTimeout ?? 1,
              maxRetries: emailWorker.maxRetries ?? 10,
              deadLetterQueue: 'finishline-email-dlq',
            },
            'finishline-email-dlq': { maxBatchSize: 100, maxBatchTimeout: 1 },
          },
        },
        ...(emailWorker.refuseSends
          ? [
              {
                name: 'refusing-queue',
                modules: [{ type: 'ESModule' as const, path: 'refusing-queue.mjs', contents: REFUSING_QUEUE }],
                queueProducers: { QUEUE: { queueName: 'finishline-email' } },
              },
            ]
          : []),
        // What `enqueue` sends through: a producer of the queue, as the API Worker's binding is.
        {
          name: 'queue-feeder',
          modules: [
            {
              type: 'ESModule' as const,
              path: 'feeder.mjs',
              contents: 'export default { fetch: () => new Response() };',
            },
          ],
          compatibilityDate: '2026-04-20',
          queueProducers: { QUEUE: { queueName: 'finishline-email' } },
        },
      ]
    : [api];
  const mf = new Miniflare({
    workers,
    host: '127.0.0.1',
    port: 0,
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
      for (const stream of [stdout, stderr]) {
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          for (const line of chunk.split('\n')) {
            if (!line.trim()) continue;
            log?.(line);
          }
        });
      }
    },
  });
  const url = (await mf.ready).toString().replace(/\/$/, '');
  return {
    url,
    stop: () => mf.dispose(),
    async scheduled() {
      const worker = await mf.getWorker('finishline');
      const result = await worker.scheduled({ cron: '* * * * *', scheduledTime: new Date() });
      if (result.outcome !== 'ok') throw new Error(`scheduled handler ended with ${result.outcome}`);
    },
    async enqueue(bodies) {
      const queue = await mf.getQueueProducer('QUEUE', 'queue-feeder');
      await queue.sendBatch(bodies.map((body) => ({ body })));
    },
  };
};

export const TARGETS: [string, StartTarget][] = [
  ['node', startNodeTarget],
  ['workerd', startWorkerdTarget],
];
