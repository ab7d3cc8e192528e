// Wires the app for each Workers invocation. The settings are parsed once per isolate and the limiters
// kept as long; the database is opened for the invocation and closed after its background work.
import type { ExecutionContext } from 'hono';
import { cloudflareEmailQueue } from '../../adapters/cloudflare/email-queue.js';
import { serviceBindingEmailWorker } from '../../adapters/cloudflare/email-worker.js';
import { type Config, type Env, type Modes, parseConfig, resolveModes } from '../../config.js';
import type { Race } from '../../domain/race.js';
import {
  bindingClientLimiter,
  createMemoryClientLimiter,
  type FailureLimiter,
  unlimited,
} from '../../ports/client-limiter.js';
import type { Logger } from '../../ports/logger.js';
import { buildServices, createAdminAuthLimiter } from '../../services.js';
import { createTracing, type Tracing } from '../../tracing/provider.js';
import { trackingContext } from './background.js';
import { clientInfo } from './client.js';
import { openDatabase } from './database.js';
import { loadRace } from './race.js';
import { WORKERS_TRACING_SDK } from './tracing-sdk.js';

/**
 * The Worker's bindings and vars as `wrangler types` generates them from wrangler.jsonc
 * (worker-configuration.d.ts; CI checks it is current), every one optional (tests and Neon deployments
 * run without some), plus the secrets and the race, which wrangler.jsonc does not list.
 */
export type WorkerBindings = Partial<Cloudflare.Env> & {
  RESEND_API_KEY?: string;
  ADMIN_TOKEN?: string;
  /** Neon's HTTP driver: a `*.neon.tech` URL (secret), instead of the HYPERDRIVE binding. */
  DATABASE_URL?: string;
  /** A race description: a JSON object in `vars`, or a JSON string. */
  RACE_CONFIG?: unknown;
};

// Parsed once per isolate: env is the same object for every invocation of one deployment. The tracer
// provider lives as long (spans wait in memory until each invocation flushes them in waitUntil).
let parsed: { env: WorkerBindings; config: Config; modes: Modes; race: Race; tracing: Tracing } | undefined;
// Without the Rate Limiting binding: counts in this isolate's memory (a weaker, per-isolate limit).
let isolateLimiter: ReturnType<typeof createMemoryClientLimiter> | undefined;

// Wrong admin credentials: counted by the ADMIN_AUTH_LIMITER binding across isolates when it is
// configured, else in this isolate's memory. Either way, that a client went over the limit is
// remembered per isolate (the binding cannot be asked without counting).
let isolateAdminAuthLimiter: FailureLimiter | undefined;

function adminAuthLimiterFor(env: WorkerBindings): FailureLimiter {
  isolateAdminAuthLimiter ??= createAdminAuthLimiter(
    env.ADMIN_AUTH_LIMITER ? bindingClientLimiter(env.ADMIN_AUTH_LIMITER, 60) : undefined,
  );
  return isolateAdminAuthLimiter;
}

function clientLimiterFor(env: WorkerBindings, config: Config) {
  if (!config.rateLimitPerMinute) return unlimited;
  if (env.REGISTRATION_LIMITER) return bindingClientLimiter(env.REGISTRATION_LIMITER, 60);
  isolateLimiter ??= createMemoryClientLimiter(config.rateLimitPerMinute, 60_000);
  return isolateLimiter;
}

/** The settings of this deployment, parsed once per isolate. */
export function settings(env: WorkerBindings): { config: Config; modes: Modes; race: Race; tracing: Tracing } {
  if (parsed?.env === env) return parsed;
  const strings: Env = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') strings[name] = value;
  delete strings.RACE_CONFIG;
  const config = parseConfig(strings);
  // A Worker never enters dev mode by omission: a forgotten RESEND_API_KEY holds the emails (see
  // /readyz) instead of opening the dev mailbox to the world. `npm run dev:worker` sets DEV_MODE=1.
  const modes = resolveModes(config, 'workerd');
  const race = loadRace(env.RACE_CONFIG);
  const tracing = createTracing(
    {
      runtime: 'workerd',
      otlp: config.otlpEndpoint ? { endpoint: config.otlpEndpoint, headers: config.otlpHeaders } : undefined,
      keepRecent: modes.devMode,
    },
    WORKERS_TRACING_SDK,
  );
  parsed = { env, config, modes, race, tracing };
  return parsed;
}

/** Runs `work` with this invocation's services; its waitUntil work goes through `tracked`. */
export function withServices<T>(
  env: WorkerBindings,
  ctx: ExecutionContext,
  logger: Logger,
  work: (deps: ReturnType<typeof buildServices>, tracked: ExecutionContext) => Promise<T>,
) {
  const { config, modes, race, tracing } = settings(env);
  const database = openDatabase(config, env.HYPERDRIVE);
  const deps = buildServices({
    config,
    modes,
    race,
    database,
    logger,
    clientLimiter: clientLimiterFor(env, config),
    adminAuthLimiter: adminAuthLimiterFor(env),
    ...clientInfo,
    tracer: tracing.tracer,
    recentTraces: tracing.recent,
    // The email Worker's bindings (wrangler.jsonc): with EMAIL_QUEUE the outbox delivers through it.
    emailQueue: env.EMAIL_QUEUE ? cloudflareEmailQueue(env.EMAIL_QUEUE) : undefined,
    emailWorker: env.EMAIL ? serviceBindingEmailWorker(env.EMAIL) : undefined,
  });
  const { tracked, settled } = trackingContext(ctx);
  // After the response and the background work: export this invocation's spans, close the pool.
  const closeAfterwards = () =>
    ctx.waitUntil(
      settled()
        .then(() => tracing.flush().catch(() => {}))
        .then(() => database.close())
        .catch(() => {}),
    );
  return work(deps, tracked).finally(closeAfterwards);
}

/** Exports the spans this isolate still holds. */
export async function flushTraces(): Promise<void> {
  await parsed?.tracing.flush().catch(() => {});
}
