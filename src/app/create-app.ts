// createApp(deps, routes, services): the whole HTTP surface, the same in workerd and Node. Imports nothing
// runtime-specific. Built once per Node process or Worker isolate: the routes, their middleware and the
// OpenAPI document are made here; a request brings only its own services (./request-services.ts).
import { Hono, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps, RouteGroups } from './deps.js';
import { errorBody, handleError, isApiPath } from './errors.js';
import { allowedHosts } from './middleware/allowed-hosts/index.js';
import { requestLog } from './middleware/request-log/index.js';
import { sameOriginWrites } from './middleware/same-origin/index.js';
import { tracing } from './middleware/tracing/index.js';
import { errorPage } from './pages/error.js';
import { siteOf } from './pages/layout.js';
import { requestServices, type ServicesFor } from './request-services.js';
import { adminRoutes } from './routes/admin.js';
import { adminPageRoutes } from './routes/admin-pages.js';
import { assetRoutes } from './routes/assets.js';
import { DEV_MAIL_MESSAGE_PATH, devMailRoutes } from './routes/dev-mail.js';
import { devTraceRoutes } from './routes/dev-traces.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { manageRoutes } from './routes/manage.js';
import { MANAGE_PAGE_PATH, managePageRoutes } from './routes/manage-pages.js';
import { pageRoutes } from './routes/pages.js';
import { raceRoutes } from './routes/race.js';
import { registrationRoutes } from './routes/registrations.js';
import { strategyRoutes } from './routes/strategies.js';
import { webhookRoutes } from './routes/webhooks.js';

export type { AppDeps, RouteGroups, ServicesFor };

type Csp = NonNullable<NonNullable<Parameters<typeof secureHeaders>[0]>['contentSecurityPolicy']>;

/**
 * Pages: nothing inline, nothing from another host. Styles and the icon come from /assets; there are
 * no scripts at all; forms post only to us; nobody may frame us; the dev mailbox frames its emails
 * (from /dev/mail/:id).
 */
export const PAGE_CSP: Csp = {
  defaultSrc: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  frameSrc: ["'self'"],
};

/**
 * A dev mailbox email served alone (GET /dev/mail/:id): its HTML uses inline style attributes (as
 * emails must), so they are allowed here — and only here, where the document is sandboxed by the
 * policy itself (a unique origin, no scripts, no forms, whether it is framed by the mailbox or opened
 * on its own). Only the mailbox may frame it.
 */
export const EMAIL_CSP: Csp = {
  defaultSrc: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  formAction: ["'none'"],
  frameAncestors: ["'self'"],
  baseUri: ["'none'"],
  sandbox: [],
};

/** JSON routes keep the policy they had. */
const API_CSP: Csp = {
  defaultSrc: ["'none'"],
  styleSrc: ["'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  frameSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

function headersByPath(): MiddlewareHandler {
  // Pages send their origin with same-origin form posts (`no-referrer` would send `Origin: null`,
  // which the CSRF check refuses in browsers without Sec-Fetch-Site).
  const page = secureHeaders({ contentSecurityPolicy: PAGE_CSP, referrerPolicy: 'same-origin' });
  // A runner's manage page has their token in its path: no Referer carries the path, even to us (only
  // the origin), while its form posts still send their Origin (`no-referrer` would make it `null`).
  const manage = secureHeaders({ contentSecurityPolicy: PAGE_CSP, referrerPolicy: 'strict-origin' });
  const email = secureHeaders({ contentSecurityPolicy: EMAIL_CSP, referrerPolicy: 'no-referrer' });
  const api = secureHeaders({ contentSecurityPolicy: API_CSP });
  return (c, next) => {
    const path = c.req.path;
    if (isApiPath(path)) return api(c, next);
    if (MANAGE_PAGE_PATH.test(path)) return manage(c, next);
    return (DEV_MAIL_MESSAGE_PATH.test(path) ? email : page)(c, next);
  };
}

/**
 * `deps`: what lives as long as the app; `routes`: the optional route groups to mount; `services`: how a
 * request gets its store, admin store, engine and mailer (`c.get('services')`).
 */
export function createApp(deps: AppDeps, routes: RouteGroups, services: ServicesFor) {
  const app = new Hono();
  const site = siteOf(deps.race, routes);
  const withSite = { ...deps, site };
  app.use(tracing(deps.tracer));
  app.use(requestServices(services));
  app.use(requestLog(deps.logger));
  app.use(headersByPath());
  // Refused before any route: a Host that is not served (421), a cross-site page post (403).
  if (deps.servedHost) app.use(allowedHosts(deps.servedHost));
  app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '*', sameOriginWrites(deps.publicOrigin));
  if (routes.assets) app.route('/', assetRoutes(routes.assets));
  app.route('/', healthRoutes());
  app.route('/', raceRoutes(deps));
  app.route('/', registrationRoutes(deps));
  app.route('/', manageRoutes(deps));
  if (deps.resendWebhookSecrets) {
    app.route('/', webhookRoutes({ logger: deps.logger, secrets: deps.resendWebhookSecrets }));
  }
  if (routes.strategies) app.route('/', strategyRoutes(deps));
  if (routes.devMailbox) app.route('/', devMailRoutes({ site }));
  if (routes.devTraces) app.route('/', devTraceRoutes({ recent: routes.devTraces, site }));
  app.route('/', adminRoutes(deps));
  app.route('/', docsRoutes(withSite));
  app.route('/', pageRoutes(withSite));
  app.route('/', managePageRoutes(withSite));
  app.route('/', adminPageRoutes(withSite));
  app.notFound((c) =>
    isApiPath(c.req.path)
      ? c.json(errorBody('not_found', 'route not found'), 404)
      : errorPage(c, site, { status: 404, code: 'not_found', message: 'page not found' }),
  );
  app.onError(handleError(deps.logger, (c, error) => errorPage(c, site, error)));
  return app;
}
