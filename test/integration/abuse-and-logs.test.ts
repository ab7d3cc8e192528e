// Abuse limits (429 rate_limited with Retry-After) on Node and inside workerd (with Cloudflare's Rate
// Limiting binding), and logs without personal data.
import { describe, expect, it } from 'vitest';
import { useCleanup } from '../support/cleanup.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { startNodeTarget, startWorkerdTarget, type Target } from '../support/targets.js';

const { defer, database, resendStandIn } = useCleanup();

async function limitedRegistrations(target: Target, limit: number) {
  for (let i = 0; i < limit; i++) {
    expect((await post(target, '/api/registrations', runner())).status).toBe(201);
  }
  // Over the limit: refused before the body is even read, on every registration route.
  for (const route of ['/api/registrations', '/api/marathon-sequential', '/api/marathon-parallel']) {
    const res = await post(target, route, runner());
    expect(res.status, route).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await res.json()).toEqual({
      error: { code: 'rate_limited', message: expect.stringContaining('too many registrations') },
    });
  }
  // So does "send me my confirmation again" (it answers 429 alike for every address).
  const resend = await post(target, '/api/registrations/resend-confirmation', { email: runner().email });
  expect(resend.status).toBe(429);
  expect(Number(resend.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect((await resend.json()).error.code).toBe('rate_limited');
  const resendPage = await fetch(`${target.url}/resend-confirmation`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: target.url },
    body: new URLSearchParams({ email: runner().email }).toString(),
  });
  expect(resendPage.status).toBe(429);
  expect(resendPage.headers.get('content-type')).toContain('text/html');
  // The sign-up page's form post shares the limit, and says so as a page.
  const page = await fetch(`${target.url}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: target.url },
    body: new URLSearchParams(runner()).toString(),
  });
  expect(page.status).toBe(429);
  expect(Number(page.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(page.headers.get('content-type')).toContain('text/html');
  expect(await page.text()).toContain('Too many attempts');
  // Reading is not limited.
  expect((await fetch(`${target.url}/api/race`)).status).toBe(200);
  expect((await fetch(`${target.url}/`)).status).toBe(200);
}

describe('per-client rate limit', () => {
  it('Node: in-process, keyed by the client address (RATE_LIMIT_PER_MINUTE)', async () => {
    const db = await database('fl_limit_node');
    const target = await startNodeTarget({ databaseUrl: db.url, env: { RATE_LIMIT_PER_MINUTE: '5' } });
    defer(target.stop);
    await limitedRegistrations(target, 5);
  });

  it('workerd: the Rate Limiting binding', async () => {
    const db = await database('fl_limit_workerd');
    const target = await startWorkerdTarget({
      databaseUrl: db.url,
      env: { RATE_LIMIT_PER_MINUTE: '20' },
      ratelimits: { REGISTRATION_LIMITER: { simple: { limit: 4, period: 60 } } },
    });
    defer(target.stop);
    // The binding's limit (4), not the variable's (20), applies.
    await limitedRegistrations(target, 4);
  });
});

describe('logs', () => {
  it('never contain a runner’s name, email, address, the admin token or the connection string', async () => {
    const db = await database('fl_logs');
    const resend = await resendStandIn();
    const lines: string[] = [];
    const adminToken = 'admin-token-that-must-not-leak';
    const target = await startNodeTarget({
      databaseUrl: db.url,
      env: { RESEND_API_KEY: resend.apiKey, RESEND_BASE_URL: resend.url, ADMIN_TOKEN: adminToken },
      log: (line) => lines.push(line),
    });
    defer(target.stop);

    const input = runner({
      firstName: 'Zebulon',
      lastName: 'Quixote-Marlowe',
      email: 'zebulon.quixote@example.org',
      address: '77 Uncommon Lane\nNowhereville',
    });
    // Through every path that logs: success, background email (with a failure and a retry), a
    // duplicate, a re-sent confirmation, a validation error, the seed strategies, an admin call, a 500.
    resend.failNext(1, 'error500');
    const { id } = await (await post(target, '/api/registrations', input)).json();
    await eventually(async () => expect(resend.acceptedFor(input.email)).toBe(1), 15_000);
    await post(target, '/api/registrations', input);
    await post(target, '/api/registrations/resend-confirmation', { email: input.email });
    await post(target, '/api/registrations', { ...input, email: 'not an email' });
    await post(target, '/api/marathon-sequential', { ...input, email: 'zebulon.q2@example.org' });
    await post(target, '/api/marathon-parallel', input);
    await fetch(`${target.url}/api/admin/registrations?q=Zebulon`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    await fetch(`${target.url}/api/registrations/${id}`);
    await db.query('ALTER TABLE registrations RENAME TO registrations_away');
    await post(target, '/api/registrations', { ...input, email: 'zebulon.q3@example.org' });
    await db.query('ALTER TABLE registrations_away RENAME TO registrations');
    // The work that logs after its answer: the outbox task's success, the re-send, and the parallel
    // strategy's refused insert and its email (it emails anyway).
    await eventually(() => {
      expect(lines.join('\n')).toContain('"event":"task.succeeded"');
      expect(lines.join('\n')).toContain('"event":"strategy.refused_after_response"');
      expect(lines.join('\n')).toContain('"event":"confirmation.resend"');
      expect(resend.acceptedFor(input.email)).toBe(3);
    });

    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(8);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(text).toContain('"event":"request"');
    expect(text).toContain('"event":"task.retry"');
    for (const secret of [
      'Zebulon',
      'Quixote',
      'zebulon',
      'Uncommon',
      'Nowhereville',
      adminToken,
      db.url,
      new URL(db.url).password,
      resend.apiKey,
    ]) {
      expect(text, secret).not.toContain(secret);
    }
  });
});
