// The dashboard's sign-in session and the limit on wrong admin credentials, over real HTTP on both
// targets (the Node service and the Worker in workerd), each with its own PostgreSQL database. The
// client and the scheme come the way each runtime learns them: on Node from X-Forwarded-For and
// X-Forwarded-Proto behind one trusted proxy (TRUST_PROXY=1); on workerd from CF-Connecting-IP and
// the request's URL (Miniflare's MF-Original-URL stands in for an https request to the edge).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runner } from '../support/fixtures.js';
import { useStack } from '../support/stack.js';
import { type StartTarget, startNodeTarget, startWorkerdTarget, type Target } from '../support/targets.js';

const TOKEN = 'session-admin-token-0123456789';
const HTTPS_ORIGIN = 'https://finishline.example';
const TWELVE_HOURS_S = 12 * 60 * 60;

interface Via {
  /** Headers that make the request come from `client`, over https when asked. */
  headers(target: Target, path: string, client: string, https: boolean): Record<string, string>;
  /** The origin a browser would send with a form post. */
  origin(target: Target, https: boolean): string;
}

const TARGETS: [string, StartTarget, Record<string, string>, Via][] = [
  [
    'node',
    startNodeTarget,
    { TRUST_PROXY: '1' },
    {
      headers: (_target, _path, client, https) => ({
        'x-forwarded-for': client,
        ...(https ? { 'x-forwarded-proto': 'https' } : {}),
      }),
      // Node sees its own http URL behind the proxy: the same-origin form post names it.
      origin: (target) => target.url,
    },
  ],
  [
    'workerd',
    startWorkerdTarget,
    {},
    {
      headers: (_target, path, client, https) => ({
        'cf-connecting-ip': client,
        ...(https ? { 'mf-original-url': `${HTTPS_ORIGIN}${path}` } : {}),
      }),
      origin: (target, https) => (https ? HTTPS_ORIGIN : target.url),
    },
  ],
];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface SetCookie {
  name: string;
  value: string;
  attributes: string[];
}

function setCookies(res: Response): SetCookie[] {
  return res.headers.getSetCookie().map((header) => {
    const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
    const at = pair.indexOf('=');
    return { name: pair.slice(0, at), value: pair.slice(at + 1), attributes };
  });
}

