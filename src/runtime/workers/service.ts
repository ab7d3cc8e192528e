// Wires the Worker by lifetime (docs/design.md, Architecture). Once per isolate and settings: the
// configuration, the race, the tracer provider, the limiters, the app's dependencies, the app itself
// with its routes and OpenAPI document. Per invocation (`Invocation`): its waitUntil work, and its
// database — sockets cannot outlive the invocation that opened them — with the store, admin store,
// task engine and mailer over it, opened when first used and closed after the invocation's background
// work.
import type { ExecutionContext, Hono } from 'hono';
import { cloudflareEmailQueue } from '../../adapters/cloudflare/email-queue.js';
import { serviceBindingEmailWorker } from '../../adapters/cloudflare/email-worker.js';
import {
  cloudflareRegistrationWorkflow,
  type WorkflowBinding,
} from '../../adapters/cloudflare/registration-workflow.js';
import type { DatabaseHandle } from '../../adapters/db/database.js';
import { createApp } from '../../app/create-app.js';
import { openedOnUse, type RequestServices, type ServicesFor } from '../../app/request-services.js';
import { type Config, type Env, type Modes, parseConfig, resolveModes } from '../../config.js';
import type { Race } from '../../domain/race.js';
import {
  bindingClientLimiter,
  createMemoryClientLimiter,
  type FailureLimiter,
  unlimited,
} from '../../ports/client-limiter.js';
import type { Logger } from '../../ports/logger.js';
import { buildServices, createAdminAuthLimiter, type Services } from '../../services.js';
import { createTracing, type Tracing } from '../../tracing/provider.js';
import { isRecordingTracer } from '../../tracing/tracer.js';
import { TrackingContext } from './background.js';
import { clientInfo } from './client.js';
import { checkDatabase, openDatabase } from './database.js';
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

/** What one isolate builds once for its settings: everything no invocation owns. */
export interface Isolate {
  config: Config;
  modes: Modes;
  race: Race;
  /** The tracer provider: spans wait in memory until each invocation flushes them in waitUntil. */
  tracing: Tracing;
  services: Services;
  /** The app, built on the isolate's first request (the email Worker never serves one). */
  app(): Hono;
}

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

/**
 * A request's services through its invocation (`Invocation.of`): the app's `ServicesFor` on Workers.
 * Nothing is opened until a route uses the store, the admin store, the engine or the mailer.
 */
const invocationServices: ServicesFor = (c, timings) => openedOnUse(Invocation.of(c), timings);

function buildIsolate(env: WorkerBindings, logger: Logger): Isolate {
  const strings: Env = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') strings[name] = value;
  delete strings.RACE_CONFIG;
  const config = parseConfig(strings);
  // A deployment without a database fails every request alike (main.ts), not only those that use it.
  checkDatabase(config, env.HYPERDRIVE);
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
  const services = buildServices({
    config,
    modes,
    race,
    logger,
    clientLimiter: clientLimiterFor(env, config),
    adminAuthLimiter: adminAuthLimiterFor(env),
    ...clientInfo,
    tracer: tracing.tracer,
    recentTraces: tracing.recent,
    // The email Worker's bindings (wrangler.jsonc): with EMAIL_QUEUE the outbox delivers through it.
    emailQueue: env.EMAIL_QUEUE ? cloudflareEmailQueue(env.EMAIL_QUEUE) : undefined,
    emailWorker: env.EMAIL ? serviceBindingEmailWorker(env.EMAIL) : undefined,
    // The workflow strategy's instances, run by the email Worker's RegistrationWorkflow.
    registrationWorkflow: env.REGISTRATION_WORKFLOW
      ? cloudflareRegistrationWorkflow(env.REGISTRATION_WORKFLOW as unknown as WorkflowBinding)
      : undefined,
  });
  let app: Hono | undefined;
  return {
    config,
    modes,
    race,
    tracing,
    services,
    app: () => {
      app ??= createApp(services.deps, services.routes, invocationServices);
      return app;
    },
  };
}

/**
 * The same settings: every binding and var the same, but HYPERDRIVE, which each invocation reads from
 * its own env. workerd hands every invocation of an isolate the same env object, so this is rarely asked.
 */
function sameSettings(a: WorkerBindings, b: WorkerBindings): boolean {
  const keys = Object.keys(a) as (keyof WorkerBindings)[];
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every(
    (key) =>
      key === 'HYPERDRIVE' ||
      Object.is(a[key], b[key]) ||
      (key === 'RACE_CONFIG' && JSON.stringify(a[key]) === JSON.stringify(b[key])),
  );
}

let built: { env: WorkerBindings; isolate: Isolate } | undefined;

/** This isolate's build for `env`'s settings: made on first use, again only when the settings change. */
export function isolateFor(env: WorkerBindings, logger: Logger): Isolate {
  if (built?.env === env) return built.isolate;
  const isolate = built && sameSettings(built.env, env) ? built.isolate : buildIsolate(env, logger);
  built = { env, isolate };
  return isolate;
}

/**
 * One invocation (a request, a Cron run, a queue batch, an RPC call), as the ExecutionContext its work
 * gets: its waitUntil work is tracked, and its services are opened over its own database on first use.
 * `finish` then waits for the background work, exports the spans and closes the database.
 */
export class Invocation extends TrackingContext {
  readonly #ctx: ExecutionContext;
  readonly #isolate: Isolate;
  readonly #env: WorkerBindings;
  #database: DatabaseHandle | undefined;
  #services: RequestServices | undefined;

  constructor(ctx: ExecutionContext, isolate: Isolate, env: WorkerBindings) {
    super(ctx);
    this.#ctx = ctx;
    this.#isolate = isolate;
    this.#env = env;
  }

  /** The invocation a request's context carries (main.ts hands each request its own). */
  static of(c: { executionCtx: unknown }): Invocation {
    const ctx = c.executionCtx;
    if (ctx instanceof Invocation) return ctx;
    throw new Error('this request was not handed an Invocation (src/runtime/workers/main.ts)');
  }

  /** The store, admin store, task engine and mailer over this invocation's database, opened now. */
  get services(): RequestServices {
    if (!this.#services) {
      // This invocation's binding: HYPERDRIVE is read only here, when the database is wanted.
      this.#database = openDatabase(this.#isolate.config, this.#env.HYPERDRIVE);
      this.#services = this.#isolate.services.servicesOver(this.#database);
    }
    return this.#services;
  }

  /** After the answer and the background work: export this invocation's spans, close its database. */
  finish(): void {
    const { tracing } = this.#isolate;
    // Nothing to wait for, export or close (GET /healthz without tracing): nothing more to do.
    if (!this.#database && !this.tracking && !isRecordingTracer(tracing.tracer)) return;
    this.#ctx.waitUntil(
      this.settled()
        .then(() => tracing.flush().catch(() => {}))
        .then(() => this.#database?.close())
        .catch(() => {}),
    );
  }
}

/** Runs `work` as one invocation of `env`'s isolate; afterwards, `finish` (see Invocation). */
export async function withInvocation<T>(
  env: WorkerBindings,
  ctx: ExecutionContext,
  logger: Logger,
  work: (invocation: Invocation, isolate: Isolate) => Promise<T>,
): Promise<T> {
  const isolate = isolateFor(env, logger);
  const invocation = new Invocation(ctx, isolate, env);
  try {
    return await work(invocation, isolate);
  } finally {
    invocation.finish();
  }
}

/** Exports the spans this isolate still holds. */
export async function flushTraces(): Promise<void> {
  await built?.isolate.tracing.flush().catch(() => {});
}
