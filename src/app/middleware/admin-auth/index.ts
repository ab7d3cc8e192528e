// The JSON admin API's gate (Hono middleware). What the credentials are and how sessions work is
// in admin-session/.
import type { MiddlewareHandler } from 'hono';
import {
  type AdminAuthDeps,
  adminOff,
  blockedClient,
  countFailure,
  hasAdminSession,
  tokensMatch,
  tooManyFailures,
  unauthorized,
} from '../../admin-session/index.js';

const BEARER = /^Bearer +(\S+) *$/i;
const SAFE_METHOD = /^(GET|HEAD)$/;

/**
 * The JSON admin API's gate: the Bearer token for any method; without an Authorization header, a
 * dashboard session for GET/HEAD. Otherwise 401 (with `WWW-Authenticate`), or 429 for a client over
 * its limit of wrong tokens. A request with no credentials at all is refused without counting; with
 * admin off (no ADMIN_TOKEN) every request is refused, uncounted, by `adminOff`.
 */
export function adminAuth(deps: AdminAuthDeps): MiddlewareHandler {
  return async (c, next) => {
    if (!deps.adminToken) throw adminOff();
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const limited = blockedClient(c, deps, 'bearer');
      if (!limited.allowed) throw tooManyFailures(limited);
      const given = BEARER.exec(header)?.[1];
      if (!given || !(await tokensMatch(given, deps.adminToken))) {
        const verdict = await countFailure(c, deps, 'bearer');
        throw verdict.allowed ? unauthorized() : tooManyFailures(verdict);
      }
    } else if (!SAFE_METHOD.test(c.req.method) || !(await hasAdminSession(c, deps))) {
      throw unauthorized();
    }
    await next();
  };
}