describe.each(TARGETS)('admin session on %s', (_name, startTarget, env, via) => {
  const lines: string[] = [];
  const stack = useStack(
    `fl_admin_session_${_name}`,
    startTarget,
    { ADMIN_TOKEN: TOKEN, ...env },
    { log: (l) => lines.push(l) },
  );

  function send(
    path: string,
    init: { client: string; https?: boolean; method?: string; cookie?: string; bearer?: string; form?: string },
  ) {
    const https = init.https ?? false;
    const headers: Record<string, string> = via.headers(stack.target, path, init.client, https);
    if (init.cookie) headers.cookie = init.cookie;
    if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
    if (init.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin = via.origin(stack.target, https);
    }
    return fetch(`${stack.target.url}${path}`, {
      method: init.method ?? (init.form !== undefined ? 'POST' : 'GET'),
      headers,
      body: init.form,
      redirect: 'manual',
    });
  }

  const signIn = (client: string, token: string, https = false) =>
    send('/admin/login', { client, https, form: new URLSearchParams({ token }).toString() });

  /** True when GET /admin shows the dashboard (signed in), false for the sign-in form. */
  async function dashboard(client: string, cookie: string, https = false): Promise<boolean> {
    const res = await send('/admin', { client, cookie, https });
    expect(res.status).toBe(200);
    const html = await res.text();
    if (html.includes('Admin sign-in')) return false;
    expect(html).toContain('Sign out');
    return true;
  }

  it('signs in over http: a random session id in finishline_session (not the token), only its hash stored', async () => {
    const client = '10.1.0.1';
    const res = await signIn(client, TOKEN);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin');
    const [cookie, ...others] = setCookies(res);
    expect(others).toEqual([]);
    expect(cookie!.name).toBe('finishline_session');
    expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 random bits
    expect(cookie!.value).not.toContain(TOKEN);
    expect(cookie!.attributes).toEqual(
      expect.arrayContaining([`Max-Age=${TWELVE_HOURS_S}`, 'Path=/', 'HttpOnly', 'SameSite=Strict']),
    );
    expect(cookie!.attributes).not.toContain('Secure');

    const rows = await stack.db.query<{ id_hash: string; ttl: number }>(
      `SELECT id_hash, extract(epoch FROM expires_at - created_at)::int AS ttl FROM admin_sessions`,
    );
    expect(rows).toEqual([{ id_hash: sha256(cookie!.value), ttl: TWELVE_HOURS_S }]);
    expect(JSON.stringify(rows)).not.toContain(cookie!.value);

    const session = `finishline_session=${cookie!.value}`;
    expect(await dashboard(client, session)).toBe(true);
    const csv = await send('/api/admin/registrations.csv', { client, cookie: session });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  });

  it('signs out: the row is deleted and the cookie cleared, so a copy of the cookie no longer works', async () => {
    const client = '10.1.0.2';
    const id = setCookies(await signIn(client, TOKEN))[0]!.value;
    const session = `finishline_session=${id}`;
    expect(await dashboard(client, session)).toBe(true);

    const out = await send('/admin/logout', { client, cookie: session, form: '' });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/admin?done=signed-out');
    const [cleared] = setCookies(out);
    expect(cleared).toMatchObject({ name: 'finishline_session', value: '' });
    expect(cleared!.attributes).toContain('Max-Age=0');
    expect(await stack.db.query('SELECT 1 FROM admin_sessions WHERE id_hash = $1', [sha256(id)])).toEqual([]);

    // The copy a thief kept is refused everywhere.
    expect(await dashboard(client, session)).toBe(false);
    expect((await send('/api/admin/registrations.csv', { client, cookie: session })).status).toBe(401);
    const retry = await send(`/admin/tasks/${crypto.randomUUID()}/retry`, { client, cookie: session, form: '' });
    expect(retry.status).toBe(401);
  });

  it('signs in over https: __Host-finishline_session; Secure, and each scheme takes only its own name', async () => {
    const client = '10.1.0.3';
    const res = await signIn(client, TOKEN, true);
    expect(res.status).toBe(303);
    const [cookie] = setCookies(res);
    expect(cookie!.name).toBe('__Host-finishline_session');
    expect(cookie!.attributes).toEqual(
      expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict', 'Secure', `Max-Age=${TWELVE_HOURS_S}`]),
    );
    expect(cookie!.attributes.some((a) => a.toLowerCase().startsWith('domain='))).toBe(false);

    expect(await dashboard(client, `__Host-finishline_session=${cookie!.value}`, true)).toBe(true);
    const csv = await send('/api/admin/registrations.csv', {
      client,
      https: true,
      cookie: `__Host-finishline_session=${cookie!.value}`,
    });
    expect(csv.status).toBe(200);
    // The same id under the other scheme's name is no session.
    expect(await dashboard(client, `finishline_session=${cookie!.value}`, true)).toBe(false);
    expect(await dashboard(client, `__Host-finishline_session=${cookie!.value}`, false)).toBe(false);

    const out = await send('/admin/logout', {
      client,
      https: true,
      cookie: `__Host-finishline_session=${cookie!.value}`,
      form: '',
    });
    expect(out.status).toBe(303);
    const [cleared] = setCookies(out);
    expect(cleared).toMatchObject({ name: '__Host-finishline_session', value: '' });
    expect(cleared!.attributes).toEqual(expect.arrayContaining(['Max-Age=0', 'Secure', 'Path=/']));
  });

  it('refuses an ended session, and sweeps ended sessions at the next sign-in', async () => {
    const client = '10.1.0.4';
    const id = setCookies(await signIn(client, TOKEN))[0]!.value;
    await stack.db.query(`UPDATE admin_sessions SET expires_at = now() - interval '1 second' WHERE id_hash = $1`, [
      sha256(id),
    ]);
    const session = `finishline_session=${id}`;
    const page = await send('/admin', { client, cookie: session });
    expect(await page.text()).toContain('Admin sign-in');
    // The browser is told to forget the dead cookie.
    expect(setCookies(page)[0]).toMatchObject({ name: 'finishline_session', value: '' });
    expect((await send('/api/admin/registrations.csv', { client, cookie: session })).status).toBe(401);

    const fresh = setCookies(await signIn(client, TOKEN))[0]!.value;
    const hashes = (await stack.db.query<{ id_hash: string }>('SELECT id_hash FROM admin_sessions')).map(
      (r) => r.id_hash,
    );
    expect(hashes).toContain(sha256(fresh));
    expect(hashes).not.toContain(sha256(id));
  });

  it('never mixes the two credentials: the session id as a Bearer is 401, the token as a cookie signs nobody in', async () => {
    const client = '10.1.0.5';
    const id = setCookies(await signIn(client, TOKEN))[0]!.value;
    const asBearer = await send('/api/admin/tasks', { client, bearer: id });
    expect(asBearer.status).toBe(401);
    expect(await asBearer.json()).toEqual({
      error: { code: 'unauthorized', message: 'missing or wrong admin credentials' },
    });
    expect(await dashboard(client, `finishline_session=${TOKEN}`)).toBe(false);
    expect(await dashboard(client, `finishline_admin=${TOKEN}`)).toBe(false);
    expect((await send('/api/admin/tasks', { client, cookie: `finishline_session=${TOKEN}` })).status).toBe(401);
    // The JSON API's writes stay Bearer-only, session or not.
    const write = await send(`/api/admin/tasks/${crypto.randomUUID()}/retry`, {
      client,
      method: 'POST',
      cookie: `finishline_session=${id}`,
    });
    expect(write.status).toBe(401);
  });

  it('checks the origin of every dashboard post, whatever its content type (CSRF)', async () => {
    const client = '10.1.0.6';
    const id = setCookies(await signIn(client, TOKEN))[0]!.value;
    const cookie = `finishline_session=${id}`;
    const task = crypto.randomUUID();
    const post = (path: string, headers: Record<string, string>, body?: string) =>
      fetch(`${stack.target.url}${path}`, {
        method: 'POST',
        headers: { ...via.headers(stack.target, path, client, false), cookie, ...headers },
        body,
        redirect: 'manual',
      });
    for (const type of [
      'application/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/plain',
      'application/octet-stream',
    ]) {
      for (const path of [`/admin/tasks/${task}/retry`, '/admin/logout', '/admin/login']) {
        const foreign = await post(path, { 'content-type': type, origin: 'https://evil.example' }, '{}');
        expect(foreign.status, `${path} ${type}`).toBe(403);
        const nowhere = await post(path, { 'content-type': type }, '{}');
        expect(nowhere.status, `${path} ${type}, no Origin`).toBe(403);
      }
    }
    // No body and no content type at all: refused too.
    expect((await post('/admin/logout', { origin: 'null' })).status).toBe(403);
    expect((await post('/admin/logout', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // The session is still there: none of the above reached the sign-out.
    expect(await dashboard(client, cookie)).toBe(true);
    // From our own pages: through (here to "no such task").
    const ours = await post(`/admin/tasks/${task}/retry`, {
      'content-type': 'application/json',
      origin: via.origin(stack.target, false),
    });
    expect(ours.status).toBe(303);
    expect(ours.headers.get('location')).toBe('/admin?done=not-found#dead-letters');
    const fetchMetadata = await post(`/admin/tasks/${task}/retry`, { 'sec-fetch-site': 'same-origin' });
    expect(fetchMetadata.status).toBe(303);
  });

  it('limits wrong sign-ins per client: the 11th is a 429 page with Retry-After, then even the right token', async () => {
    const client = '10.2.0.1';
    const wrong = 'not-the-admin-token-at-all-0000';
    for (let i = 0; i < 10; i++) {
      const res = await signIn(client, wrong);
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('not right');
    }
    const limited = await signIn(client, wrong);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('text/html');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.text()).toContain('Too many wrong tokens');
    expect(setCookies(limited)).toEqual([]);

    const right = await signIn(client, TOKEN);
    expect(right.status).toBe(429);
    expect(setCookies(right)).toEqual([]);
    // The same client's Bearer tokens are limited too (one count per client).
    expect((await send('/api/admin/tasks', { client, bearer: TOKEN })).status).toBe(429);
    // Another client signs in.
    expect((await signIn('10.2.0.2', TOKEN)).status).toBe(303);

    const refused = lines
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.event === 'admin.auth.refused' && entry.client === client);
    expect(refused).toHaveLength(11);
    expect(refused.every((entry) => entry.via === 'sign-in' && entry.level === 'warn')).toBe(true);
    const text = lines.join('\n');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(wrong);
  });

  it('limits wrong Bearer tokens per client; anonymous requests are not counted', async () => {
    const client = '10.3.0.1';
    for (let i = 0; i < 15; i++) expect((await send('/api/admin/tasks', { client })).status).toBe(401);
    for (let i = 0; i < 15; i++) expect((await send('/admin', { client })).status).toBe(200);
    for (let i = 0; i < 10; i++) {
      expect((await send('/api/admin/tasks', { client, bearer: `guess-${i}-0123456789abcdefgh` })).status).toBe(401);
    }
    const limited = await send('/api/admin/tasks', { client, bearer: 'guess-10-0123456789abcdefgh' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toEqual({
      error: { code: 'rate_limited', message: expect.stringContaining('too many wrong admin credentials') },
    });
    expect((await send('/api/admin/tasks', { client, bearer: TOKEN })).status).toBe(429);
    expect((await send('/api/admin/tasks', { client: '10.3.0.2', bearer: TOKEN })).status).toBe(200);

    const refused = lines
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.event === 'admin.auth.refused' && entry.client === client);
    expect(refused).toHaveLength(11);
    expect(refused.every((entry) => entry.via === 'bearer')).toBe(true);
  });
});

describe('admin credential limit on workerd with the ADMIN_AUTH_LIMITER binding', () => {
  const stack = useStack(
    'fl_admin_limit_binding',
    startWorkerdTarget,
    { ADMIN_TOKEN: TOKEN },
    { ratelimits: { ADMIN_AUTH_LIMITER: { simple: { limit: 3, period: 60 } } } },
  );

  it('counts wrong tokens with the binding (its limit, not the in-memory 10)', async () => {
    const get = (client: string, token: string) =>
      fetch(`${stack.target.url}/api/admin/tasks`, {
        headers: { 'cf-connecting-ip': client, authorization: `Bearer ${token}` },
      });
    for (let i = 0; i < 3; i++) expect((await get('10.4.0.1', `wrong-${i}-0123456789abcdefgh`)).status).toBe(401);
    const limited = await get('10.4.0.1', 'wrong-3-0123456789abcdefgh');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect((await get('10.4.0.1', TOKEN)).status).toBe(429);
    expect((await get('10.4.0.2', TOKEN)).status).toBe(200);
  });
});

describe('admin session on node without trusted proxies (TRUST_PROXY=0)', () => {
  const stack = useStack('fl_admin_session_noproxy', startNodeTarget, { ADMIN_TOKEN: TOKEN });

  it('ignores X-Forwarded-Proto: the cookie is not Secure and has no __Host- prefix', async () => {
    const res = await fetch(`${stack.target.url}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: stack.target.url,
        'x-forwarded-proto': 'https',
      },
      body: new URLSearchParams({ token: TOKEN }).toString(),
    });
    expect(res.status).toBe(303);
    const [cookie] = setCookies(res);
    expect(cookie?.name).toBe('finishline_session');
    expect(cookie?.attributes.map((a) => a.toLowerCase())).not.toContain('secure');
  });
});

describe.each([
  ['node', startNodeTarget],
  ['workerd', startWorkerdTarget],
] as const)('PUBLIC_URL on %s: the cross-site check expects its origin', (name, startTarget) => {
  const PUBLIC_URL = 'https://race.example.test';
  const stack = useStack(`fl_admin_public_url_${name}`, startTarget, { ADMIN_TOKEN: TOKEN, PUBLIC_URL });

  const signIn = (headers: Record<string, string>) =>
    fetch(`${stack.target.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ token: TOKEN }).toString(),
      redirect: 'manual',
    });

  it('an Origin must be PUBLIC_URL, not whatever the Host makes the request URL', async () => {
    expect((await signIn({ origin: PUBLIC_URL })).status).toBe(303);
    // The request's own origin (derived from Host) no longer counts, nor a look-alike.
    expect((await signIn({ origin: stack.target.url })).status).toBe(403);
    expect((await signIn({ origin: `${PUBLIC_URL}.evil.example` })).status).toBe(403);
    // An Origin decides even with Sec-Fetch-Site: same-origin beside it.
    expect((await signIn({ origin: stack.target.url, 'sec-fetch-site': 'same-origin' })).status).toBe(403);
    // Without Origin, a browser's Sec-Fetch-Site: same-origin is enough; nothing at all is not.
    expect((await signIn({ 'sec-fetch-site': 'same-origin' })).status).toBe(303);
    expect((await signIn({})).status).toBe(403);
  });

  it('the sign-up form post too', async () => {
    const form = new URLSearchParams(runner({ email: `public-url-${name}@example.com` })).toString();
    const post = (origin: string) =>
      fetch(`${stack.target.url}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        body: form,
        redirect: 'manual',
      });
    expect((await post(stack.target.url)).status).toBe(403);
    expect(await stack.db.query('SELECT 1 FROM registrations')).toEqual([]);
    expect((await post(PUBLIC_URL)).status).toBe(303);
  });
});
