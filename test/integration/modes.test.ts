// Modes: DEV_MODE and STRATEGY_ROUTES. Production (a provider key, or DEV_MODE=0) serves no dev pages
// and no strategy routes; Node turns dev mode on by itself only on a loopback HOST without a key; a
// Worker never does, and without a key it stores registrations and holds their emails (no_provider).
import { describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../src/ports/logger.js';
import { startNodeService } from '../../src/runtime/node/service.js';
import type { ResendStandIn } from '../../tools/resend-stand-in.js';
import { useCleanup } from '../support/cleanup.js';
import { eventually, post, runner } from '../support/http.js';
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
];
const DEV_PATHS = ['/dev/mail', '/dev/traces', '/api/dev/mail'];

async function expectProduction(target: Target, resend: ResendStandIn | undefined) {
  for (const route of STRATEGY_ROUTES) {
    const res = await post(target, route, runner({ email: 'victim@example.com' }));
    expect(res.status, route).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'route not found' } });
  }
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

describe('Node', () => {
  const quiet = createJsonLogger(() => {});

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
