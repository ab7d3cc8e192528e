// Wiring shared by both entries: from configuration and an open database to the app's dependencies.
// Runtime-neutral (fetch, Web Crypto); the entries decide which database driver and how to serve.
import { createAdminStore } from './adapters/db/admin-store.js';
import { type DatabaseHandle, sqlDatabase } from './adapters/db/database.js';
import { createStore } from './adapters/db/store.js';
import { createDevMailbox } from './adapters/mail/dev-mailbox.js';
import type { HttpPost } from './adapters/mail/http-post.js';
import { createNoProviderMailer, NO_PROVIDER } from './adapters/mail/no-provider.js';
import { createResendMailer } from './adapters/mail/resend.js';
import type { AppDeps } from './app/deps.js';
import { type Config, type Modes, servedHosts } from './config.js';
import { findDistance, type Race } from './domain/race.js';
import {
  type ClientLimiter,
  createMemoryClientLimiter,
  type FailureLimiter,
  failureLimiter,
} from './ports/client-limiter.js';
import type { Logger } from './ports/logger.js';
import { createTaskEngine } from './tasks/engine.js';
import { taskKinds } from './tasks/kinds/index.js';
import { createSendBudget } from './tasks/send-budget.js';
import { createTaskStore } from './tasks/store.js';
import { tracedMailer } from './tracing/traced-mailer.js';
import { tracedStore } from './tracing/traced-store.js';
import { noopTracer } from './tracing/tracer.js';

export interface ServiceOptions
  extends Pick<
    AppDeps,
    'clientLimiter' | 'adminAuthLimiter' | 'clientKey' | 'isHttps' | 'recentTraces' | 'emailQueue' | 'emailWorker'
  > {
  config: Config;
  /** Dev mode, strategy routes and the mailer, as the entry resolved them (`resolveModes`). */
  modes: Modes;
  race: Race;
  database: DatabaseHandle;
  logger: Logger;
  /** Engine id for leases; defaults to a random one. */
  owner?: string;
  /** From the entry's tracer provider; the no-op tracer without one. */
  tracer?: AppDeps['tracer'];
  /** The HTTP client the Resend adapter calls the API with (the runtime's fetch by default). */
  providerPost?: HttpPost;
}

/** Wrong admin credentials (Bearer tokens, sign-ins) one client may send per minute. */
export const ADMIN_AUTH_FAILURES_PER_MINUTE = 10;

/**
 * The admin credential limit in memory. The entries build it once and hand it to every
 * buildServices call: once per Node service; once per isolate on Workers, so there a client is
 * counted by each isolate it reaches (Cloudflare runs many) — a weaker limit, unless the Worker has
 * the ADMIN_AUTH_LIMITER Rate Limiting binding (see runtime/workers/service.ts).
 */
export function createAdminAuthLimiter(counter?: ClientLimiter): FailureLimiter {
  return failureLimiter(counter ?? createMemoryClientLimiter(ADMIN_AUTH_FAILURES_PER_MINUTE, 60_000));
}

export function buildServices({
  config,
  modes,
  race,
  database,
  logger,
  owner,
  clientLimiter,
  adminAuthLimiter,
  clientKey,
  isHttps,
  tracer = noopTracer,
  recentTraces,
  emailQueue,
  emailWorker,
  providerPost,
}: ServiceOptions): AppDeps {
  // Caps come from the race configuration; the store enforces them inside the insert statement.
  // Every store call and every send gets a span and counts towards the request's Server-Timing.
  const store = tracedStore(
    createStore(database.db, (raceId, distance) => (raceId === race.id ? (findDistance(race, distance)?.cap ?? 0) : 0)),
    tracer,
  );
  const mailer =
    modes.mailer === 'resend' && config.resendApiKey
      ? tracedMailer(
          createResendMailer({ apiKey: config.resendApiKey, baseUrl: config.resendBaseUrl, post: providerPost }),
          tracer,
          'resend.send',
        )
      : modes.mailer === 'dev-mailbox'
        ? tracedMailer(createDevMailbox(store), tracer, 'devmail.send')
        : createNoProviderMailer();
  // The task store and the send budget share one SqlDatabase over this invocation's database.
  const sqlDb = sqlDatabase(database.db);
  const engine = createTaskEngine({
    store: tracedStore(createTaskStore(sqlDb), tracer),
    logger,
    owner,
    // Emails go in batches (one provider request, one send slot, for up to 100), fast path and sweeps alike.
    kinds: taskKinds({ mailer }),
    batchWindowMs: config.emailBatchWindowMs,
    maxAttempts: config.taskMaxAttempts,
    timeoutMs: config.taskTimeoutMs,
    leaseMs: config.taskLeaseMs,
    retryBaseMs: config.taskRetryBaseMs,
    retryMaxMs: config.taskRetryMaxMs,
    concurrency: config.taskConcurrency,
    // The provider's limit counts the whole account, so the budget lives in the shared database; the
    // dev mailbox has no limit, and EMAIL_RATE_LIMIT_PER_SEC=0 turns it off (benchmarks).
    sendBudget:
      modes.mailer === 'resend' && config.emailRateLimitPerSec > 0
        ? createSendBudget(sqlDb, config.emailRateLimitPerSec)
        : undefined,
    // No provider and not in dev mode: registrations are stored, their emails wait (see /readyz).
    held: modes.mailer === 'none' ? NO_PROVIDER : undefined,
    tracer,
  });
  return {
    race,
    store,
    mailer,
    engine,
    logger,
    emailFrom: config.emailFrom,
    sendTimeoutMs: config.taskTimeoutMs,
    devMode: modes.devMode,
    devMailbox: modes.mailer === 'dev-mailbox',
    strategyRoutes: modes.strategyRoutes,
    admin: createAdminStore(database.db),
    adminToken: config.adminToken,
    maxAttempts: config.taskMaxAttempts,
    clientLimiter,
    adminAuthLimiter,
    clientKey,
    isHttps,
    servedHost: servedHosts(config, modes),
    publicOrigin: config.publicOrigin,
    tracer,
    recentTraces,
    emailQueue,
    emailWorker,
  };
}
