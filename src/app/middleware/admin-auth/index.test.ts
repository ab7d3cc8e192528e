// The JSON admin API's gate, over app.request(): a tiny app with the gate on /api/admin/*, the app's
// error handler, an in-memory admin store for sessions (test/support/admin-sessions.ts) and the real
// failure limiter on a clock the test moves (3 wrong credentials per client per minute).
import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { type MemoryAdminSessions, memoryAdminSessions } from '../../../../test/support/admin-sessions.js';
import { capturingLogger } from '../../../../test/support/logger.js';
import { givenServices } from '../../../../test/support/services.js';
import { createMemoryClientLimiter, failureLimiter } from '../../../ports/client-limiter.js';
import { silentLogger } from '../../../ports/logger.js';
import { type AdminAuthDeps, SESSION_COOKIE, sessionIdHash } from '../../admin-session/index.js';
import { handleError } from '../../errors.js';
import { adminAuth } from './index.js';

const TOKEN = 'admin-token-for-tests-0123456789';
const SESSION_ID = 'S'.repeat(43);
const FAILURES_PER_MINUTE = 3;
/** Called in-process there is no socket: the client comes from a test header. */
const CLIENT_HEADER = 'x-test-client';

const UNAUTHORIZED = { error: { code: 'unauthorized', message: 'missing or wrong admin credentials' } };
const ADMIN_OFF = { error: { code: 'unauthorized', message: 'admin is off: the server has no ADMIN_TOKEN' } };
const LIMITED = {
  error: { code: 'rate_limited', message: 'too many wrong admin credentials from this client, try again later' },
};

let now: number;
let handlerExecuted: boolean;
let sessions: MemoryAdminSessions;
let logger: ReturnType<typeof capturingLogger>;

/** `adminToken`: ADMIN_TOKEN, or null for none (admin off). */
function gatedApp(adminToken: string | null = TOKEN) {
  const clock = () => now;
  const deps: AdminAuthDeps = {
    adminToken: adminToken ?? undefined,
    adminAuthLimiter: failureLimiter(createMemoryClientLimiter(FAILURES_PER_MINUTE, 60_000, clock), clock),
    clientKey: (c) => c.req.header(CLIENT_HEADER) ?? '192.0.2.1',
    isHttps: (c) => new URL(c.req.url).protocol === 'https:',
    logger,
  };
  const app = new Hono();
  app.use(givenServices({ admin: sessions }));
  app.use('/api/admin/*', adminAuth(deps));
  app.get('/api/admin/tasks', (c) => {
    handlerExecuted = true;
    return c.json({ tasks: [] });
  });
  app.post('/api/admin/tasks/:id/retry', (c) => {
    handlerExecuted = true;
    return c.json({ replayed: c.req.param('id') });
  });
  app.onError(handleError(silentLogger));
  return app;
}

interface Send {
  method?: string;
  authorization?: string;
  cookie?: string;
  client?: string;
  origin?: string;
}

function send(app: Hono, path: string, init: Send = {}) {
  const headers: Record<string, string> = {};
  if (init.authorization !== undefined) headers.authorization = init.authorization;
  if (init.cookie !== undefined) headers.cookie = init.cookie;
  if (init.client !== undefined) headers[CLIENT_HEADER] = init.client;
  return app.request(`${init.origin ?? 'http://localhost'}${path}`, { method: init.method ?? 'GET', headers });
}

async function expectRefused(res: Response, body: unknown = UNAUTHORIZED) {
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
  expect(await res.json()).toEqual(body);
  expect(handlerExecuted).toBe(false);
}

const events = (event: string) => logger.entries.filter((e) => e.event === event);

beforeEach(async () => {
  now = 1_700_000_000_000;
  handlerExecuted = false;
  sessions = memoryAdminSessions();
  sessions.active.add(await sessionIdHash(SESSION_ID));
  logger = capturingLogger();
});

describe('admin off (no ADMIN_TOKEN)', () => {
  it('refuses every request 401, saying so, whatever it carries, and counts nothing', async () => {
    const app = gatedApp(null);
    for (const authorization of [undefined, '', 'Bearer ', `Bearer ${TOKEN}`, 'Bearer undefined']) {
      await expectRefused(await send(app, '/api/admin/tasks', { authorization }), ADMIN_OFF);
    }
    await expectRefused(await send(app, '/api/admin/tasks', { cookie: `${SESSION_COOKIE}=${SESSION_ID}` }), ADMIN_OFF);
    await expectRefused(await send(app, '/api/admin/tasks/1/retry', { method: 'POST' }), ADMIN_OFF);
    expect(logger.entries).toEqual([]);
    expect(sessions.calls).toEqual([]);
  });
});

