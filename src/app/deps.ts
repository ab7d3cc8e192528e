// Everything the app needs, handed in by an entry (Node or Worker). Nothing runtime-specific here.

import type { Tracer } from '@opentelemetry/api';
import type { Context } from 'hono';
import type { Race } from '../domain/race.js';
import type { AdminStore } from '../ports/admin-store.js';
import type { ClientLimiter, FailureLimiter } from '../ports/client-limiter.js';
import type { EmailQueue } from '../ports/email-queue.js';
import type { EmailWorker } from '../ports/email-worker.js';
import type { Logger } from '../ports/logger.js';
import type { Mailer } from '../ports/mailer.js';
import type { Store } from '../ports/store.js';
import type { TaskEngine } from '../tasks/engine.js';
import type { RecentTraces } from '../tracing/recent-traces.js';

export interface AppDeps {
  race: Race;
  store: Store;
  mailer: Mailer;
  engine: TaskEngine;
  logger: Logger;
  emailFrom: string;
  /** Time limit for an email sent inline by a seed strategy (TASK_TIMEOUT_MS). */
  sendTimeoutMs: number;
  /** DEV_MODE: the /dev/* pages exist only then. */
  devMode: boolean;
  /** True when the dev mailbox is the mailer (dev mode without RESEND_API_KEY): /dev/mail exists only then. */
  devMailbox: boolean;
  /** STRATEGY_ROUTES: the seed's strategy routes (`/api/marathon-*`); otherwise they are 404. */
  strategyRoutes: boolean;
  admin: AdminStore;
  /** ADMIN_TOKEN; undefined disables the admin API (every call is 401). */
  adminToken: string | undefined;
  /** TASK_MAX_ATTEMPTS: the fresh budget a replayed dead letter gets. */
  maxAttempts: number;
  /** Registrations per client and window (RATE_LIMIT_PER_MINUTE). */
  clientLimiter: ClientLimiter;
  /**
   * Wrong admin credentials (Bearer tokens, sign-ins) per client and minute. It must outlive one
   * request: built once per Node service, once per Worker isolate.
   */
  adminAuthLimiter: FailureLimiter;
  /**
   * Who is asking: the socket's address on Node (or X-Forwarded-For behind TRUST_PROXY proxies),
   * CF-Connecting-IP on Workers.
   */
  clientKey: (c: Context) => string;
  /** Whether the request came over https (directly, or to a trusted proxy): decides `Secure` cookies. */
  isHttps: (c: Context) => boolean;
  /** Whether a Host name is served (`servedHosts`, src/config.ts): others are 421. Absent: any Host. */
  servedHost?: (hostname: string) => boolean;
  /** PUBLIC_URL's origin: what the pages' cross-site check expects. Absent: the request's own origin. */
  publicOrigin?: string;
  /** Spans (the API's no-op tracer when tracing is off). */
  tracer: Tracer;
  /**
   * Workers with the EMAIL_QUEUE binding: the outbox writes its tasks pending and announces them here
   * (the email Worker consumes the queue); the queue strategy sends its emails here. Absent on Node.
   */
  emailQueue?: EmailQueue;
  /** Workers with the EMAIL Service Binding: the email Worker's RPC, for the service-binding strategy. */
  emailWorker?: EmailWorker;
  /** The latest traces for GET /dev/traces (dev mode). */
  recentTraces?: RecentTraces;
}
