// The pages' cross-site check (CSRF), over app.request(): state-changing requests to page paths need
// the expected origin (PUBLIC_URL's when configured, else the request's own or Sec-Fetch-Site:
// same-origin); reads and /api/* writes pass untouched. The test apps render every refusal in the JSON
// envelope (the real app renders page paths' errors as HTML pages, with the same status).
import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../ports/logger.js';
import { handleError } from '../../errors.js';
import { sameOriginWrites } from './index.js';

const FORBIDDEN = {
  error: { code: 'forbidden', message: 'cross-site request refused: post from this site’s own pages' },
};
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
type SentHeaders = { origin?: string; 'sec-fetch-site'?: string };

let handled: string[];

function formApp(publicOrigin: string | undefined) {
  const app = new Hono();
  app.use(sameOriginWrites(publicOrigin));
  app.on(
    ['GET', 'HEAD', 'OPTIONS', ...WRITES],
    ['/register', '/admin/login', '/apix', '/api/registrations', '/api', '/metrics'],
    (c) => {
      handled.push(`${c.req.method} ${c.req.path}`);
      return c.text('done');
    },
  );
  app.onError(handleError(silentLogger));
  return app;
}

function send(app: Hono, url: string, method: string, headers: SentHeaders = {}) {
  return app.request(url, { method, headers });
}

async function expectForbidden(res: Response) {
  expect(res.status).toBe(403);
  expect(await res.json()).toEqual(FORBIDDEN);
}

beforeEach(() => {
  handled = [];
});

describe('sameOriginWrites without PUBLIC_URL', () => {
  const app = formApp(undefined);
  const PAGE = 'http://localhost:8787/register';

  it('lets reads through without any header (GET, HEAD, OPTIONS)', async () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect((await send(app, PAGE, method)).status, method).toBe(200);
    expect(handled).toEqual(['GET /register', 'HEAD /register', 'OPTIONS /register']);
  });

  it('lets a write through with Sec-Fetch-Site: same-origin, or an Origin equal to the request’s', async () => {
    for (const method of WRITES) {
      expect((await send(app, PAGE, method, { 'sec-fetch-site': 'same-origin' })).status, method).toBe(200);
      expect((await send(app, PAGE, method, { origin: 'http://localhost:8787' })).status, method).toBe(200);
    }
    expect(handled).toHaveLength(2 * WRITES.length);
  });

  it('refuses a write 403 with neither header, another origin, Origin: null, or a cross-site fetch', async () => {
    for (const method of WRITES) {
      for (const headers of [
        {},
        { origin: 'http://evil.example' },
        { origin: 'http://localhost:8788' },
        { origin: 'https://localhost:8787' },
        { origin: 'null' },
        { 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-site': 'same-site' },
        { 'sec-fetch-site': 'none' },
        { 'sec-fetch-site': 'cross-site', origin: 'http://evil.example' },
      ]) {
        await expectForbidden(await send(app, PAGE, method, headers));
      }
    }
    expect(handled).toEqual([]);
  });

  it('checks every page path, not only the forms it knows', async () => {
    await expectForbidden(await send(app, 'http://localhost:8787/admin/login', 'POST'));
    // Only /api itself and what is under it are API paths.
    await expectForbidden(await send(app, 'http://localhost:8787/apix', 'POST'));
    expect(handled).toEqual([]);
  });

  it('leaves /api, /api/* and the machine endpoints to their own credentials', async () => {
    for (const path of ['/api/registrations', '/api', '/metrics']) {
      const res = await send(app, `http://localhost:8787${path}`, 'POST', { origin: 'http://evil.example' });
      expect(res.status, path).toBe(200);
    }
    expect(handled).toEqual(['POST /api/registrations', 'POST /api', 'POST /metrics']);
  });
});

describe('sameOriginWrites with PUBLIC_URL', () => {
  const app = formApp('https://race.example.com');
  // Behind a TLS-terminating proxy the app sees its own http:// URL.
  const PAGE = 'http://10.0.0.5:8787/register';

  it('lets a write through with PUBLIC_URL’s origin, or Sec-Fetch-Site: same-origin when Origin is absent', async () => {
    expect((await send(app, PAGE, 'POST', { origin: 'https://race.example.com' })).status).toBe(200);
    expect((await send(app, PAGE, 'POST', { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect(handled).toEqual(['POST /register', 'POST /register']);
  });

  it('refuses any other Origin, even the request URL’s own or one with Sec-Fetch-Site: same-origin', async () => {
    for (const headers of [
      { origin: 'http://10.0.0.5:8787' },
      { origin: 'http://race.example.com' },
      { origin: 'https://race.example.com:8443' },
      { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' },
      { origin: 'null' },
      {},
      { 'sec-fetch-site': 'cross-site' },
    ]) {
      await expectForbidden(await send(app, PAGE, 'POST', headers));
    }
    expect(handled).toEqual([]);
  });

  it('still lets reads and /api/* writes through', async () => {
    expect((await send(app, PAGE, 'GET')).status).toBe(200);
    expect((await send(app, 'http://10.0.0.5:8787/api/registrations', 'POST')).status).toBe(200);
    expect(handled).toEqual(['GET /register', 'POST /api/registrations']);
  });
});
