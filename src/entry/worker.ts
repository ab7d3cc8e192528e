// Worker entry: the same app in workerd. Postgres through Hyperdrive (node-postgres over Cloudflare
// sockets) or Neon's HTTP driver. Sockets cannot outlive the invocation that opened them, so each
// invocation opens its own small pool and closes it once its background work is done.
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { ExecutionContext } from 'hono';
import type { DatabaseHandle } from '../adapters/db/database.js';
import { isNeonUrl, openNeonHttp } from '../adapters/db/neon-http.js';
import { openNodePostgres } from '../adapters/db/node-postgres.js';
import { createApp } from '../app/create-app.js';
import { type Config, ConfigError, type Env, type Modes, parseConfig, resolveModes } from '../config.js';
import { DEFAULT_RACE, type Race } from '../domain/race.js';
import {
  bindingClientLimiter,
  createMemoryClientLimiter,
  type FailureLimiter,
  unlimited,
} from '../ports/client-limiter.js';
import { describeError } from '../ports/errors.js';
import { createJsonLogger } from '../ports/logger.js';
import { raceFromJson, raceFromValue } from '../race-config.js';
import { buildServices, createAdminAuthLimiter } from '../services.js';
import { createTracing, type Tracing } from '../tracing/provider.js';

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

const logger = createJsonLogger();
// The active span and the request's timings follow async work (node:async_hooks under nodejs_compat).
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

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

function settings(env: WorkerBindings): { config: Config; modes: Modes; race: Race; tracing: Tracing } {
  if (parsed?.env === env) return parsed;
  const strings: Env = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') strings[name] = value;
  delete strings.RACE_CONFIG;
  const config = parseConfig(strings);
  // A Worker never enters dev mode by omission: a forgotten RESEND_API_KEY holds the emails (see
  // /readyz) instead of opening the dev mailbox to the world. `npm run dev:worker` sets DEV_MODE=1.
  const modes = resolveModes(config, 'workerd');
  const race =
    env.RACE_CONFIG === undefined
      ? DEFAULT_RACE
      : typeof env.RACE_CONFIG === 'string'
        ? raceFromJson(env.RACE_CONFIG, 'var')
        : raceFromValue(env.RACE_CONFIG, 'var');
  const tracing = createTracing({
    runtime: 'workerd',
    otlp: config.otlpEndpoint ? { endpoint: config.otlpEndpoint, headers: config.otlpHeaders } : undefined,
    keepRecent: modes.devMode,
  });
  parsed = { env, config, modes, race, tracing };
  return parsed;
}

function openDatabase(env: WorkerBindings, config: Config): DatabaseHandle {
  if (config.databaseUrl && isNeonUrl(config.databaseUrl)) return openNeonHttp(config.databaseUrl);
  const connectionString = env.HYPERDRIVE?.connectionString ?? config.databaseUrl;
  if (!connectionString) throw new ConfigError('set the HYPERDRIVE binding or DATABASE_URL');
  // Hyperdrive pools at the edge; a handful of connections per invocation is plenty.
  return openNodePostgres(connectionString, { max: 5 });
}

/** Collects this invocation's waitUntil promises so the pool closes only after all of them. */
function trackingContext(ctx: ExecutionContext) {
  const pending: Promise<unknown>[] = [];
  const tracked: ExecutionContext = {
    waitUntil: (promise) => {
      pending.push(promise);
      ctx.waitUntil(promise);
    },
    passThroughOnException: () => ctx.passThroughOnException(),
    props: ctx.props,
  };
  return { tracked, settled: async () => void (await Promise.allSettled(pending)) };
}

function withServices<T>(
  env: WorkerBindings,
  ctx: ExecutionContext,
  work: (deps: ReturnType<typeof buildServices>, tracked: ExecutionContext) => Promise<T>,
) {
  const { config, modes, race, tracing } = settings(env);
  const database = openDatabase(env, config);
  const deps = buildServices({
    config,
    modes,
    race,
    database,
    logger,
    clientLimiter: clientLimiterFor(env, config),
    adminAuthLimiter: adminAuthLimiterFor(env),
    clientKey: (c) => c.req.header('cf-connecting-ip') ?? 'unknown',
    isHttps: (c) => new URL(c.req.url).protocol === 'https:',
    tracer: tracing.tracer,
    recentTraces: tracing.recent,
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

/** How long one Cron invocation keeps claiming, within the Workers limits for scheduled events. */
const SWEEP_BUDGET_MS = 25_000;

export default {
  async fetch(request: Request, env: WorkerBindings, ctx: ExecutionContext): Promise<Response> {
    try {
      return await withServices(env, ctx, async (deps, tracked) => createApp(deps).fetch(request, env, tracked));
    } catch (error) {
      logger.error('worker.start_failed', { error: describeError(error) });
      return Response.json({ error: { code: 'internal', message: 'the service is misconfigured' } }, { status: 500 });
    }
  },

  // The Workers sweeper: each minute, claim and run due tasks until none are left or the budget is spent.
  async scheduled(_controller: unknown, env: WorkerBindings, ctx: ExecutionContext): Promise<void> {
    await withServices(env, ctx, async (deps) => {
      const deadline = Date.now() + SWEEP_BUDGET_MS;
      let claimed = 0;
      while (Date.now() < deadline) {
        const n = await deps.engine.sweep();
        claimed += n;
        if (n === 0) break;
      }
      logger.info('sweeper.run', { claimed });
    });
    // The sweep's spans, exported before the scheduled event ends.
    await parsed?.tracing.flush().catch(() => {});
  },
};