describe('the Bearer token', () => {
  it('lets the right token through, for reads and writes, with the scheme in any case', async () => {
    const app = gatedApp();
    for (const authorization of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER ${TOKEN}`, `Bearer   ${TOKEN}  `]) {
      handlerExecuted = false;
      const res = await send(app, '/api/admin/tasks', { authorization });
      expect(res.status, authorization).toBe(200);
      expect(await res.json()).toEqual({ tasks: [] });
      expect(handlerExecuted).toBe(true);
    }
    const write = await send(app, '/api/admin/tasks/7/retry', { method: 'POST', authorization: `Bearer ${TOKEN}` });
    expect(write.status).toBe(200);
    expect(await write.json()).toEqual({ replayed: '7' });
    expect(logger.entries).toEqual([]);
    // A Bearer request never looks for a session.
    expect(sessions.calls).toEqual([]);
  });

  it.each([
    ['a wrong token', 'Bearer wrong-token-0123456789abcd'],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token and more', `Bearer ${TOKEN}x`],
    ['the Basic scheme', `Basic ${btoa(`admin:${TOKEN}`)}`],
    ['the token without a scheme', TOKEN],
    ['the scheme alone', 'Bearer'],
    ['an empty bearer', 'Bearer '],
    ['two tokens', `Bearer ${TOKEN} ${TOKEN}`],
    ['a tab for the space', `Bearer\t${TOKEN}`],
    ['a dashboard session id', `Bearer ${SESSION_ID}`],
  ])('refuses %s 401 with WWW-Authenticate, and counts it', async (_name, authorization) => {
    const app = gatedApp();
    await expectRefused(await send(app, '/api/admin/tasks', { authorization, client: '198.51.100.9' }));
    // Logged with the client and how it came, never with what was sent.
    expect(logger.entries).toEqual([
      { level: 'warn', event: 'admin.auth.refused', fields: { client: '198.51.100.9', via: 'bearer' } },
    ]);
    expect(sessions.calls).toEqual([]);
  });

  it('refuses a write with a wrong token before its handler runs', async () => {
    const app = gatedApp();
    await expectRefused(await send(app, '/api/admin/tasks/7/retry', { method: 'POST', authorization: 'Bearer nope' }));
  });

  it('answers an unknown admin path 401 before 404, so it reveals nothing', async () => {
    const res = await send(gatedApp(), '/api/admin/secrets');
    await expectRefused(res);
  });
});

describe('wrong tokens are limited per client', () => {
  const WRONG = 'Bearer wrong-token-0123456789abcdef';

  it('answers the wrong token past the limit 429 with Retry-After, then even the right one until the window ends', async () => {
    const app = gatedApp();
    const from = (client: string, authorization: string) => send(app, '/api/admin/tasks', { client, authorization });

    for (let i = 0; i < FAILURES_PER_MINUTE; i++) await expectRefused(await from('10.0.0.1', WRONG));
    const limited = await from('10.0.0.1', WRONG);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(await limited.json()).toEqual(LIMITED);

    // While limited the right token does not help: otherwise the limit would not stop guessing.
    const right = await from('10.0.0.1', `Bearer ${TOKEN}`);
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toBe('60');
    expect(await right.json()).toEqual(LIMITED);
    expect(handlerExecuted).toBe(false);

    now += 30_500;
    expect((await from('10.0.0.1', `Bearer ${TOKEN}`)).headers.get('retry-after')).toBe('30');
    // Another client is not affected, and neither is a signed-in browser of the limited one.
    expect((await from('10.0.0.2', `Bearer ${TOKEN}`)).status).toBe(200);
    const browser = await send(app, '/api/admin/tasks', {
      client: '10.0.0.1',
      cookie: `${SESSION_COOKIE}=${SESSION_ID}`,
    });
    expect(browser.status).toBe(200);

    // The window over, the right token works again.
    now += 29_500;
    handlerExecuted = false;
    expect((await from('10.0.0.1', `Bearer ${TOKEN}`)).status).toBe(200);
    expect(handlerExecuted).toBe(true);

    // Four refusals counted (the fourth over the limit); the blocked requests logged, not counted.
    expect(events('admin.auth.refused')).toHaveLength(FAILURES_PER_MINUTE + 1);
    expect(events('admin.auth.limited')).toEqual([
      { level: 'warn', event: 'admin.auth.limited', fields: { client: '10.0.0.1', via: 'bearer' } },
      { level: 'warn', event: 'admin.auth.limited', fields: { client: '10.0.0.1', via: 'bearer' } },
    ]);
  });

  it('does not count requests without credentials, nor right tokens', async () => {
    const app = gatedApp();
    for (let i = 0; i < 2 * FAILURES_PER_MINUTE; i++) {
      await expectRefused(await send(app, '/api/admin/tasks'));
      expect((await send(app, '/api/admin/tasks', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
      handlerExecuted = false;
    }
    expect(logger.entries).toEqual([]);
    // The limit is still whole: as many wrong tokens as it allows are 401, not 429.
    for (let i = 0; i < FAILURES_PER_MINUTE; i++) {
      await expectRefused(await send(app, '/api/admin/tasks', { authorization: WRONG }));
    }
    expect((await send(app, '/api/admin/tasks', { authorization: WRONG })).status).toBe(429);
  });
});

describe('the dashboard session cookie', () => {
  const cookie = `${SESSION_COOKIE}=${SESSION_ID}`;

  it('reads with a session (GET and HEAD) when there is no Authorization header', async () => {
    const app = gatedApp();
    const get = await send(app, '/api/admin/tasks', { cookie });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ tasks: [] });
    const head = await send(app, '/api/admin/tasks', { method: 'HEAD', cookie });
    expect(head.status).toBe(200);
    const hash = await sessionIdHash(SESSION_ID);
    expect(sessions.calls).toEqual([
      ['sessionActive', hash],
      ['sessionActive', hash],
    ]);
    expect(logger.entries).toEqual([]);
  });

  it('never writes with the cookie alone: a POST is 401 without even looking the session up', async () => {
    const app = gatedApp();
    await expectRefused(await send(app, '/api/admin/tasks/7/retry', { method: 'POST', cookie }));
    expect(sessions.calls).toEqual([]);
    // Not a wrong credential: nothing counted.
    expect(logger.entries).toEqual([]);
  });

  it('takes the cookie name its scheme allows: __Host- over https only, the plain name over http only', async () => {
    const app = gatedApp();
    const https = 'https://admin.example';
    expect((await send(app, '/api/admin/tasks', { origin: https, cookie: `__Host-${cookie}` })).status).toBe(200);
    handlerExecuted = false;
    await expectRefused(await send(app, '/api/admin/tasks', { origin: https, cookie }));
    await expectRefused(await send(app, '/api/admin/tasks', { cookie: `__Host-${cookie}` }));
  });

  it('refuses an unknown, ended or malformed session, uncounted', async () => {
    const app = gatedApp();
    await expectRefused(await send(app, '/api/admin/tasks', { cookie: `${SESSION_COOKIE}=${'U'.repeat(43)}` }));
    sessions.active.clear(); // the session ended (signed out elsewhere, or expired)
    await expectRefused(await send(app, '/api/admin/tasks', { cookie }));
    await expectRefused(await send(app, '/api/admin/tasks', { cookie: `${SESSION_COOKIE}=wrong` }));
    expect(sessions.calls.map(([method]) => method)).toEqual(['sessionActive', 'sessionActive']);
    expect(logger.entries).toEqual([]);
  });

  it('never takes the token as a cookie', async () => {
    const app = gatedApp();
    // A token shaped like a session id (43 base64url characters) is looked up, and is no session.
    const idLike = 'T'.repeat(43);
    await expectRefused(await send(gatedApp(idLike), '/api/admin/tasks', { cookie: `${SESSION_COOKIE}=${idLike}` }));
    expect(sessions.calls).toEqual([['sessionActive', await sessionIdHash(idLike)]]);
    for (const sent of [`${SESSION_COOKIE}=${TOKEN}`, `finishline_admin=${TOKEN}`, `other=${TOKEN}`]) {
      await expectRefused(await send(app, '/api/admin/tasks', { cookie: sent }));
    }
  });

  it('lets a wrong Bearer header win over a good cookie (refused and counted), and a right one pass with it', async () => {
    const app = gatedApp();
    await expectRefused(await send(app, '/api/admin/tasks', { cookie, authorization: 'Bearer wrong' }));
    expect(events('admin.auth.refused')).toHaveLength(1);
    // An empty Authorization header is a header: the cookie is not consulted.
    await expectRefused(await send(app, '/api/admin/tasks', { cookie, authorization: '' }));
    expect(sessions.calls).toEqual([]);
    expect((await send(app, '/api/admin/tasks', { cookie, authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });
});
