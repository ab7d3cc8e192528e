// The Workers inside workerd, locally: the bundles `wrangler deploy` would upload, built with
// `wrangler deploy --dry-run`, run in Miniflare against a real PostgreSQL (through the Hyperdrive
// binding, or straight over Cloudflare sockets). The workerd tests (test/support/targets.ts) and
// `npm run compare -- --runtime workerd` start them the same way.
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the two bundles are in a build folder: the API Worker's, and the email Worker's in email/. */
export interface WorkerBundles {
  api: string;
  email: string;
}

/**
 * The API Worker's static assets (wrangler.jsonc `assets`): the stylesheet and the icon, answered by the
 * asset server before the Worker runs, with public/_headers, as on Cloudflare.
 */
const ASSETS_DIRECTORY = fileURLToPath(new URL('../public', import.meta.url));

export function bundlesIn(dir: string): WorkerBundles {
  return { api: join(dir, 'main.js'), email: join(dir, 'email', 'main.js') };
}

/**
 * Builds both Workers into `outdir` as `wrangler deploy` would upload them: the API Worker
 * (wrangler.jsonc) and the email Worker (wrangler.email.jsonc) in `outdir/email`.
 */
export function buildWorkerBundles(outdir: string): WorkerBundles {
  for (const args of [
    ['--outdir', outdir],
    ['-c', 'wrangler.email.jsonc', '--outdir', join(outdir, 'email')],
  ]) {
    execFileSync('npx', ['wrangler', 'deploy', '--dry-run', ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    });
  }
  return bundlesIn(outdir);
}

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

export interface WorkersOptions {
  bundles: WorkerBundles;
  databaseUrl: string;
  /** The API Worker's vars and secrets (as strings). */
  env: Record<string, string>;
  /** Rate Limiting bindings, as in wrangler.jsonc's `ratelimits`. */
  ratelimits?: Record<string, { simple: { limit: number; period?: 10 | 60 } }>;
  /**
   * Connect through the Hyperdrive binding (default) or straight to DATABASE_URL over Cloudflare
   * sockets. Fault tests use the latter: Miniflare's local Hyperdrive proxy has no socket error
   * listeners, so a cut connection would crash the process instead of failing a query.
   */
  hyperdrive?: boolean;
  /** Receives workerd's output, line by line (the Workers' JSON logs). */
  log?: (line: string) => void;
  /** The email Worker beside the API Worker, bound as EMAIL, EMAIL_QUEUE and REGISTRATION_WORKFLOW. */
  emailWorker?: EmailWorkerOptions;
  /**
   * The static assets in front of the API Worker, as on Cloudflare (default). Off, every request reaches
   * the Worker directly: a throughput comparison with a Worker that has none (the asset router is a
   * Worker of its own in workerd, whose CPU would count against ours; on Cloudflare it does not).
   */
  assets?: boolean;
}

export interface Workers {
  url: string;
  stop(): Promise<void>;
  /** Runs the API Worker's `scheduled` handler once, as the Cron Trigger would. */
  scheduled(): Promise<void>;
  /** With the email Worker: sends messages to `finishline-email` as the API Worker would. */
  enqueue(bodies: unknown[]): Promise<void>;
}

/**
 * Miniflare's local Hyperdrive is a TCP proxy in this process that pipes workerd's sockets to
 * PostgreSQL without any 'error' listener. When workerd goes away (dispose) or the database drops a
 * connection, the reset surfaces as an uncaught ECONNRESET/EPIPE that crashes this process although
 * nothing failed. Dev-tools-only guard: every socket this process connects or accepts gets a no-op error
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

/** As in wrangler.jsonc and wrangler.email.jsonc. */
const COMPATIBILITY_FLAGS = [
  'nodejs_compat',
  'nodejs_compat_do_not_populate_process_env',
  'workflows_preserve_non_retryable_error_message',
];

/**
 * The workflow strategy's Workflow, as both wrangler configs declare it: its class in the email Worker,
 * bound as REGISTRATION_WORKFLOW in both. Its engine gets the Workers' flags (wrangler does the same).
 */
const WORKFLOWS = {
  REGISTRATION_WORKFLOW: {
    name: 'finishline-registration',
    className: 'RegistrationWorkflow',
    scriptName: 'finishline-email',
    compatibilityFlags: COMPATIBILITY_FLAGS,
  },
};

/**
 * The API Worker (and, when asked, the email Worker with its queues and its Workflow) in one Miniflare,
 * on a free port.
 */
export async function startWorkers({
  bundles,
  databaseUrl,
  env,
  ratelimits,
  hyperdrive = true,
  log,
  emailWorker,
  assets = true,
}: WorkersOptions): Promise<Workers> {
  guardProxySockets();
  const common = {
    modules: true,
    compatibilityDate: '2026-04-20',
    compatibilityFlags: COMPATIBILITY_FLAGS,
    hyperdrives: hyperdrive ? { HYPERDRIVE: databaseUrl } : {},
  };
  const withDatabase = (vars: Record<string, string>) => (hyperdrive ? vars : { ...vars, DATABASE_URL: databaseUrl });
  const api = {
    name: 'finishline',
    scriptPath: bundles.api,
    ...common,
    bindings: withDatabase(env),
    ratelimits,
    // Requests that match no asset go on to the Worker (`has_user_worker`, which wrangler sets too).
    ...(assets ? { assets: { directory: ASSETS_DIRECTORY, routerConfig: { has_user_worker: true } } } : {}),
  };
  const workers = emailWorker
    ? [
        {
          ...api,
          serviceBindings: { EMAIL: { name: 'finishline-email', entrypoint: 'EmailService' } },
          workflows: WORKFLOWS,
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
          scriptPath: bundles.email,
          ...common,
          ...(emailWorker.databaseUrl ? { hyperdrives: {} } : {}),
          workflows: WORKFLOWS,
          // Its own queue's producer too (wrangler.email.jsonc): tasks its tasks write are announced.
          queueProducers: { EMAIL_QUEUE: { queueName: 'finishline-email' } },
          bindings: emailWorker.databaseUrl
            ? { ...(emailWorker.env ?? env), DATABASE_URL: emailWorker.databaseUrl }
            : withDatabase(emailWorker.env ?? env),
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
  // Loaded here, not at the top: importing Miniflare takes seconds, and most test files that import
  // this module (through test/support/targets.ts) only start the Node target.
  const { Miniflare } = await import('miniflare');
  const mf = new Miniflare({
    workers,
    host: '127.0.0.1',
    port: 0,
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
      for (const stream of [stdout, stderr]) {
        // Nobody listens (benchmarks): drained unread, so this process spends nothing on workerd's lines.
        if (!log) {
          stream.resume();
          continue;
        }
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
      if (!emailWorker) throw new Error('enqueue needs the email Worker (emailWorker option)');
      const queue = await mf.getQueueProducer('QUEUE', 'queue-feeder');
      await queue.sendBatch(bodies.map((body) => ({ body })));
    },
  };
}
