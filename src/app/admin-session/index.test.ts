// Admin credentials and dashboard sessions, over app.request(): a tiny app whose routes start, look up
// and end a session with an in-memory admin store (test/support/admin-sessions.ts), and the app's own
// error handler, so refusals are the envelopes clients get.
import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { type MemoryAdminSessions, memoryAdminSessions } from '../../../test/support/admin-sessions.js';
import { capturingLogger } from '../../../test/support/logger.js';
import { givenServices } from '../../../test/support/services.js';
import type { FailureLimiter, LimitVerdict } from '../../ports/client-limiter.js';
import { silentLogger } from '../../ports/logger.js';
import { handleError } from '../errors.js';
import {
  type AdminAuthDeps,
  adminOff,
  blockedClient,
  carriesSessionCookie,
  clearSessionCookie,
  countFailure,
  endAdminSession,
  hasAdminSession,
  SESSION_COOKIE,
  SESSION_TTL_MS,
  sessionIdHash,
  startAdminSession,
  tokensMatch,
  tooManyFailures,
  unauthorized,
} from './index.js';

const HOST_COOKIE = `__Host-${SESSION_COOKIE}`;
const TWELVE_HOURS_S = 12 * 60 * 60;
/** A well-formed session id (43 base64url characters) that no session has. */
const UNKNOWN_ID = 'A'.repeat(43);

interface SetCookie {
  name: string;
  value: string;
  attributes: string[];
}

function setCookies(res: Response): SetCookie[] {
  return res.headers.getSetCookie().map((header) => {
    const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
    const at = pair.indexOf('=');
    return { name: pair.slice(0, at), value: pair.slice(at + 1), attributes: attributes.sort() };
  });
}

function sessionApp(sessions: MemoryAdminSessions) {
  const deps = { isHttps: (c) => new URL(c.req.url).protocol === 'https:' } satisfies Pick<AdminAuthDeps, 'isHttps'>;
  const app = new Hono();
  app.use(givenServices({ admin: sessions }));
  app.post('/sign-in', async (c) => {
    await startAdminSession(c, deps);
    return c.text('signed in');
  });
  app.post('/sign-out', async (c) => {
    await endAdminSession(c, deps);
    return c.text('signed out');
  });
  app.post('/forget', (c) => {
    clearSessionCookie(c, deps);
    return c.text('forgotten');
  });
  app.get('/session', async (c) =>
    c.json({ session: await hasAdminSession(c, deps), carries: carriesSessionCookie(c, deps) }),
  );
  app.onError(handleError(silentLogger));
  return app;
}

describe('tokensMatch', () => {
  it('is true for the same token only', async () => {
    const token = 'admin-token-0123456789abcdef';
    expect(await tokensMatch(token, token)).toBe(true);
    expect(await tokensMatch('ünïcødé-tøken', 'ünïcødé-tøken')).toBe(true);
    expect(await tokensMatch('admin-token-0123456789abcdeF', token)).toBe(false);
    expect(await tokensMatch('x'.repeat(token.length), token)).toBe(false);
  });

  it('is false for a prefix, a longer token, or an empty one', async () => {
    const token = 'admin-token-0123456789abcdef';
    expect(await tokensMatch(token.slice(0, -1), token)).toBe(false);
    expect(await tokensMatch(`${token}f`, token)).toBe(false);
    expect(await tokensMatch(`${token}\0`, token)).toBe(false);
    expect(await tokensMatch('', token)).toBe(false);
    expect(await tokensMatch(token, '')).toBe(false);
    // Equal, if empty: the gate never gets here without a configured token (admin off).
    expect(await tokensMatch('', '')).toBe(true);
  });
});

