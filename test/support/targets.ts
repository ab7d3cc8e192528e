// The same HTTP tests run against two targets: the Node service (in this process, on
// @hono/node-server) and the Worker inside workerd (Miniflare running the bundle wrangler builds;
// tools/workerd.ts),
// both against a real PostgreSQL (the Worker through its Hyperdrive binding).
import { createJsonLogger, type Logger } from '../../src/ports/logger.js';
import { startNodeService } from '../../src/runtime/node/service.js';
import { type EmailWorkerOptions, startWorkers } from '../../tools/workerd.js';

export type { EmailWorkerOptions };

/** The bundle `wrangler deploy --dry-run` built for this test run (global-setup.ts). */
export const WORKER_BUNDLE = process.env.FINISHLINE_TEST_WORKER_BUNDLE ?? '.wrangler/test-build/main.js';
/** The email Worker's bundle (wrangler.email.jsonc), built next to it. */
export const EMAIL_WORKER_BUNDLE = WORKER_BUNDLE.replace(/main\.js$/, 'email/main.js');

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
  /**
   * Workerd only: the static assets' router in front of the API Worker, as on Cloudflare. Off unless a
   * test asks: locally the router is a Worker of its own behind Miniflare's proxy, which resets a
   * kept-alive connection after an answer given before the request's body was read (a 404 or 415 to a
   * POST) — an artefact of the local setup that made tests of early answers fail now and then. The
   * browser tests that load the stylesheet turn it on (`startWorkerdTargetWithAssets`).
   */
  assets?: boolean;
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

export const startWorkerdTarget: StartTarget = async ({
  databaseUrl,
  env: given = {},
  log,
  hyperdrive = true,
  ratelimits,
  emailWorker,
  assets = false,
}) =>
  startWorkers({
    bundles: { api: WORKER_BUNDLE, email: EMAIL_WORKER_BUNDLE },
    databaseUrl,
    env: { ...TEST_DEFAULTS, ...given },
    log,
    hyperdrive,
    ratelimits,
    emailWorker: emailWorker && { ...emailWorker, env: { ...TEST_DEFAULTS, ...(emailWorker.env ?? given) } },
    assets,
  });

/** The workerd target with the static assets' router in front, as deployed (the pages' stylesheet). */
export const startWorkerdTargetWithAssets: StartTarget = (options) => startWorkerdTarget({ ...options, assets: true });

export const TARGETS: [string, StartTarget][] = [
  ['node', startNodeTarget],
  ['workerd', startWorkerdTarget],
];
