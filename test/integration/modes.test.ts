// Modes: DEV_MODE and STRATEGY_ROUTES. Production (a provider key, or DEV_MODE=0) serves no dev pages
// and no strategy routes; Node turns dev mode on by itself only on a loopback HOST without a key; a
// Worker never does, and without a key it stores registrations and holds their emails (no_provider).
// Without ADMIN_TOKEN, production has admin off; dev mode serves only loopback Host names and
// ALLOWED_HOSTS (421 otherwise), as production does once ALLOWED_HOSTS is set.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../src/ports/logger.js';
import { startNodeService } from '../../src/runtime/node/service.js';
import type { ResendStandIn } from '../../tools/resend-stand-in.js';
import { useCleanup } from '../support/cleanup.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { type StartTarget, startNodeTarget, startWorkerdTarget, type Target } from '../support/targets.js';

const { defer, database, resendStandIn: provider } = useCleanup();

async function start(startTarget: StartTarget, databaseUrl: string, env: Record<string, string>): Promise<Target> {
  // The test targets turn the strategy routes on; these tests decide for themselves ('' = unset).
  const target = await startTarget({ databaseUrl, env: { STRATEGY_ROUTES: '', ...env } });
  defer(() => target.stop());
  return target;
}

const STRATEGY_ROUTES = [
  '/api/marathon-sequential',
  '/api/marathon-fire-and-forget',
  '/api/marathon-waituntil',
  '/api/marathon-parallel',
  '/api/marathon-outbox',
  '/api/marathon-service-binding',
  '/api/marathon-queue',
  '/api/marathon-workflow',
];
const DEV_PATHS = ['/dev/mail', '/dev/traces', '/api/dev/mail'];

interface RawAnswer {
  status: number;
  type: string;
  body: string;
}