describe('sessionIdHash', () => {
  it('is the SHA-256 of the id in lower-case hex (64 characters)', async () => {
    // FIPS 180-2's test vector.
    expect(await sessionIdHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const hash = await sessionIdHash(UNKNOWN_ID);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toBe(await sessionIdHash('B'.repeat(43)));
  });
});

describe('admin sessions', () => {
  let sessions: MemoryAdminSessions;
  let app: Hono;
  beforeEach(() => {
    sessions = memoryAdminSessions();
    app = sessionApp(sessions);
  });

  const lookUp = async (cookie: string | undefined, origin = 'http://localhost') => {
    const res = await app.request(`${origin}/session`, cookie === undefined ? {} : { headers: { cookie } });
    expect(res.status).toBe(200);
    return (await res.json()) as { session: boolean; carries: boolean };
  };

  it('start over http: a random 256-bit id in finishline_session (HttpOnly, SameSite=Strict, 12 h), only its hash stored', async () => {
    const res = await app.request('http://localhost/sign-in', { method: 'POST' });
    expect(res.status).toBe(200);
    const [cookie, ...others] = setCookies(res);
    expect(others).toEqual([]);
    expect(cookie!.name).toBe('finishline_session');
    expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie!.attributes).toEqual([`Max-Age=${TWELVE_HOURS_S}`, 'HttpOnly', 'Path=/', 'SameSite=Strict'].sort());
    expect(sessions.calls).toEqual([['createSession', await sessionIdHash(cookie!.value), SESSION_TTL_MS]]);
    expect(SESSION_TTL_MS).toBe(TWELVE_HOURS_S * 1000);
    expect(await lookUp(`finishline_session=${cookie!.value}`)).toEqual({ session: true, carries: true });

    // Another sign-in is another session.
    const again = setCookies(await app.request('http://localhost/sign-in', { method: 'POST' }))[0]!;
    expect(again.value).not.toBe(cookie!.value);
    expect(sessions.active.size).toBe(2);
  });

  it('start over https: __Host-finishline_session, Secure, for every path and no Domain', async () => {
    const res = await app.request('https://admin.example/sign-in', { method: 'POST' });
    const [cookie, ...others] = setCookies(res);
    expect(others).toEqual([]);
    expect(cookie!.name).toBe(HOST_COOKIE);
    expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie!.attributes).toEqual(
      [`Max-Age=${TWELVE_HOURS_S}`, 'HttpOnly', 'Path=/', 'SameSite=Strict', 'Secure'].sort(),
    );
    expect(sessions.active).toEqual(new Set([await sessionIdHash(cookie!.value)]));
    expect(await lookUp(`${HOST_COOKIE}=${cookie!.value}`, 'https://admin.example')).toEqual({
      session: true,
      carries: true,
    });
  });

  it('each scheme takes only its own cookie name', async () => {
    const id = setCookies(await app.request('https://admin.example/sign-in', { method: 'POST' }))[0]!.value;
    expect(await lookUp(`${SESSION_COOKIE}=${id}`, 'https://admin.example')).toEqual({
      session: false,
      carries: false,
    });
    expect(await lookUp(`${HOST_COOKIE}=${id}`, 'http://localhost')).toEqual({ session: false, carries: false });
    // Only the lookups under the scheme's own name reached the store: none here.
    expect(sessions.calls.map(([method]) => method)).toEqual(['createSession']);
  });

  it('refuses a malformed id without asking the store, though the cookie is there', async () => {
    for (const id of [
      '',
      'wrong',
      'A'.repeat(42),
      'A'.repeat(44),
      `${'A'.repeat(42)}=`,
      `${'A'.repeat(42)}+`,
      `${'A'.repeat(42)}/`,
      `${'A'.repeat(42)}.`,
      `${'A'.repeat(21)} ${'A'.repeat(21)}`,
    ]) {
      expect(await lookUp(`${SESSION_COOKIE}=${id}`), JSON.stringify(id)).toEqual({ session: false, carries: true });
    }
    expect(sessions.calls).toEqual([]);
  });

  it('refuses a well-formed id that no session has, after looking up its hash', async () => {
    expect(await lookUp(`${SESSION_COOKIE}=${UNKNOWN_ID}`)).toEqual({ session: false, carries: true });
    expect(sessions.calls).toEqual([['sessionActive', await sessionIdHash(UNKNOWN_ID)]]);
  });

  it('is no session without the cookie, or with only other cookies', async () => {
    expect(await lookUp(undefined)).toEqual({ session: false, carries: false });
    expect(await lookUp(`finishline_admin=${UNKNOWN_ID}; other=1`)).toEqual({ session: false, carries: false });
    expect(sessions.calls).toEqual([]);
  });

  it('end: the session is deleted and the cookie cleared, so a copy of the cookie no longer works', async () => {
    const id = setCookies(await app.request('http://localhost/sign-in', { method: 'POST' }))[0]!.value;
    const cookie = `${SESSION_COOKIE}=${id}`;
    const res = await app.request('http://localhost/sign-out', { method: 'POST', headers: { cookie } });
    expect(res.status).toBe(200);
    expect(setCookies(res)).toEqual([
      { name: SESSION_COOKIE, value: '', attributes: ['HttpOnly', 'Max-Age=0', 'Path=/', 'SameSite=Strict'] },
    ]);
    expect(sessions.calls.at(-1)).toEqual(['deleteSession', await sessionIdHash(id)]);
    expect(sessions.active.size).toBe(0);
    expect(await lookUp(cookie)).toEqual({ session: false, carries: true });
  });

  it('end over https clears the __Host- cookie, Secure', async () => {
    const id = setCookies(await app.request('https://admin.example/sign-in', { method: 'POST' }))[0]!.value;
    const res = await app.request('https://admin.example/sign-out', {
      method: 'POST',
      headers: { cookie: `${HOST_COOKIE}=${id}` },
    });
    expect(setCookies(res)).toEqual([
      { name: HOST_COOKIE, value: '', attributes: ['HttpOnly', 'Max-Age=0', 'Path=/', 'SameSite=Strict', 'Secure'] },
    ]);
    expect(sessions.active.size).toBe(0);
  });

  it('end without a session (none, malformed, or the other scheme’s) deletes nothing and still clears the cookie', async () => {
    const id = setCookies(await app.request('http://localhost/sign-in', { method: 'POST' }))[0]!.value;
    for (const [origin, cookie] of [
      ['http://localhost', undefined],
      ['http://localhost', `${SESSION_COOKIE}=wrong`],
      ['https://admin.example', `${SESSION_COOKIE}=${id}`],
    ] as const) {
      const res = await app.request(`${origin}/sign-out`, {
        method: 'POST',
        ...(cookie ? { headers: { cookie } } : {}),
      });
      expect(res.status).toBe(200);
      expect(setCookies(res).map((c) => [c.name, c.value])).toEqual([
        [origin.startsWith('https') ? HOST_COOKIE : SESSION_COOKIE, ''],
      ]);
    }
    expect(sessions.calls.map(([method]) => method)).toEqual(['createSession']);
    expect(sessions.active.size).toBe(1);
  });

  it('clearSessionCookie only tells the browser to forget: the session stays', async () => {
    const id = setCookies(await app.request('http://localhost/sign-in', { method: 'POST' }))[0]!.value;
    const res = await app.request('http://localhost/forget', {
      method: 'POST',
      headers: { cookie: `${SESSION_COOKIE}=${id}` },
    });
    expect(setCookies(res)).toEqual([
      { name: SESSION_COOKIE, value: '', attributes: ['HttpOnly', 'Max-Age=0', 'Path=/', 'SameSite=Strict'] },
    ]);
    expect(sessions.active).toEqual(new Set([await sessionIdHash(id)]));
  });
});

