// Wiring shared by both entries: from configuration to the app's dependencies, by lifetime.
// Runtime-neutral (fetch, Web Crypto); the entries decide which database driver and how to serve.
//
// - `deps` and `routes`: once per Node process or Worker isolate (nothing in them holds the database);
// - `servicesOver(database)`: the store, admin store, task engine and mailer over an open database —
//   once per Node process, once per invocation on Workers (their database lives that long).
import { createAdminStore } from './adapters/db/admin-store.js';
import { type DatabaseHandle, sqlDatabase } from './adapters/db/database.js';
import { createStore } from './adapters/db/store.js';
import { createDevMailbox } from './adapters/mail/dev-mailbox.js';
import type { HttpPost } from './adapters/mail/http-post.js';
import { createNoProviderMailer, NO_PROVIDER } from './adapters/mail/no-provider.js';
import { createResendMailer } from './adapters/mail/resend.js';
import type { AppDeps, RouteGroups } from './app/deps.js';
import type { RequestServices } from './app/request-services.js';
import { type Config, type Modes, manageLinks, servedHosts } from './config.js';
import { findDistance } from './domain/race.js';
import { renderRunnerLetter } from './domain/runner-letter.js';
import { offerTtlMs, verificationHoldMs } from './domain/waitlist.js';
import type { AdminStore } from './ports/admin-store.js';
import {
  type ClientLimiter,
  createMemoryClientLimiter,
  type FailureLimiter,
  failureLimiter,
} from './ports/client-limiter.js';
import { announceTasks } from './ports/email-queue.js';
import { describeError } from './ports/errors.js';
import type { Mailer } from './ports/mailer.js';
import type { SqlDatabase } from './ports/sql-database.js';
import type { Store } from './ports/store.js';
import type { NewTask, WrittenTask } from './ports/tasks.js';
import { createTaskEngine, type TaskEngine } from './tasks/engine.js';
import { taskKinds } from './tasks/kinds/index.js';
import { createSendBudget, type SendBudget } from './tasks/send-budget.js';
import { createTaskStore } from './tasks/store.js';
import type { RecentTraces } from './tracing/recent-traces.js';
import { tracedMailer } from './tracing/traced-mailer.js';
import { tracedStore } from './tracing/traced-store.js';
import { noopTracer } from './tracing/tracer.js';

export interface ServiceOptions
  extends Pick<
    AppDeps,
    | 'race'
    | 'logger'
    | 'clientLimiter'
    | 'adminAuthLimiter'
    | 'clientKey'
    | 'isHttps'
    | 'emailQueue'
    | 'emailWorker'
    | 'registrationWorkflow'
  > {
  config: Config;
  /** Dev mode, strategy routes and the mailer, as the entry resolved them (`resolveModes`). */
  modes: Modes;
  /** From the entry's tracer provider; the no-op tracer without one. */
  tracer?: AppDeps['tracer'];
  /** The latest traces, kept in dev mode for GET /dev/traces. */
  recentTraces?: RecentTraces;
  /** The HTTP client the Resend adapter calls the API with (the runtime's fetch by default). */
  providerPost?: HttpPost;
}

export interface Services {
  /** What the app is built from: no request owns any of it. */
  deps: AppDeps;
  /** The route groups the app mounts. */
  routes: RouteGroups;
  /**
   * The store, admin store, task engine and mailer over `database`, each made when first used. `owner`
   * names the engine's leases (a random id by default).
   */
  servicesOver(database: DatabaseHandle, owner?: string): RequestServices;
}

/** Wrong admin credentials (Bearer tokens, sign-ins) one client may send per minute. */
export const ADMIN_AUTH_FAILURES_PER_MINUTE = 10;

/**
 * The admin credential limit in memory. The entries build it once: once per Node service; once per
 * isolate on Workers, so there a client is counted by each isolate it reaches (Cloudflare runs many) —
 * a weaker limit, unless the Worker has the ADMIN_AUTH_LIMITER Rate Limiting binding (see
 * runtime/workers/service.ts).
 */
export function createAdminAuthLimiter(counter?: ClientLimiter): FailureLimiter {
  return failureLimiter(counter ?? createMemoryClientLimiter(ADMIN_AUTH_FAILURES_PER_MINUTE, 60_000));
}

/** The optional route groups, from the modes: the one place that decides what is mounted. */
export function routeGroups(modes: Modes, recentTraces: RecentTraces | undefined): RouteGroups {
  return {
    strategies: modes.strategyRoutes,
    devMailbox: modes.mailer === 'dev-mailbox',
    devTraces: modes.devMode ? recentTraces : undefined,
  };
}

/** How one mailer mode is wired: its mailer, the send budget it needs, and whether delivery is held. */
interface MailerWiring {
  /** The mailer, given the store over the same database (the dev mailbox keeps its emails there). */
  mailer(store: Store): Mailer;
  sendBudget(sql: SqlDatabase): SendBudget | undefined;
  /** Delivery held until the configuration changes: tasks are stored and wait (see /readyz). */
  held?: string;
}

