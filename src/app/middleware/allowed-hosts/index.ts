// Only the configured host names are served, where it matters (`servedHosts` in src/config.ts decides
// which, and when): a request for any other Host is answered 421 Misdirected Request. In dev mode this
// stops DNS rebinding: a page on an attacker's name that resolves to 127.0.0.1 would otherwise be
// "same origin" with the dev mailbox (/api/dev/mail) and the admin sign-in.
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors.js';

function misdirected(): ApiError {
  return new ApiError(
    421,
    'misdirected_request',
    'this server does not answer for that host name: use localhost or 127.0.0.1, or add the name to ALLOWED_HOSTS',
  );
}

/** `served`: whether a host name (as the request URL has it, e.g. `localhost`, `[::1]`) is served. */
export function allowedHosts(served: (hostname: string) => boolean): MiddlewareHandler {
  return async (c, next) => {
    if (!served(new URL(c.req.url).hostname)) throw misdirected();
    return next();
  };
}
