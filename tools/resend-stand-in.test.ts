import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhook, webhookKeys } from '../src/app/webhooks/verify-signature.js';
import { type ResendStandIn, startResendStandIn, type WebhookEvent } from './resend-stand-in.js';
import { seededRandom } from './seeded-random.js';
import { newWebhookSecret } from './webhook-signer.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const email = (overrides: Record<string, unknown> = {}) => ({
  from: 'Finishline <race@finishline.test>',
  to: 'runner@example.com',
  subject: 'You are in',
  html: '<p>See you at the start</p>',
  ...overrides,
});

let standIn: ResendStandIn;

interface PostOptions {
  key?: string;
  auth?: string | null;
  signal?: AbortSignal;
}

function post(path: string, body: unknown, options: PostOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const auth = options.auth === undefined ? `Bearer ${standIn.apiKey}` : options.auth;
  if (auth !== null) headers.authorization = auth;
  if (options.key !== undefined) headers['idempotency-key'] = options.key;
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(`${standIn.url}${path}`, { method: 'POST', headers, body: payload, signal: options.signal });
}

const get = (path: string, method = 'GET') =>
  fetch(`${standIn.url}${path}`, { method, headers: { authorization: `Bearer ${standIn.apiKey}` } });

async function expectError(response: Promise<Response>, status: number, name: string): Promise<Response> {
  const res = await response;
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/json');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ statusCode: status, name, message: expect.any(String) });
  return res;
}