describe('wrong credentials', () => {
  /** A limiter that answers what the test says and records what it was asked. */
  function scriptedLimiter(verdicts: { fail: LimitVerdict; blocked: LimitVerdict }) {
    const asked: [string, string][] = [];
    const limiter: FailureLimiter = {
      fail: async (client) => {
        asked.push(['fail', client]);
        return verdicts.fail;
      },
      blocked: (client) => {
        asked.push(['blocked', client]);
        return verdicts.blocked;
      },
    };
    return { limiter, asked };
  }

  const ALLOWED = { allowed: true, retryAfterSeconds: 0 };
  const REFUSED = { allowed: false, retryAfterSeconds: 42 };

  function limiterApp(verdicts: { fail: LimitVerdict; blocked: LimitVerdict }) {
    const logger = capturingLogger();
    const { limiter, asked } = scriptedLimiter(verdicts);
    const deps = { adminAuthLimiter: limiter, clientKey: () => '203.0.113.7', logger };
    const seen: LimitVerdict[] = [];
    const app = new Hono();
    app.get('/count', async (c) => {
      seen.push(await countFailure(c, deps, 'sign-in'));
      return c.text('counted');
    });
    app.get('/blocked', (c) => {
      seen.push(blockedClient(c, deps, 'bearer'));
      return c.text('checked');
    });
    return { app, logger, asked, seen };
  }

  it('countFailure counts against the client and logs who and how, never what was sent', async () => {
    const { app, logger, asked, seen } = limiterApp({ fail: REFUSED, blocked: ALLOWED });
    await app.request('/count?token=secret-guess');
    expect(asked).toEqual([['fail', '203.0.113.7']]);
    expect(seen).toEqual([REFUSED]);
    expect(logger.entries).toEqual([
      { level: 'warn', event: 'admin.auth.refused', fields: { client: '203.0.113.7', via: 'sign-in' } },
    ]);
  });

  it('blockedClient counts nothing, and logs only a client that is over its limit', async () => {
    const open = limiterApp({ fail: ALLOWED, blocked: ALLOWED });
    await open.app.request('/blocked');
    expect(open.asked).toEqual([['blocked', '203.0.113.7']]);
    expect(open.seen).toEqual([ALLOWED]);
    expect(open.logger.entries).toEqual([]);

    const shut = limiterApp({ fail: ALLOWED, blocked: REFUSED });
    await shut.app.request('/blocked');
    expect(shut.asked).toEqual([['blocked', '203.0.113.7']]);
    expect(shut.seen).toEqual([REFUSED]);
    expect(shut.logger.entries).toEqual([
      { level: 'warn', event: 'admin.auth.limited', fields: { client: '203.0.113.7', via: 'bearer' } },
    ]);
  });

  it('are answered in the envelope: 401 with WWW-Authenticate (also when admin is off), 429 with Retry-After', async () => {
    const app = new Hono();
    app.get('/unauthorized', () => {
      throw unauthorized();
    });
    app.get('/off', () => {
      throw adminOff();
    });
    app.get('/limited', () => {
      throw tooManyFailures(REFUSED);
    });
    app.onError(handleError(silentLogger));

    const refused = await app.request('/unauthorized');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
    expect(await refused.json()).toEqual({
      error: { code: 'unauthorized', message: 'missing or wrong admin credentials' },
    });

    const off = await app.request('/off');
    expect(off.status).toBe(401);
    expect(off.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
    expect(await off.json()).toEqual({
      error: { code: 'unauthorized', message: 'admin is off: the server has no ADMIN_TOKEN' },
    });

    const limited = await app.request('/limited');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('42');
    expect(limited.headers.get('www-authenticate')).toBeNull();
    expect(await limited.json()).toEqual({
      error: { code: 'rate_limited', message: 'too many wrong admin credentials from this client, try again later' },
    });
  });
});