function mailerWiring(
  modes: Modes,
  config: Config,
  tracer: AppDeps['tracer'],
  providerPost: HttpPost | undefined,
): MailerWiring {
  switch (modes.mailer) {
    case 'resend': {
      if (!config.resendApiKey) throw new Error('the Resend mailer needs RESEND_API_KEY (resolveModes)');
      // HTTP only, no database: one for the process or isolate.
      const resend = tracedMailer(
        createResendMailer({ apiKey: config.resendApiKey, baseUrl: config.resendBaseUrl, post: providerPost }),
        tracer,
        'resend.send',
      );
      return {
        mailer: () => resend,
        // The provider's limit counts the whole account, so the budget lives in the shared database;
        // EMAIL_RATE_LIMIT_PER_SEC=0 turns it off (benchmarks).
        sendBudget: (sql) =>
          config.emailRateLimitPerSec > 0 ? createSendBudget(sql, config.emailRateLimitPerSec) : undefined,
      };
    }
    case 'dev-mailbox':
      // No limit: nothing leaves the database.
      return {
        mailer: (store) => tracedMailer(createDevMailbox(store), tracer, 'devmail.send'),
        sendBudget: () => undefined,
      };
    case 'none': {
      // No provider and not in dev mode: registrations are stored, their emails wait (see /readyz).
      const none = createNoProviderMailer();
      return { mailer: () => none, sendBudget: () => undefined, held: NO_PROVIDER };
    }
  }
}

export function buildServices({
  config,
  modes,
  race,
  logger,
  clientLimiter,
  adminAuthLimiter,
  clientKey,
  isHttps,
  tracer = noopTracer,
  recentTraces,
  emailQueue,
  emailWorker,
  registrationWorkflow,
  providerPost,
}: ServiceOptions): Services {
  const mailers = mailerWiring(modes, config, tracer, providerPost);
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const links = manageLinks(config, modes, race, `http://${host}:${config.port}`);
  const offerTtl = offerTtlMs(race);
  const newTask = (kind: string, payload: unknown, priority: number): NewTask => ({
    id: crypto.randomUUID(),
    kind,
    payload,
    priority,
    maxAttempts: config.taskMaxAttempts,
    start: 'claim',
    leaseOwner: '',
    leaseMs: config.taskLeaseMs,
  });
  // Caps come from the race configuration; the store enforces them inside the insert statement.
  const capOf = (raceId: string, distance: string) =>
    raceId === race.id ? (findDistance(race, distance)?.cap ?? 0) : 0;

  function servicesOver(database: DatabaseHandle, owner?: string): RequestServices {
    let store: Store | undefined;
    let admin: AdminStore | undefined;
    let mailer: Mailer | undefined;
    let engine: TaskEngine | undefined;
    const services: RequestServices = {
      // Every store call and every send gets a span.
      get store() {
        store ??= tracedStore(createStore(database.db, capOf), tracer);
        return store;
      },
      get admin() {
        admin ??= createAdminStore(database.db);
        return admin;
      },
      get mailer() {
        mailer ??= mailers.mailer(services.store);
        return mailer;
      },
      get engine() {
        if (engine) return engine;
        // The task store and the send budget share one SqlDatabase over this database.
        const sqlDb = sqlDatabase(database.db);
        // What a waitlist task's statement wrote (a letter, the next offer, a catch-up), started as a
        // request's tasks are (`startTasks`): announced on the queue, each delayed to its time; or told
        // to this engine's sweeper (the Node sweeper wakes for them; a sweep in progress claims the due
        // ones next; on Workers without the queue the Cron sweeper does).
        const start = async (tasks: WrittenTask[]) => {
          if (tasks.length === 0) return;
          if (emailQueue) {
            await announceTasks(emailQueue, tasks, (taskIds, error) =>
              logger.warn('queue.enqueue_failed', { taskIds: taskIds.join(','), error: describeError(error) }),
            );
            return;
          }
          for (const { runAt } of tasks) engine?.expectDue(runAt ?? new Date());
        };
        engine = createTaskEngine({
          store: tracedStore(createTaskStore(sqlDb), tracer),
          logger,
          owner,
          // Emails go in batches (one provider request, one send slot, for up to 100), fast path and sweeps alike.
          kinds: taskKinds({
            mailer: services.mailer,
            suppressedAmong: (addresses) => services.store.suppressedAmong(addresses),
            waitlist: links && {
              renderLetter: (letter) => renderRunnerLetter(race, config.emailFrom, links, letter),
              waitlist: services.store,
              newTask,
              offerTtlMs: offerTtl,
              capOf,
              start,
            },
          }),
          batchWindowMs: config.emailBatchWindowMs,
          maxAttempts: config.taskMaxAttempts,
          timeoutMs: config.taskTimeoutMs,
          leaseMs: config.taskLeaseMs,
          retryBaseMs: config.taskRetryBaseMs,
          retryMaxMs: config.taskRetryMaxMs,
          concurrency: config.taskConcurrency,
          sendBudget: mailers.sendBudget(sqlDb),
          held: mailers.held,
          tracer,
        });
        return engine;
      },
    };
    return services;
  }

  return {
    deps: {
      race,
      logger,
      emailFrom: config.emailFrom,
      sendTimeoutMs: config.taskTimeoutMs,
      adminToken: config.adminToken,
      maxAttempts: config.taskMaxAttempts,
      clientLimiter,
      adminAuthLimiter,
      clientKey,
      isHttps,
      tracer,
      emailQueue,
      emailWorker,
      registrationWorkflow,
      servedHost: servedHosts(config, modes),
      publicOrigin: config.publicOrigin,
      ...(config.resendWebhookSecrets ? { resendWebhookSecrets: config.resendWebhookSecrets } : {}),
      links,
      offerTtlMs: offerTtl,
      holdMs: verificationHoldMs(race),
      newTask,
    },
    routes: routeGroups(modes, recentTraces),
    servicesOver,
  };
}