async function sendOk(body: unknown = email(), options: PostOptions = {}): Promise<string> {
  const res = await post('/emails', body, options);
  expect(res.status).toBe(200);
  const { id } = (await res.json()) as { id: string };
  expect(id).toMatch(UUID);
  return id;
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeEach(async () => {
  standIn = await startResendStandIn();
});

afterEach(async () => {
  await standIn.close();
});

describe('auth', () => {
  it('answers 401 missing_api_key without an Authorization header', async () => {
    await expectError(post('/emails', email(), { auth: null }), 401, 'missing_api_key');
  });

  it('answers 403 invalid_api_key for a wrong key', async () => {
    await expectError(post('/emails', email(), { auth: 'Bearer re_wrong' }), 403, 'invalid_api_key');
    await expectError(post('/emails', email(), { auth: 're_test_key' }), 403, 'invalid_api_key');
    expect(standIn.acceptedCount()).toBe(0);
  });

  it('uses the configured key', async () => {
    await standIn.close();
    standIn = await startResendStandIn({ apiKey: 're_other' });
    expect(standIn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await sendOk();
  });
});

describe('validation', () => {
  it.each([
    ['from', email({ from: undefined }), 'missing_required_field'],
    ['to', email({ to: undefined }), 'missing_required_field'],
    ['empty to', email({ to: [] }), 'missing_required_field'],
    ['subject', email({ subject: undefined }), 'missing_required_field'],
    ['html or text', email({ html: undefined }), 'missing_required_field'],
    ['bad from', email({ from: 'not an address' }), 'validation_error'],
    ['bad to', email({ to: ['runner@example.com', 'nope'] }), 'validation_error'],
    ['51 recipients', email({ to: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`) }), 'validation_error'],
    ['subject type', email({ subject: 42 }), 'validation_error'],
    ['to type', email({ to: 7 }), 'validation_error'],
    ['bad tag', email({ tags: [{ name: 'bad tag!', value: 'x' }] }), 'validation_error'],
    ['tag without value', email({ tags: [{ name: 'kind' }] }), 'validation_error'],
    ['headers type', email({ headers: { 'X-Count': 1 } }), 'validation_error'],
    ['an array', [email()], 'validation_error'],
  ])('rejects a missing or bad %s with 422', async (_label, body, name) => {
    await expectError(post('/emails', body), 422, name);
    expect(standIn.acceptedCount()).toBe(0);
  });

  it('accepts text only, 50 recipients and named addresses', async () => {
    await sendOk(email({ html: undefined, text: 'plain' }));
    await sendOk(email({ to: Array.from({ length: 50 }, (_, i) => `Runner ${i} <r${i}@example.com>`) }));
    expect(standIn.acceptedCount()).toBe(2);
  });

  it('answers 400 validation_error for invalid JSON', async () => {
    await expectError(post('/emails', '{"from":'), 400, 'validation_error');
    expect(standIn.requestCount()).toBe(1);
    expect(standIn.acceptedCount()).toBe(0);
  });
});

describe('send and read back', () => {
  it('accepts an email, stores it and serves it on GET /emails/:id', async () => {
    const id = await sendOk(
      email({ text: 'plain', headers: { 'X-Entity-Ref-ID': 'r1' }, tags: [{ name: 'kind', value: 'confirmation' }] }),
    );
    const [stored] = standIn.accepted();
    expect(stored).toMatchObject({
      id,
      to: ['runner@example.com'],
      from: 'Finishline <race@finishline.test>',
      subject: 'You are in',
      html: '<p>See you at the start</p>',
      text: 'plain',
      headers: { 'X-Entity-Ref-ID': 'r1' },
      tags: [{ name: 'kind', value: 'confirmation' }],
      idempotencyKey: null,
    });

    const res = await get(`/emails/${id}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      object: 'email',
      id,
      to: ['runner@example.com'],
      subject: 'You are in',
      last_event: 'delivered',
    });
    expect(Number.isNaN(Date.parse(String(body.created_at)))).toBe(false);
  });

  it('answers 404 not_found for an unknown email or route and 405 for a wrong method', async () => {
    await expectError(get('/emails/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    await expectError(get('/domains'), 404, 'not_found');
    await expectError(get('/emails/batch'), 405, 'method_not_allowed');
    await expectError(get('/emails/some-id', 'DELETE'), 405, 'method_not_allowed');
  });

  it('puts ratelimit headers on every response', async () => {
    for (const res of [
      await post('/emails', email()),
      await post('/emails', email(), { auth: null }),
      await get('/nope'),
    ]) {
      expect(res.headers.get('ratelimit-limit')).toMatch(/^\d+$/);
      expect(res.headers.get('ratelimit-remaining')).toMatch(/^\d+$/);
      expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('batch', () => {
  it('accepts up to 100 emails and answers their ids', async () => {
    const res = await post('/emails/batch', [email(), email({ to: 'other@example.com' })]);
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { id: string }[] };
    expect(data).toHaveLength(2);
    expect(data.map((d) => d.id)).toEqual(standIn.accepted().map((e) => e.id));
    expect(standIn.acceptedFor('other@example.com')).toBe(1);

    const hundred = await post(
      '/emails/batch',
      Array.from({ length: 100 }, () => email()),
    );
    expect(hundred.status).toBe(200);
    expect(standIn.acceptedCount()).toBe(102);
  });

  it('rejects 101 emails, an empty batch, a non-array and a batch with one bad email, accepting none', async () => {
    await expectError(
      post(
        '/emails/batch',
        Array.from({ length: 101 }, () => email()),
      ),
      422,
      'validation_error',
    );
    await expectError(post('/emails/batch', []), 422, 'validation_error');
    await expectError(post('/emails/batch', email()), 422, 'validation_error');
    await expectError(post('/emails/batch', [email(), email({ subject: undefined })]), 422, 'missing_required_field');
    await expectError(post('/emails/batch', [email({ attachments: [] })]), 422, 'validation_error');
    expect(standIn.acceptedCount()).toBe(0);
    expect(standIn.requestCount()).toBe(5);
  });

  const permissive = (body: unknown, key?: string) =>
    fetch(`${standIn.url}/emails/batch`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${standIn.apiKey}`,
        'content-type': 'application/json',
        'x-batch-validation': 'permissive',
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: JSON.stringify(body),
    });

  it('x-batch-validation: permissive sends the valid emails and lists the refused ones by index', async () => {
    standIn.refuseRecipients(['refused@example.com']);
    const batch = [
      email({ to: 'a@example.com' }),
      email({ subject: undefined }),
      email({ to: 'refused@example.com' }),
      email({ to: 'b@example.com' }),
    ];
    const res = await permissive(batch, 'p-1');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { id: string }[]; errors: { index: number; message: string }[] };
    expect(body.data).toHaveLength(2);
    expect(body.errors).toEqual([
      { index: 1, message: expect.stringContaining('subject') },
      { index: 2, message: expect.stringContaining('to') },
    ]);
    expect(standIn.accepted().map((e) => e.to)).toEqual([['a@example.com'], ['b@example.com']]);
    // The same request again is replayed, errors included, and sends nothing more.
    expect(await (await permissive(batch, 'p-1')).json()).toEqual(body);
    expect(standIn.acceptedForKey('p-1')).toBe(2);
    expect(standIn.requestsForKey('p-1')).toBe(2);
  });

  it('strict (the default) refuses the whole batch for a refused recipient; the mode is part of the payload', async () => {
    standIn.refuseRecipients(['refused@example.com']);
    await expectError(post('/emails/batch', [email(), email({ to: 'refused@example.com' })]), 422, 'validation_error');
    expect(standIn.acceptedCount()).toBe(0);
    expect((await permissive([email()], 'm-1')).status).toBe(200);
    await expectError(post('/emails/batch', [email()], { key: 'm-1' }), 409, 'invalid_idempotent_request');
  });
});

describe('idempotency', () => {
  it('replays the original response for the same key and payload', async () => {
    const first = await sendOk(email(), { key: 'reg-1' });
    // Same payload with keys in another order is the same payload.
    const reordered = {
      html: '<p>See you at the start</p>',
      subject: 'You are in',
      to: 'runner@example.com',
      from: 'Finishline <race@finishline.test>',
    };
    const second = await sendOk(reordered, { key: 'reg-1' });
    expect(second).toBe(first);
    expect(standIn.acceptedCount()).toBe(1);
    expect(standIn.acceptedForKey('reg-1')).toBe(1);
    expect(standIn.requestCount()).toBe(2);
  });

  it('replays a batch response too', async () => {
    const a = await (await post('/emails/batch', [email(), email()], { key: 'b-1' })).json();
    const b = await (await post('/emails/batch', [email(), email()], { key: 'b-1' })).json();
    expect(b).toEqual(a);
    expect(standIn.acceptedForKey('b-1')).toBe(2);
  });

  it('answers 409 invalid_idempotent_request for the same key with another payload', async () => {
    await sendOk(email(), { key: 'reg-2' });
    await expectError(
      post('/emails', email({ subject: 'Other' }), { key: 'reg-2' }),
      409,
      'invalid_idempotent_request',
    );
    await expectError(post('/emails/batch', [email()], { key: 'reg-2' }), 409, 'invalid_idempotent_request');
    expect(standIn.acceptedCount()).toBe(1);
  });

  it('answers 409 concurrent_idempotent_requests while the first request is in flight', async () => {
    // Held at the gate, the first is in flight for certain while the second arrives.
    const gate = standIn.hold();
    const first = sendOk(email(), { key: 'reg-3' });
    await gate.waitForHeld(1);
    await expectError(post('/emails', email(), { key: 'reg-3' }), 409, 'concurrent_idempotent_requests');
    gate.release();
    const id = await first;
    expect(await sendOk(email(), { key: 'reg-3' })).toBe(id);
    expect(standIn.acceptedCount()).toBe(1);
  });

  it('accepts exactly one email for many simultaneous requests with one key', async () => {
    // The first is held at the gate (not by a latency the others must beat) until all others answered.
    const gate = standIn.hold();
    let answered = 0;
    const pending = Array.from({ length: 20 }, () =>
      post('/emails', email(), { key: 'burst' }).then((r) => {
        answered += 1;
        return r.status;
      }),
    );
    await until(() => answered === 19);
    expect(gate.waiting()).toBe(1);
    gate.release();
    const statuses = await Promise.all(pending);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(standIn.acceptedForKey('burst')).toBe(1);
  });

  it('checks the key length (1–256)', async () => {
    await expectError(post('/emails', email(), { key: 'k'.repeat(257) }), 400, 'invalid_idempotency_key');
    await expectError(post('/emails', email(), { key: '' }), 400, 'invalid_idempotency_key');
    await sendOk(email(), { key: 'k'.repeat(256) });
    expect(standIn.acceptedCount()).toBe(1);
  });

  it('forgets a key after 24 hours', async () => {
    let now = Date.parse('2026-05-01T08:00:00Z');
    await standIn.close();
    standIn = await startResendStandIn({ now: () => now });
    const first = await sendOk(email(), { key: 'reg-4' });
    now += 24 * 60 * 60 * 1000 - 1;
    expect(await sendOk(email(), { key: 'reg-4' })).toBe(first);
    now += 1;
    expect(await sendOk(email({ subject: 'New payload' }), { key: 'reg-4' })).not.toBe(first);
    expect(standIn.acceptedForKey('reg-4')).toBe(2);
  });

  it('does not record the key of a failed request, so a retry succeeds', async () => {
    standIn.failNext(1, 'error500');
    standIn.failNext(1, 'rateLimit429');
    await expectError(post('/emails', email(), { key: 'reg-5' }), 500, 'application_error');
    await expectError(post('/emails', email(), { key: 'reg-5' }), 429, 'rate_limit_exceeded');
    await sendOk(email(), { key: 'reg-5' });
    expect(standIn.acceptedForKey('reg-5')).toBe(1);
    expect(standIn.requestCount()).toBe(3);
  });
});

describe('gate', () => {
  it('holds sends until released', async () => {
    const gate = standIn.hold();
    const sends = [sendOk(), sendOk(email({ to: 'b@example.com' })), sendOk(email(), { key: 'held' })];
    await gate.waitForHeld(3);
    expect(gate.waiting()).toBe(3);
    expect(standIn.acceptedCount()).toBe(0);
    // A held request is in flight for its key.
    await expectError(post('/emails', email(), { key: 'held' }), 409, 'concurrent_idempotent_requests');

    gate.release();
    expect(gate.waiting()).toBe(0);
    await Promise.all(sends);
    expect(standIn.acceptedCount()).toBe(3);
    await sendOk(); // the hold has ended
    expect(standIn.acceptedCount()).toBe(4);
  });

  it('waitForHeld rejects with a clear error on timeout', async () => {
    const gate = standIn.hold();
    await expect(gate.waitForHeld(1, 50)).rejects.toThrow(/expected 1 held requests, have 0/);
    gate.release();
  });
});

describe('latency', () => {
  // No stopwatch: a latency of a minute holds a send for certain while the test looks at it (then
  // reset/close wakes it and drops it unanswered); a short one shows that the send is accepted at its end.
  it('holds a send, unaccepted, for the latency; accepts it at the end', async () => {
    standIn.setLatency(60_000);
    const held = post('/emails', email()).then(
      () => 'answered',
      () => 'dropped',
    );
    await until(() => standIn.requestCount() === 1);
    expect(standIn.acceptedCount()).toBe(0);
    standIn.reset();
    expect(await held).toBe('dropped');
    expect(standIn.acceptedCount()).toBe(0);

    standIn.setLatency(20);
    await sendOk();
    expect(standIn.acceptedCount()).toBe(1);
  });

  it('can be set at start', async () => {
    await standIn.close();
    standIn = await startResendStandIn({ latencyMs: 60_000 });
    const held = post('/emails', email()).then(
      () => 'answered',
      () => 'dropped',
    );
    await until(() => standIn.requestCount() === 1);
    expect(standIn.acceptedCount()).toBe(0);
    await standIn.close();
    expect(await held).toBe('dropped');
    expect(standIn.acceptedCount()).toBe(0);
  });
});

describe('faults', () => {
  it('error500: 500 application_error, nothing accepted', async () => {
    standIn.setFaults({ error500: 1 });
    await expectError(post('/emails', email()), 500, 'application_error');
    await expectError(post('/emails/batch', [email()]), 500, 'application_error');
    expect(standIn.acceptedCount()).toBe(0);
    expect(standIn.requestCount()).toBe(2);
  });

  it('rateLimit429: 429 rate_limit_exceeded with retry-after 1, nothing accepted', async () => {
    standIn.setFaults({ rateLimit429: 1 });
    const res = await expectError(post('/emails', email()), 429, 'rate_limit_exceeded');
    expect(res.headers.get('retry-after')).toBe('1');
    expect(standIn.acceptedCount()).toBe(0);
  });

  it('hang: never answers; the client times out and nothing is accepted', async () => {
    standIn.setFaults({ hang: 1 });
    await expect(post('/emails', email(), { key: 'hung', signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect(standIn.acceptedCount()).toBe(0);
    // The key was not kept in flight: a retry can go through.
    standIn.setFaults({});
    await sendOk(email(), { key: 'hung' });
    expect(standIn.acceptedForKey('hung')).toBe(1);
  });

  it('acceptThenDrop: accepted and counted, the client sees a network error, a retry replays the id', async () => {
    standIn.setFaults({ acceptThenDrop: 1 });
    await expect(post('/emails', email(), { key: 'drop' })).rejects.toThrow();
    expect(standIn.acceptedCount()).toBe(1);

    standIn.setFaults({});
    const id = await sendOk(email(), { key: 'drop' });
    expect(id).toBe(standIn.accepted()[0]?.id);
    expect(standIn.acceptedCount()).toBe(1);
  });

  it('does not apply to GET', async () => {
    const id = await sendOk();
    standIn.setFaults({ error500: 1 });
    expect((await get(`/emails/${id}`)).status).toBe(200);
  });

  it('is deterministic with an injected random, drawing faults in a fixed order', async () => {
    // One draw per non-zero fault, in order (error500, then rateLimit429); the first hit wins.
    const draws = [0.9, 0.1, 0.1, 0.9, 0.9];
    standIn.setFaults({ error500: 0.5, rateLimit429: 0.5 }, { random: () => draws.shift() ?? 0 });
    await expectError(post('/emails', email()), 429, 'rate_limit_exceeded'); // 0.9 misses 500, 0.1 hits 429
    await expectError(post('/emails', email()), 500, 'application_error'); // 0.1 hits 500
    await sendOk(); // 0.9, 0.9: no fault
    expect(draws).toEqual([]);
    expect(standIn.acceptedCount()).toBe(1);
  });

  it('rejects a probability outside [0, 1]', () => {
    expect(() => standIn.setFaults({ error500: 1.5 })).toThrow(RangeError);
  });

  it('failNext forces the next outcomes, including a permanent 422', async () => {
    standIn.failNext(2, { status: 422, name: 'validation_error', message: 'Testing accounts can only send to you' });
    await expectError(post('/emails', email()), 422, 'validation_error');
    await expectError(post('/emails/batch', [email()]), 422, 'validation_error');
    await sendOk();
    expect(standIn.acceptedCount()).toBe(1);
    expect(standIn.requestCount()).toBe(3);
  });
});

describe('own rate limit', () => {
  it('answers 429 with retry-after beyond the limit per second', async () => {
    let now = 1_000_000;
    await standIn.close();
    standIn = await startResendStandIn({ rateLimitPerSec: 2, now: () => now });
    const first = await post('/emails', email());
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('2');
    expect(first.headers.get('ratelimit-remaining')).toBe('1');
    expect((await post('/emails', email())).headers.get('ratelimit-remaining')).toBe('0');

    const limited = await expectError(post('/emails', email()), 429, 'rate_limit_exceeded');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(Number(limited.headers.get('retry-after')))).toBe(true);
    // The refusal carries the rate-limit headers too, as Resend's does.
    expect(limited.headers.get('ratelimit-limit')).toBe('2');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(standIn.refusedByRateLimit()).toBe(1);
    expect(standIn.acceptedCount()).toBe(2);
    expect(standIn.requestCount()).toBe(3);

    now += 1000;
    await sendOk();
    standIn.setRateLimit(undefined);
    for (let i = 0; i < 5; i++) await sendOk();
    expect(standIn.acceptedCount()).toBe(8);
  });
});

describe('counters', () => {
  it('counts per recipient (case-insensitive) and per key; reset clears everything', async () => {
    await sendOk(email({ to: ['Ada <ADA@example.com>', 'bob@example.com'] }), { key: 'k1' });
    await sendOk(email({ to: 'ada@example.com' }), { key: 'k2' });
    await post('/emails/batch', [email({ to: 'bob@example.com' }), email({ to: 'carl@example.com' })], { key: 'k3' });
    expect(standIn.acceptedCount()).toBe(4);
    expect(standIn.acceptedFor('ada@example.com')).toBe(2);
    expect(standIn.acceptedFor('Bob@Example.com')).toBe(2);
    expect(standIn.acceptedFor('nobody@example.com')).toBe(0);
    expect(standIn.acceptedForKey('k3')).toBe(2);
    expect(standIn.acceptedForKey('k9')).toBe(0);

    standIn.setLatency(5000);
    standIn.setFaults({ error500: 1 });
    standIn.failNext(1, 'hang');
    standIn.hold();
    standIn.reset();
    expect(standIn.acceptedCount()).toBe(0);
    expect(standIn.requestCount()).toBe(0);
    expect(standIn.accepted()).toEqual([]);
    // Keys, faults, latency and the gate are gone too.
    const again = await sendOk(email(), { key: 'k1' });
    expect(again).toMatch(UUID);
    expect(standIn.acceptedCount()).toBe(1);
  });

  it('records each accepted request with its path and email count, not replays or refusals', async () => {
    await sendOk(email(), { key: 'single' });
    await sendOk(email(), { key: 'single' }); // a replay: nothing new accepted
    const batch = await post('/emails/batch', [email(), email({ to: 'bob@example.com' }), email()], { key: 'b1' });
    expect(batch.status).toBe(200);
    await expectError(post('/emails/batch', []), 422, 'validation_error');
    expect(standIn.acceptedRequests()).toEqual([
      { batch: false, emails: 1, idempotencyKey: 'single', at: expect.any(Number) },
      { batch: true, emails: 3, idempotencyKey: 'b1', at: expect.any(Number) },
    ]);
    expect(standIn.requestCountByPath()).toEqual({ emails: 2, batch: 2 });
    expect(standIn.requestCount()).toBe(4);
    standIn.reset();
    expect(standIn.acceptedRequests()).toEqual([]);
    expect(standIn.requestCountByPath()).toEqual({ emails: 0, batch: 0 });
  });

  it('waitForAccepted resolves when enough emails are accepted and rejects on timeout', async () => {
    standIn.setLatency(100);
    const waiting = standIn.waitForAccepted(2, 5000);
    await Promise.all([sendOk(), sendOk()]);
    await waiting;
    await expect(standIn.waitForAccepted(3, 50)).rejects.toThrow(/expected 3 accepted emails, have 2/);
  });
});

describe('close', () => {
  it('does not hang with a hanging request pending', async () => {
    standIn.failNext(1, 'hang');
    // Held at a gate first, so its arrival can be awaited; released, it reaches the hang through promise
    // continuations only, and those have all run by the next turn of the event loop.
    const gate = standIn.hold();
    const pending = post('/emails', email()).then(
      () => 'answered',
      () => 'failed',
    );
    await gate.waitForHeld(1);
    gate.release();
    await new Promise((r) => setImmediate(r));
    await standIn.close();
    expect(await pending).toBe('failed');
    expect(standIn.acceptedCount()).toBe(0);
    await standIn.close(); // twice is fine (afterEach closes again)
  });

  it('does not hang with requests held by latency or by the gate', async () => {
    standIn.setLatency(60_000);
    const slow = post('/emails', email()).catch(() => 'failed');
    await until(() => standIn.requestCount() === 1);
    const gate = standIn.hold();
    const held = post('/emails', email()).catch(() => 'failed');
    await gate.waitForHeld(1);
    await standIn.close();
    expect(await Promise.all([slow, held])).toEqual(['failed', 'failed']);
    expect(standIn.acceptedCount()).toBe(0);
  });
});

// ---------------------------------------------------------------- webhooks

interface Delivery {
  id: string;
  timestamp: number;
  signature: string;
  body: string;
  event: { type: string; created_at: string; data: Record<string, unknown> };
}

/**
 * A tiny webhook endpoint: checks each POST's signature with the service's own verifier, answers 401
 * to a bad one, 500 to the next `failNext` good ones, and keeps the rest (answered 200).
 */
async function startReceiver(secret: string) {
  const keys = await webhookKeys([secret]);
  const deliveries: Delivery[] = [];
  let refused = 0;
  let failures = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = new Uint8Array(Buffer.concat(chunks));
    const header = (name: string) => req.headers[name] as string | undefined;
    const headers = { id: header('svix-id'), timestamp: header('svix-timestamp'), signature: header('svix-signature') };
    const verdict = await verifyWebhook(keys, headers, bytes, Date.now());
    if (!verdict.ok) {
      refused++;
      return void res.writeHead(401).end();
    }
    if (failures > 0) {
      failures--;
      return void res.writeHead(500).end();
    }
    const body = Buffer.from(bytes).toString('utf8');
    deliveries.push({
      id: verdict.id,
      timestamp: verdict.timestamp,
      signature: headers.signature ?? '',
      body,
      event: JSON.parse(body),
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/resend`,
    deliveries,
    types: () => deliveries.map((d) => d.event.type),
    refused: () => refused,
    failNext: (n: number) => {
      failures = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const typesOf = (events: WebhookEvent[]) => events.map((e) => e.type);

describe('webhooks', () => {
  const secret = newWebhookSecret();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeEach(async () => {
    receiver = await startReceiver(secret);
    standIn.setWebhooks({ url: receiver.url, secret });
  });

  afterEach(async () => {
    await standIn.close(); // before the receiver, so no delivery is left talking to it
    await receiver.close();
  });

  it('records sent then delivered for an accepted email, and delivers them signed on flush', async () => {
    const id = await sendOk(email({ to: 'Runner <Runner@example.com>', tags: [{ name: 'kind', value: 'confirm' }] }), {
      key: 'k1',
    });
    await sendOk(email({ to: 'Runner <Runner@example.com>', tags: [{ name: 'kind', value: 'confirm' }] }), {
      key: 'k1',
    }); // a replay: no new events
    const events = standIn.webhookEvents();
    expect(typesOf(events)).toEqual(['email.sent', 'email.delivered']);
    expect(events.every((e) => e.emailId === id && /^msg_\w+$/.test(e.svixId))).toBe(true);
    expect(new Set(events.map((e) => e.svixId)).size).toBe(2);
    expect(events[0]?.to).toEqual(['Runner@example.com']);
    expect(standIn.pendingWebhooks()).toBe(2);
    expect(receiver.deliveries).toEqual([]); // not auto: nothing goes before the flush

    await standIn.flushWebhooks();
    expect(receiver.types()).toEqual(['email.sent', 'email.delivered']);
    expect(receiver.deliveries.map((d) => d.id)).toEqual(events.map((e) => e.svixId));
    expect(receiver.deliveries[1]?.event).toEqual({
      type: 'email.delivered',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: {
        email_id: id,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        from: 'Finishline <race@finishline.test>',
        to: ['Runner@example.com'],
        subject: 'You are in',
        tags: { kind: 'confirm' },
      },
    });
    expect(receiver.refused()).toBe(0);
    expect(standIn.pendingWebhooks()).toBe(0);
    expect(standIn.webhookDeliveries()).toEqual({ posts: 2, ok: 2, failed: 0, abandoned: 0 });
  });

  it('bounceFor: the email bounces, the address is suppressed, a later email to it is accepted but suppressed', async () => {
    standIn.bounceFor(['Gone@Example.com']);
    const first = await sendOk(email({ to: 'gone@example.com' }));
    const second = await sendOk(email({ to: 'GONE@example.com' }));
    expect(second).not.toBe(first);
    await sendOk(email({ to: 'here@example.com' }));
    await standIn.flushWebhooks();

    expect(receiver.types()).toEqual([
      'email.sent',
      'email.bounced',
      'email.sent',
      'email.suppressed',
      'email.sent',
      'email.delivered',
    ]);
    const [, bounced, , suppressed] = receiver.deliveries;
    expect(bounced?.event.data).toMatchObject({
      email_id: first,
      to: ['gone@example.com'],
      bounce: { type: 'Permanent', subType: 'General', message: expect.any(String) },
    });
    expect(suppressed?.event.data).toMatchObject({
      email_id: second,
      suppressed: { type: 'hard_bounce', message: expect.any(String) },
    });
    expect(standIn.acceptedCount()).toBe(3);
  });

  it('complainFor: delivered, then complained; a later email to the address is suppressed (complaint)', async () => {
    standIn.complainFor(['spam-button@example.com']);
    await sendOk(email({ to: 'spam-button@example.com' }));
    await sendOk(email({ to: 'spam-button@example.com' }));
    await standIn.flushWebhooks();
    expect(receiver.types()).toEqual([
      'email.sent',
      'email.delivered',
      'email.complained',
      'email.sent',
      'email.suppressed',
    ]);
    expect(receiver.deliveries[4]?.event.data.suppressed).toMatchObject({ type: 'complaint' });
  });

  it("Resend's test addresses (with or without a +label) are delivered, bounce or complain, every time", async () => {
    const to = [
      'delivered@resend.dev',
      'bounced@resend.dev',
      'complained+signup@resend.dev',
      'Bounced+again@Resend.dev',
      'complained@resend.dev',
    ];
    const res = await post(
      '/emails/batch',
      to.map((address) => email({ to: address })),
    );
    expect(res.status).toBe(200);
    const byAddress: Record<string, string[]> = {};
    for (const event of standIn.webhookEvents()) {
      const address = event.to[0] ?? '';
      byAddress[address] = [...(byAddress[address] ?? []), event.type];
    }
    expect(byAddress).toEqual({
      'delivered@resend.dev': ['email.sent', 'email.delivered'],
      'bounced@resend.dev': ['email.sent', 'email.bounced'],
      'complained+signup@resend.dev': ['email.sent', 'email.delivered', 'email.complained'],
      // Not suppressed by the bounce or complaint before: a test address can be used again.
      'Bounced+again@Resend.dev': ['email.sent', 'email.bounced'],
      'complained@resend.dev': ['email.sent', 'email.delivered', 'email.complained'],
    });
  });

  it('redelivers a share of the events: same svix-id and body, a new timestamp and signature', async () => {
    for (let i = 0; i < 3; i++) await sendOk(email({ to: `r${i}@example.com` }));
    await standIn.flushWebhooks({ redeliverFraction: 1 });
    expect(receiver.deliveries).toHaveLength(12);
    for (const event of standIn.webhookEvents()) {
      const copies = receiver.deliveries.filter((d) => d.id === event.svixId);
      expect(copies).toHaveLength(2);
      expect(copies.map((c) => c.body)).toEqual([event.body, event.body]);
      expect(copies[1]?.timestamp).toBeGreaterThan(copies[0]?.timestamp ?? Number.POSITIVE_INFINITY);
      expect(copies[1]?.signature).not.toBe(copies[0]?.signature);
    }

    // A fraction draws per event; none at 0.
    await sendOk();
    await standIn.flushWebhooks({ redeliverFraction: 0, random: () => 0 });
    expect(receiver.deliveries).toHaveLength(14);
    expect(standIn.webhookDeliveries()).toEqual({ posts: 14, ok: 14, failed: 0, abandoned: 0 });
  });

  it('shuffle delivers every event once in another order, the same for the same seed', async () => {
    for (let i = 0; i < 10; i++) await sendOk(email({ to: `r${i}@example.com` }));
    const produced = standIn.webhookEvents().map((e) => e.svixId);
    await standIn.flushWebhooks({ shuffle: true, random: seededRandom(7), concurrency: 1 });
    const delivered = receiver.deliveries.map((d) => d.id);
    expect(delivered).not.toEqual(produced);
    expect([...delivered].sort()).toEqual([...produced].sort());

    // The same seed shuffles the same way (positions, as the ids are new).
    standIn.reset();
    receiver.deliveries.length = 0;
    for (let i = 0; i < 10; i++) await sendOk(email({ to: `r${i}@example.com` }));
    const again = standIn.webhookEvents().map((e) => e.svixId);
    await standIn.flushWebhooks({ shuffle: true, random: seededRandom(7) });
    const positions = (ids: string[], order: string[]) => order.map((id) => ids.indexOf(id));
    expect(
      positions(
        again,
        receiver.deliveries.map((d) => d.id),
      ),
    ).toEqual(positions(produced, delivered));
  });

  it('concurrency: every event is delivered once with several deliveries in flight', async () => {
    for (let i = 0; i < 8; i++) await sendOk(email({ to: `r${i}@example.com` }));
    await standIn.flushWebhooks({ concurrency: 4 });
    expect(new Set(receiver.deliveries.map((d) => d.id))).toEqual(
      new Set(standIn.webhookEvents().map((e) => e.svixId)),
    );
    expect(standIn.webhookDeliveries()).toEqual({ posts: 16, ok: 16, failed: 0, abandoned: 0 });
  });

  it('auto: events are POSTed in order after acceptance, without a flush', async () => {
    standIn.setWebhooks({ url: receiver.url, secret, auto: true });
    standIn.bounceFor(['gone@example.com']);
    await sendOk(email({ to: 'gone@example.com' }));
    await sendOk(email({ to: 'here@example.com' }));
    await standIn.waitForWebhooks();
    expect(receiver.types()).toEqual(['email.sent', 'email.bounced', 'email.sent', 'email.delivered']);
    expect(standIn.pendingWebhooks()).toBe(0);
  });

  it('auto from the start option, and events waiting in the outbox go once auto is set', async () => {
    await standIn.close();
    standIn = await startResendStandIn({ webhooks: { url: receiver.url, secret, auto: true } });
    await sendOk();
    await standIn.waitForWebhooks();
    expect(receiver.types()).toEqual(['email.sent', 'email.delivered']);

    standIn.setWebhooks(undefined);
    await sendOk();
    expect(standIn.pendingWebhooks()).toBe(2);
    await expect(standIn.flushWebhooks()).rejects.toThrow(/setWebhooks/);
    await expect(standIn.waitForWebhooks(20)).rejects.toThrow(/2 still in the outbox/);
    standIn.setWebhooks({ url: receiver.url, secret, auto: true });
    await standIn.waitForWebhooks();
    expect(receiver.deliveries).toHaveLength(4);
  });

  it('retries a delivery answered 500, and counts the failures', async () => {
    await sendOk();
    receiver.failNext(2); // the first POST and its first retry
    await standIn.flushWebhooks();
    expect(receiver.types()).toEqual(['email.sent', 'email.delivered']);
    expect(standIn.webhookDeliveries()).toEqual({ posts: 4, ok: 2, failed: 2, abandoned: 0 });
  });

  it('gives a delivery up after its retries when the endpoint cannot be reached', async () => {
    const gone = await startReceiver(secret);
    await gone.close(); // a port nothing listens on any more
    standIn.setWebhooks({ url: gone.url, secret });
    await sendOk();
    await standIn.flushWebhooks();
    expect(standIn.webhookDeliveries()).toEqual({ posts: 8, ok: 0, failed: 8, abandoned: 2 });
    expect(standIn.pendingWebhooks()).toBe(0);
  });

  it('checks its settings', async () => {
    expect(() => standIn.setWebhooks({ url: receiver.url, secret: 'not-a-secret' })).toThrow(/whsec_/);
    await expect(standIn.flushWebhooks({ redeliverFraction: 2 })).rejects.toThrow(RangeError);
    await expect(standIn.flushWebhooks({ concurrency: 0 })).rejects.toThrow(RangeError);
  });

  it('reset clears events, outbox, counts, lists and suppressions, and keeps the endpoint', async () => {
    standIn.bounceFor(['gone@example.com']);
    standIn.complainFor(['spam@example.com']);
    await sendOk(email({ to: 'gone@example.com' }));
    await sendOk(email({ to: 'spam@example.com' }));
    await standIn.flushWebhooks();
    await sendOk();
    standIn.reset();
    expect(standIn.webhookEvents()).toEqual([]);
    expect(standIn.pendingWebhooks()).toBe(0);
    expect(standIn.webhookDeliveries()).toEqual({ posts: 0, ok: 0, failed: 0, abandoned: 0 });

    receiver.deliveries.length = 0;
    await sendOk(email({ to: 'gone@example.com' }));
    await sendOk(email({ to: 'spam@example.com' }));
    expect(typesOf(standIn.webhookEvents())).toEqual([
      'email.sent',
      'email.delivered',
      'email.sent',
      'email.delivered',
    ]);
    await standIn.flushWebhooks();
    expect(receiver.deliveries).toHaveLength(4);
  });
});