/** A request with the Host header given (fetch always sends the URL's): `name` plus the target's port. */
function withHost(
  target: Pick<Target, 'url'>,
  name: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  const url = new URL(path, target.url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        hostname: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: init.method ?? 'GET',
        headers: { ...init.headers, host: `${name}:${url.port}` },
        // A connection of its own each time: Node's global agent keeps sockets alive, and one the server
        // closed after answering early (a 421 to a POST whose body it never read) would be reused and
        // hang up the next request.
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
}

const MISDIRECTED = {
  error: {
    code: 'misdirected_request',
    message:
      'this server does not answer for that host name: use localhost or 127.0.0.1, or add the name to ALLOWED_HOSTS',
  },
};

async function expectAdminOff(target: Target) {
  // Even the right-looking Bearer token: there is none to match, and the answer says why.
  const api = await fetch(`${target.url}/api/admin/tasks`, {
    headers: { authorization: 'Bearer 0f3c9a1e7b2d4c6f8a0b1c2d3e4f5a6b' },
  });
  expect(api.status).toBe(401);
  expect(api.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
  expect(await api.json()).toEqual({
    error: { code: 'unauthorized', message: 'admin is off: the server has no ADMIN_TOKEN' },
  });
  expect((await fetch(`${target.url}/metrics`)).status).toBe(401);
  const page = await fetch(`${target.url}/admin`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Admin is off');
  expect(html).not.toContain('action="/admin/login"');
  const signIn = await fetch(`${target.url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: target.url },
    body: 'token=0f3c9a1e7b2d4c6f8a0b1c2d3e4f5a6b',
  });
  expect(signIn.status).toBe(401);
  expect(await signIn.text()).toContain('Admin is off');
}

async function expectProduction(target: Target, resend: ResendStandIn | undefined) {
  for (const route of STRATEGY_ROUTES) {
    const res = await post(target, route, runner({ email: 'victim@example.com' }));
    expect(res.status, route).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'route not found' } });
  }
  // The workflow strategy's status read is off too.
  const status = await fetch(`${target.url}/api/marathon-workflow/${crypto.randomUUID()}`);
  expect(status.status).toBe(404);
  expect(await status.json()).toEqual({ error: { code: 'not_found', message: 'route not found' } });
  for (const path of DEV_PATHS) expect((await fetch(`${target.url}${path}`)).status, path).toBe(404);
  // The page links nowhere near them either.
  const home = await (await fetch(`${target.url}/`)).text();
  expect(home).not.toContain('/dev/mail');
  expect(home).not.toContain('/dev/traces');
  // The registration route still works, and nobody was emailed by the refused strategy calls.
  expect((await post(target, '/api/registrations', runner())).status).toBe(201);
  if (resend) {
    await resend.waitForAccepted(1);
    expect(resend.acceptedFor('victim@example.com')).toBe(0);
  }
}

describe.each([
  ['node', startNodeTarget],
  ['workerd', startWorkerdTarget],
] as const)('production on %s (a provider key, no DEV_MODE)', (name, startTarget) => {
  it('has no strategy routes and no dev pages', async () => {
    const db = await database(`modes_prod_${name}`);
    const resend = await provider();
    const target = await start(startTarget, db.url, { RESEND_API_KEY: resend.apiKey, RESEND_BASE_URL: resend.url });
    await expectProduction(target, resend);
    // No ADMIN_TOKEN: admin is off (never a token made up and printed).
    await expectAdminOff(target);
    // No ALLOWED_HOSTS: any Host is served (the proxy or the route in front decides).
    expect((await withHost(target, 'race.example.com', '/healthz')).status).toBe(200);
  });

  it('ALLOWED_HOSTS: only those names and loopback ones are served, others are 421', async () => {
    const db = await database(`modes_hosts_${name}`);
    const resend = await provider();
    const target = await start(startTarget, db.url, {
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
      ALLOWED_HOSTS: 'race.example.com',
    });
    expect((await withHost(target, 'race.example.com', '/healthz')).status).toBe(200);
    expect((await withHost(target, '127.0.0.1', '/healthz')).status).toBe(200);
    const other = await withHost(target, 'race.example.com.evil.example', '/api/race');
    expect(other.status).toBe(421);
    expect(JSON.parse(other.body)).toEqual(MISDIRECTED);
  });

  it('STRATEGY_ROUTES=on brings the strategy routes back, under the per-client limit', async () => {
    const db = await database(`modes_on_${name}`);
    const resend = await provider();
    const target = await start(startTarget, db.url, {
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
      STRATEGY_ROUTES: 'on',
      RATE_LIMIT_PER_MINUTE: '2',
    });
    expect((await post(target, '/api/marathon-waituntil', runner())).status).toBe(201);
    expect((await post(target, '/api/marathon-parallel', runner())).status).toBe(202);
    const limited = await post(target, '/api/marathon-parallel', runner({ email: 'victim@example.com' }));
    expect(limited.status).toBe(429);
    expect((await limited.json()).error.code).toBe('rate_limited');
    await resend.waitForAccepted(2);
    expect(resend.acceptedFor('victim@example.com')).toBe(0);
    // Dev pages stay off: only DEV_MODE opens them.
    for (const path of DEV_PATHS) expect((await fetch(`${target.url}${path}`)).status, path).toBe(404);
  });
});

describe.each([
  ['node', startNodeTarget],
  ['workerd', startWorkerdTarget],
] as const)('dev mode on %s: only loopback names and ALLOWED_HOSTS are served (DNS rebinding)', (name, startTarget) => {
  it('another Host is 421 in the envelope before anything runs; loopback names and the list are served', async () => {
    const db = await database(`modes_dev_hosts_${name}`);
    const target = await start(startTarget, db.url, { DEV_MODE: '1', ALLOWED_HOSTS: 'laptop.test' });
    // A page on evil.example resolving to 127.0.0.1 must read neither the mailbox nor anything else.
    for (const path of ['/api/dev/mail', '/api/race', '/healthz']) {
      const res = await withHost(target, 'evil.example', path);
      expect(res.status, path).toBe(421);
      expect(res.type).toContain('application/json');
      expect(JSON.parse(res.body)).toEqual(MISDIRECTED);
    }
    // Pages answer 421 as a page (same status, HTML).
    const page = await withHost(target, 'evil.example', '/dev/mail');
    expect(page.status).toBe(421);
    expect(page.type).toContain('text/html');
    // Nothing is written: the registration never reached its route.
    const posted = await withHost(target, 'evil.example', '/api/registrations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(runner()),
    });
    expect(posted.status).toBe(421);
    expect(await db.query('SELECT 1 FROM registrations')).toEqual([]);
    for (const served of ['localhost', '127.0.0.1', '127.0.0.2', '[::1]', 'LOCALHOST', 'laptop.test']) {
      expect((await withHost(target, served, '/api/dev/mail')).status, served).toBe(200);
    }
  });
});

describe('Node', () => {
  const quiet = createJsonLogger(() => {});

  it('production without ADMIN_TOKEN: admin off, no token made (the service has none to show)', async () => {
    const db = await database('modes_admin_off');
    const resend = await provider();
    const service = await startNodeService(
      { PORT: '0', DATABASE_URL: db.url, RESEND_API_KEY: resend.apiKey, RESEND_BASE_URL: resend.url },
      quiet,
    );
    defer(() => service.stop());
    expect(service.adminToken).toBeUndefined();
    expect(service.config.adminToken).toBeUndefined();
    await expectAdminOff(service);
  });

  it('dev mode without ADMIN_TOKEN makes a random token for the run, and it works', async () => {
    const db = await database('modes_dev_token');
    const service = await startNodeService({ PORT: '0', DATABASE_URL: db.url, DEV_MODE: '1' }, quiet);
    defer(() => service.stop());
    expect(service.adminToken).toMatch(/^[0-9a-f]{64}$/);
    const res = await fetch(`${service.url}/api/admin/tasks`, {
      headers: { authorization: `Bearer ${service.adminToken}` },
    });
    expect(res.status).toBe(200);
  });

  it('DEV_MODE=0 without RESEND_API_KEY refuses to start, saying what to set', async () => {
    const db = await database('modes_refuse');
    await expect(startNodeService({ PORT: '0', DATABASE_URL: db.url, DEV_MODE: '0' }, quiet)).rejects.toThrow(
      /RESEND_API_KEY is not set and dev mode is off: set RESEND_API_KEY .* or DEV_MODE=1/,
    );
    // Not on a loopback HOST: no dev mode by omission either.
    await expect(startNodeService({ PORT: '0', DATABASE_URL: db.url, HOST: '0.0.0.0' }, quiet)).rejects.toThrow(
      /RESEND_API_KEY is not set/,
    );
  });

  it('on a loopback HOST without a key, dev mode turns on by itself: mailbox, traces, strategy routes', async () => {
    const db = await database('modes_dev_node');
    const service = await startNodeService({ PORT: '0', DATABASE_URL: db.url, RATE_LIMIT_PER_MINUTE: '0' }, quiet);
    defer(() => service.stop());
    expect(service.modes).toEqual({
      devMode: true,
      devModeImplicit: true,
      strategyRoutes: true,
      mailer: 'dev-mailbox',
    });
    expect((await post(service, '/api/marathon-waituntil', runner({ email: 'dev@example.com' }))).status).toBe(201);
    await eventually(async () => {
      const { messages } = await (await fetch(`${service.url}/api/dev/mail`)).json();
      expect(messages.map((m: { to: string }) => m.to)).toContain('dev@example.com');
    });
    expect((await fetch(`${service.url}/dev/mail`)).status).toBe(200);
    expect((await fetch(`${service.url}/dev/traces`)).status).toBe(200);
  });

  it('DEV_MODE=1 with STRATEGY_ROUTES=off keeps the dev pages and drops the strategy routes', async () => {
    const db = await database('modes_dev_off');
    const service = await startNodeService(
      { PORT: '0', DATABASE_URL: db.url, DEV_MODE: '1', STRATEGY_ROUTES: 'off' },
      quiet,
    );
    defer(() => service.stop());
    expect((await post(service, '/api/marathon-parallel', runner())).status).toBe(404);
    expect((await fetch(`${service.url}/dev/mail`)).status).toBe(200);
  });
});

describe('a Worker without RESEND_API_KEY', () => {
  it('never enters dev mode by omission: it registers, holds the emails, and /readyz says why', async () => {
    const db = await database('modes_worker_noprov');
    const target = await start(startWorkerdTarget, db.url, {});
    await expectProduction(target, undefined);
    const ready = await fetch(`${target.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      delivery: { state: 'paused', reason: 'no_provider', until: null },
    });
    // The task waits: given back without burning an attempt, neither dead nor sent.
    await eventually(async () => {
      const tasks = await db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM tasks');
      expect(tasks).toEqual([{ status: 'pending', attempts: 0 }]);
    });
    const attempts = await db.query('SELECT outcome FROM task_attempts');
    expect(attempts.every((a) => a.outcome !== 'dead' && a.outcome !== 'succeeded')).toBe(true);
  });

  it('DEV_MODE=1 (as npm run dev:worker sets it) serves the dev mailbox', async () => {
    const db = await database('modes_worker_dev');
    const target = await start(startWorkerdTarget, db.url, { DEV_MODE: '1' });
    expect((await post(target, '/api/registrations', runner({ email: 'w@example.com' }))).status).toBe(201);
    await eventually(async () => {
      const { messages } = await (await fetch(`${target.url}/api/dev/mail`)).json();
      expect(messages.map((m: { to: string }) => m.to)).toContain('w@example.com');
    });
    expect((await post(target, '/api/marathon-waituntil', runner())).status).toBe(201);
  });
});
