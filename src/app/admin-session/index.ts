// Admin credentials and dashboard sessions: how a token is checked, how a session starts, is found
// and ends, and how wrong credentials are counted. The gate in front of the JSON admin API is
// middleware/admin-auth; the dashboard's sign-in form is routes/admin-pages.tsx.
//
// Two kinds of credential that never stand in for each other:
//
// - `Authorization: Bearer $ADMIN_TOKEN`, for scripts: the whole JSON admin API and /metrics. The
//   token is compared in constant time: both sides are hashed with SHA-256 (Web Crypto, so it runs in
//   workerd and Node alike) and the digests compared byte by byte without an early exit, so neither
//   the content nor the length of the configured token leaks through timing.
// - A dashboard session, for browsers: signing in with the token on /admin creates a random session
//   id (256 bits) that only the browser keeps, in an HttpOnly, SameSite=Strict cookie; the database
//   stores its SHA-256 and when it ends (12 h). Every read looks the session up, so signing out
//   (which deletes the row) ends it for every copy of the cookie. Through the JSON API a session only
//   reads (GET/HEAD), so a browser can follow the CSV link; a signed-in browser writes only through
//   the dashboard's own form routes, which check the request's origin (CSRF) first.
//
// A session id is never accepted as a Bearer token, nor the token as a cookie. Wrong credentials (a
// refused Bearer header, a refused sign-in) count per client: past the limit the client is answered
// 429 with Retry-After until the window ends, even with the right token, so guessing gets nowhere.
// No token configured → admin is off: every request is refused (401), saying so.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { FailureLimiter, LimitVerdict } from '../../ports/client-limiter.js';
import type { Logger } from '../../ports/logger.js';
import { ApiError } from '../errors.js';

/**
 * The session cookie's name over plain http. Over https it is `__Host-finishline_session`: the prefix
 * makes browsers refuse the cookie unless it is Secure, for this host only (no Domain) and for every
 * path, so neither a sibling subdomain nor an http page can plant or shadow it. Browsers also refuse
 * to store a `__Host-` cookie without Secure, so over plain http (local development) the name has no
 * prefix. Each scheme accepts only its own name: a cookie set over http is not a session over https.
 */
export const SESSION_COOKIE = 'finishline_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** 32 random bytes in base64url, without padding. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** What the admin credentials need besides the request's admin store (`c.get('services').admin`). */
export interface AdminAuthDeps {
  /** ADMIN_TOKEN; undefined refuses every request. */
  adminToken: string | undefined;
  /** Wrong credentials per client (a refused Bearer header or sign-in). */
  adminAuthLimiter: FailureLimiter;
  clientKey: (c: Context) => string;
  isHttps: (c: Context) => boolean;
  logger: Logger;
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'unauthorized', 'missing or wrong admin credentials', undefined, {
    'www-authenticate': 'Bearer realm="admin"',
  });
}

/** No ADMIN_TOKEN on the server: nothing can sign in, and the answer says why. */
export function adminOff(): ApiError {
  return new ApiError(401, 'unauthorized', 'admin is off: the server has no ADMIN_TOKEN', undefined, {
    'www-authenticate': 'Bearer realm="admin"',
  });
}

export function tooManyFailures(verdict: LimitVerdict): ApiError {
  return new ApiError(
    429,
    'rate_limited',
    'too many wrong admin credentials from this client, try again later',
    undefined,
    { 'retry-after': String(verdict.retryAfterSeconds) },
  );
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

/** The key a session is stored under: the SHA-256 of its id, in hex. */
export async function sessionIdHash(id: string): Promise<string> {
  return Array.from(await sha256(id), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

/** The session cookie under the name the request's scheme allows, as sent (valid or not). */
function sessionCookie(c: Context, deps: Pick<AdminAuthDeps, 'isHttps'>): string | undefined {
  return deps.isHttps(c) ? getCookie(c, SESSION_COOKIE, 'host') : getCookie(c, SESSION_COOKIE);
}

/** The session id the request's cookie carries, when well-formed. */
function sessionIdOf(c: Context, deps: Pick<AdminAuthDeps, 'isHttps'>): string | undefined {
  const id = sessionCookie(c, deps);
  return id && SESSION_ID.test(id) ? id : undefined;
}

/** True when the request carries the cookie of a session that exists and has not ended. */
export async function hasAdminSession(c: Context, deps: Pick<AdminAuthDeps, 'isHttps'>): Promise<boolean> {
  const id = sessionIdOf(c, deps);
  return id !== undefined && (await c.get('services').admin.sessionActive(await sessionIdHash(id)));
}

function cookieOptions(https: boolean) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'Strict' as const,
    ...(https ? { secure: true, prefix: 'host' as const } : {}),
  };
}

/** Signs the browser in: a new session row, and its id in the cookie. */
export async function startAdminSession(c: Context, deps: Pick<AdminAuthDeps, 'isHttps'>): Promise<void> {
  const id = newSessionId();
  await c.get('services').admin.createSession(await sessionIdHash(id), SESSION_TTL_MS);
  setCookie(c, SESSION_COOKIE, id, { ...cookieOptions(deps.isHttps(c)), maxAge: SESSION_TTL_MS / 1000 });
}

/** Signs the browser out: the session row is deleted (so copies of the cookie stop working too). */
export async function endAdminSession(c: Context, deps: Pick<AdminAuthDeps, 'isHttps'>): Promise<void> {
  const id = sessionIdOf(c, deps);
  if (id !== undefined) await c.get('services').admin.deleteSession(await sessionIdHash(id));
  clearSessionCookie(c, deps);
}

/** Tells the browser to forget its session cookie (signed out, or a session that has ended). */
export function clearSessionCookie(c: Context, deps: Pick<AdminAuthDeps, 'isHttps'>): void {
  deleteCookie(c, SESSION_COOKIE, cookieOptions(deps.isHttps(c)));
}

/** True when the request carries a session cookie under its scheme's name, valid or not. */
export function carriesSessionCookie(c: Context, deps: Pick<AdminAuthDeps, 'isHttps'>): boolean {
  return sessionCookie(c, deps) !== undefined;
}

/**
 * Counts a wrong credential against the client and logs it (the client key and how it came, never
 * what was sent). Refused once the client is over its limit.
 */
export async function countFailure(
  c: Context,
  deps: Pick<AdminAuthDeps, 'adminAuthLimiter' | 'clientKey' | 'logger'>,
  via: 'bearer' | 'sign-in',
): Promise<LimitVerdict> {
  const client = deps.clientKey(c);
  deps.logger.warn('admin.auth.refused', { client, via });
  return deps.adminAuthLimiter.fail(client);
}

/** Whether the client is over its limit of wrong credentials; logged when it is. */
export function blockedClient(
  c: Context,
  deps: Pick<AdminAuthDeps, 'adminAuthLimiter' | 'clientKey' | 'logger'>,
  via: 'bearer' | 'sign-in',
): LimitVerdict {
  const client = deps.clientKey(c);
  const verdict = deps.adminAuthLimiter.blocked(client);
  if (!verdict.allowed) deps.logger.warn('admin.auth.limited', { client, via });
  return verdict;
}
