// Admin credentials: `Authorization: Bearer $ADMIN_TOKEN`, or — for reading (GET/HEAD) only — the
// admin cookie the dashboard's sign-in form sets (HttpOnly, SameSite=Strict), so a browser can follow
// the CSV link. Writes through the JSON API stay Bearer-only; a signed-in browser writes only through
// the dashboard's own form routes, which check the request's origin (CSRF) first.
//
// The token is compared in constant time: both sides are hashed with SHA-256 (Web Crypto, so it runs
// in workerd and Node alike) and the two digests compared byte by byte without an early exit, so
// neither the content nor the length of the configured token leaks through timing. No token
// configured → every request is refused.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { ApiError } from '../errors.js';

const BEARER = /^Bearer +(\S+) *$/i;
const SAFE_METHOD = /^(GET|HEAD)$/;

/** The dashboard's session cookie: it holds the admin token itself (no server-side session). */
export const ADMIN_COOKIE = 'finishline_admin';
const COOKIE_MAX_AGE_SECONDS = 12 * 60 * 60;

export function unauthorized(): ApiError {
  return new ApiError(401, 'unauthorized', 'missing or wrong admin credentials', undefined, {
    'www-authenticate': 'Bearer realm="admin"',
  });
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** True when `given` equals `expected`, in time independent of where (or whether) they differ. */
export async function tokensMatch(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

/** True when the request carries the admin token in the admin cookie. */
export async function hasAdminCookie(c: Context, adminToken: string | undefined): Promise<boolean> {
  const given = getCookie(c, ADMIN_COOKIE);
  return Boolean(adminToken && given && (await tokensMatch(given, adminToken)));
}

/** Signs the browser in: the cookie is Secure whenever the request came over https. */
export function setAdminCookie(c: Context, token: string): void {
  setCookie(c, ADMIN_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'Strict',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: COOKIE_MAX_AGE_SECONDS,
  });
}

export function clearAdminCookie(c: Context): void {
  deleteCookie(c, ADMIN_COOKIE, { path: '/', secure: new URL(c.req.url).protocol === 'https:' });
}

/**
 * Refuses (401, with `WWW-Authenticate`) any request without the admin token: the Bearer header, or
 * for GET/HEAD without that header, the admin cookie.
 */
export function adminAuth(adminToken: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization');
    let allowed = false;
    if (adminToken && header !== undefined) {
      const given = BEARER.exec(header)?.[1];
      allowed = Boolean(given && (await tokensMatch(given, adminToken)));
    } else if (SAFE_METHOD.test(c.req.method)) {
      allowed = await hasAdminCookie(c, adminToken);
    }
    if (!allowed) throw unauthorized();
    await next();
  };
}
