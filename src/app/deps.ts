// What the app is built from, handed in by an entry (Node or Worker). Nothing runtime-specific here.
//
// Two lifetimes (docs/design.md, Architecture: what lives how long):
// - `AppDeps`: built once per Node process or Worker isolate; no request owns any of it. Each route
//   module takes the part it uses (its own `Pick` of this), captured when the routes are built.
// - `RequestServices` (./request-services.ts): the database and what works through it. A handler
//   reaches them only through `c.get('services')`: on Workers they belong to one invocation.

import type { Tracer } from '@opentelemetry/api';
import type { Context } from 'hono';
import type { ManageLinks } from '../domain/manage-link.js';
import type { Race } from '../domain/race.js';
import type { ClientLimiter, FailureLimiter } from '../ports/client-limiter.js';
import type { EmailQueue } from '../ports/email-queue.js';
import type { EmailWorker } from '../ports/email-worker.js';
import type { Logger } from '../ports/logger.js';
import type { RegistrationWorkflow } from '../ports/registration-workflow.js';
import type { NewTask } from '../ports/tasks.js';
import type { RecentTraces } from '../tracing/recent-traces.js';

export interface AppDeps {
  race: Race;
  logger: Logger;
  emailFrom: string;
  /** Time limit for an email sent inline by a seed strategy (TASK_TIMEOUT_MS). */
  sendTimeoutMs: number;
  /** ADMIN_TOKEN; undefined disables the admin API (every call is 401). */
  adminToken: string | undefined;
  /** TASK_MAX_ATTEMPTS: the fresh budget a replayed dead letter gets. */
  maxAttempts: number;
  /** Registrations per client and window (RATE_LIMIT_PER_MINUTE). */
  clientLimiter: ClientLimiter;
  /** Wrong admin credentials (Bearer tokens, sign-ins) per client and minute. */
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
  /**
   * Where the runners' manage links point and the key of their tokens (`manageLinks`, src/config.ts).
   * Undefined: emails carry no link and no manage route finds anyone (a race without a waitlist, in
   * production without PUBLIC_URL and LINK_SECRET).
   */
  links: ManageLinks | undefined;
  /** How long an offer holds its place (the race's `waitlist.offerTtl`); undefined: no waitlist. */
  offerTtlMs: number | undefined;
  /** How long a sign-up's place is held until the runner confirms (`verification.holdFor`); undefined: no hold. */
  holdMs: number | undefined;
  /** A task written by a statement besides the engine's own (pending, due now): the waitlist's. */
  newTask: (kind: string, payload: unknown, priority: number) => NewTask;
  /** Spans (the API's no-op tracer when tracing is off). */
  tracer: Tracer;
  /**
   * Workers with the EMAIL_QUEUE binding: the outbox writes its tasks pending and announces them here
   * (the email Worker consumes the queue); the queue strategy sends its emails here. Absent on Node.
   */
  emailQueue?: EmailQueue;
  /**
   * RESEND_WEBHOOK_SECRET's `whsec_…` secrets: POST /api/webhooks/resend is mounted with them. Absent:
   * no such route (404 like any unknown path).
   */
  resendWebhookSecrets?: readonly string[];
  /** Workers with the EMAIL Service Binding: the email Worker's RPC, for the service-binding strategy. */
  emailWorker?: EmailWorker;
  /** Workers with the REGISTRATION_WORKFLOW binding: the workflow strategy's instances. */
  registrationWorkflow?: RegistrationWorkflow;
}

/**
 * The route groups that exist besides the API and the pages, decided once from the configuration's
 * modes (`routeGroups` in src/services.ts). A group that is not mounted answers 404 like any unknown path.
 */
export interface RouteGroups {
  /** `/api/marathon-*`, the seed strategies (STRATEGY_ROUTES, on in dev mode). */
  strategies: boolean;
  /** `/dev/mail` and `/api/dev/mail`: the dev mailbox is the mailer (dev mode without RESEND_API_KEY). */
  devMailbox: boolean;
  /** `/dev/traces`, over these latest traces (dev mode). */
  devTraces: RecentTraces | undefined;
  /**
   * `/assets/*` (the stylesheet, the icon): the files of public/assets/, which the Node entry reads at
   * start. Absent on Workers: the asset server answers those paths before the Worker runs (wrangler.jsonc
   * `assets`), so the Worker never bundles them.
   */
  assets?: StaticAssets;
}

/** Files served as they are, by path (`/assets/app.css`): their bytes and Content-Type. */
export type StaticAssets = ReadonlyMap<string, { body: Uint8Array<ArrayBuffer>; type: string }>;
