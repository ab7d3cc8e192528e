// The cross-site check (CSRF) for the pages' state-changing requests: every method but GET, HEAD and
// OPTIONS on a page path (not /api/*, whose writes need a Bearer token), whatever its content type —
// the form posts of the sign-up page and the admin dashboard, and any page route added later.
//
// The expected origin is PUBLIC_URL's when it is configured. A browser sends `Origin` with every such
// request; when it is there it must be the expected origin. Without PUBLIC_URL, as Hono's csrf() does,
// either `Sec-Fetch-Site: same-origin` or an `Origin` equal to the request URL's origin passes (behind a
// TLS-terminating proxy the app sees http:// while the browser says https://; Sec-Fetch-Site still
// says same-origin). A request with neither header is refused. Refusals are 403 `forbidden`.
import type { MiddlewareHandler } from 'hono';
import { ApiError, isApiPath } from '../../errors.js';

const SAFE_METHOD = /^(GET|HEAD|OPTIONS)$/;

function crossSite(): ApiError {
  return new ApiError(403, 'forbidden', 'cross-site request refused: post from this site’s own pages');
}

/** `publicOrigin`: PUBLIC_URL's origin (`https://race.example.com`), or undefined. */
export function sameOriginWrites(publicOrigin: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHOD.test(c.req.method) || isApiPath(c.req.path)) return next();
    const origin = c.req.header('origin');
    const sameOriginFetch = c.req.header('sec-fetch-site') === 'same-origin';
    const allowed = publicOrigin
      ? origin === undefined
        ? sameOriginFetch
        : origin === publicOrigin
      : sameOriginFetch || (origin !== undefined && origin === new URL(c.req.url).origin);
    if (!allowed) throw crossSite();
    return next();
  };
}
