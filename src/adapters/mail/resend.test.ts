// The Resend adapter against the project's REAL local Resend stand-in (an HTTP server that behaves as
// Resend documents), plus its two pure helpers.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ResendStandIn, startResendStandIn } from '../../../tools/resend-stand-in.js';
import type { EmailMessage } from '../../domain/confirmation-email.js';
import { MailError, type Mailer } from '../../ports/mailer.js';
import { VERSION } from '../../version.js';
import { batchResults, classifyResendError, createResendMailer, retryAfterMs } from './resend.js';

const message: EmailMessage = {
  from: 'Riverside Marathon <race@example.com>',
  to: 'ada@example.com',
  subject: "You're registered for Riverside Marathon 2027",
  html: '<p>Hi Ada,</p>',
  text: 'Hi Ada,',
};

let standIn: ResendStandIn;
let mailer: Mailer;

beforeAll(async () => {
  standIn = await startResendStandIn();
  mailer = createResendMailer({ apiKey: standIn.apiKey, baseUrl: standIn.url });
});
afterEach(() => {
  standIn.reset();
  standIn.setRateLimit(undefined); // reset() leaves the own rate limit as it is
});
afterAll(() => standIn.close());

/** Sends, expecting a MailError, and returns it. */
async function mailError(send: Promise<unknown>): Promise<MailError> {
  const error = await send.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailError);
  return error as MailError;
}

const key = () => crypto.randomUUID();

describe('createResendMailer against the stand-in', () => {
  it("sends: resolves with the stand-in's id and carries the Idempotency-Key", async () => {
    const k = key();
    const { id } = await mailer.send(message, { idempotencyKey: k });
    expect(standIn.acceptedCount()).toBe(1);
    expect(standIn.acceptedForKey(k)).toBe(1);
    const [accepted] = standIn.accepted();
    expect(accepted).toMatchObject({
      id,
      idempotencyKey: k,
      from: message.from,
      to: ['ada@example.com'],
      subject: message.subject,
      html: message.html,
      text: message.text,
    });
  });

  it('the same key twice → the same id, one email', async () => {
    const k = key();
    const first = await mailer.send(message, { idempotencyKey: k });
    const second = await mailer.send(message, { idempotencyKey: k });
    expect(second.id).toBe(first.id);
    expect(standIn.acceptedCount()).toBe(1);
    expect(standIn.requestCount()).toBe(2);
  });

  it('500 → retryable', async () => {
    standIn.failNext(1, 'error500');
    const error = await mailError(mailer.send(message, { idempotencyKey: key() }));
    expect(error).toMatchObject({ kind: 'retryable', status: 500, code: 'application_error' });
    expect(standIn.acceptedCount()).toBe(0);
  });

  it('429 → retryable with retryAfterMs 1000 (from retry-after)', async () => {
    standIn.failNext(1, 'rateLimit429');
    const error = await mailError(mailer.send(message, { idempotencyKey: key() }));
    expect(error).toMatchObject({ kind: 'retryable', status: 429, code: 'rate_limit_exceeded', retryAfterMs: 1000 });
  });

  it("the stand-in's own rate limit → 429 retryable with a retry-after", async () => {
    standIn.setRateLimit(1);
    // Earlier requests may already have used this second's one slot: two sends always hit the limit.
    const outcomes = await Promise.allSettled([
      mailer.send(message, { idempotencyKey: key() }),
      mailer.send(message, { idempotencyKey: key() }),
    ]);
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    const error = (rejected[0] as PromiseRejectedResult).reason as MailError;
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ kind: 'retryable', status: 429, code: 'rate_limit_exceeded' });
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(1000);
  });

  it('422 validation_error → permanent', async () => {
    standIn.failNext(1, { status: 422, name: 'validation_error', message: 'Invalid `to` field.' });
    const error = await mailError(mailer.send(message, { idempotencyKey: key() }));
    expect(error).toMatchObject({ kind: 'permanent', status: 422, code: 'validation_error' });
    expect(error.message).toBe('Invalid `to` field.');
  });

  it('a message the stand-in itself rejects (bad recipient) → permanent', async () => {
    const error = await mailError(mailer.send({ ...message, to: 'not-an-address' }, { idempotencyKey: key() }));
    expect(error).toMatchObject({ kind: 'permanent', status: 422, code: 'validation_error' });
    expect(standIn.acceptedCount()).toBe(0);
  });

  it('invalid_idempotent_request (same key, different body) → permanent', async () => {
    const k = key();
    await mailer.send(message, { idempotencyKey: k });
    const error = await mailError(mailer.send({ ...message, text: 'changed' }, { idempotencyKey: k }));
    expect(error).toMatchObject({ kind: 'permanent', status: 409, code: 'invalid_idempotent_request' });
    expect(standIn.acceptedCount()).toBe(1);
  });

  it('concurrent_idempotent_requests → retryable; the first request still wins with one email', async () => {
    const k = key();
    const gate = standIn.hold();
    const first = mailer.send(message, { idempotencyKey: k });
    await gate.waitForHeld(1);
    const error = await mailError(mailer.send(message, { idempotencyKey: k }));
    expect(error).toMatchObject({ kind: 'retryable', status: 409, code: 'concurrent_idempotent_requests' });
    gate.release();
    const { id } = await first;
    expect((await mailer.send(message, { idempotencyKey: k })).id).toBe(id);
    expect(standIn.acceptedForKey(k)).toBe(1);
  });

  it("a wrong API key → 'account'", async () => {
    const wrong = createResendMailer({ apiKey: 're_wrong', baseUrl: standIn.url });
    const error = await mailError(wrong.send(message, { idempotencyKey: key() }));
    expect(error).toMatchObject({ kind: 'account', code: 'invalid_api_key', status: 403 });
    expect(error.message).not.toContain('re_wrong');
  });

  it("a wrong base URL (404) → 'account'", async () => {
    const misconfigured = createResendMailer({ apiKey: standIn.apiKey, baseUrl: `${standIn.url}/v9` });
    const error = await mailError(misconfigured.send(message, { idempotencyKey: key() }));
    expect(error).toMatchObject({ kind: 'account', status: 404 });
  });

  it("a hang with AbortSignal.timeout(200) → retryable 'timeout'", async () => {
    standIn.failNext(1, 'hang');
    const signal = AbortSignal.timeout(200);
    const error = await mailError(mailer.send(message, { idempotencyKey: key(), signal }));
    expect(error).toMatchObject({ kind: 'retryable', code: 'timeout', status: undefined });
    // Ended by our signal (the stand-in never answers a hang), not by anything else.
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).name).toBe('TimeoutError');
    expect(standIn.acceptedCount()).toBe(0);
  });

  it("timeoutMs (fetch): a hang → retryable 'timeout'; an answer in time is read whole", async () => {
    standIn.failNext(1, 'hang');
    const error = await mailError(mailer.send(message, { idempotencyKey: key(), timeoutMs: 200 }));
    expect(error).toMatchObject({ kind: 'retryable', code: 'timeout', status: undefined });
    expect(standIn.acceptedCount()).toBe(0);
    const sent = await mailer.send(message, { idempotencyKey: key(), timeoutMs: 5_000 });
    expect(sent.id).toEqual(expect.any(String));
    expect(standIn.acceptedCount()).toBe(1);
  });

  it('timeoutMs beside a signal: the signal still aborts the send (shutdown)', async () => {
    const controller = new AbortController();
    standIn.failNext(1, 'hang');
    const pending = mailError(
      mailer.send(message, { idempotencyKey: key(), timeoutMs: 60_000, signal: controller.signal }),
    );
    setTimeout(() => controller.abort(), 100);
    expect(await pending).toMatchObject({ kind: 'retryable', code: 'timeout' });
    expect(
      await mailError(mailer.send(message, { idempotencyKey: key(), timeoutMs: 60_000, signal: AbortSignal.abort() })),
    ).toMatchObject({ code: 'timeout' });
  });

  it('an already aborted signal → retryable timeout, nothing sent', async () => {
    const error = await mailError(mailer.send(message, { idempotencyKey: key(), signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ kind: 'retryable', code: 'timeout' });
    expect(standIn.requestCount()).toBe(0);
  });

  it("accepted, then the connection dropped → retryable 'network_error'; the retry returns the same id, one email", async () => {
    const k = key();
    standIn.failNext(1, 'acceptThenDrop');
    const error = await mailError(mailer.send(message, { idempotencyKey: k }));
    expect(error).toMatchObject({ kind: 'retryable', code: 'network_error' });
    expect(error.cause).toBeDefined();
    expect(standIn.acceptedCount()).toBe(1); // the provider did accept it

    const { id } = await mailer.send(message, { idempotencyKey: k });
    expect(id).toBe(standIn.accepted()[0]?.id);
    expect(standIn.acceptedForKey(k)).toBe(1);
    expect(standIn.acceptedFor('ada@example.com')).toBe(1);
  });

  it("nobody listening → retryable 'network_error'", async () => {
    const closed = await startResendStandIn();
    const url = closed.url;
    await closed.close();
    const nowhere = createResendMailer({ apiKey: 're_x', baseUrl: url });
    const error = await mailError(nowhere.send(message, { idempotencyKey: key() }));
    expect(error).toMatchObject({ kind: 'retryable', code: 'network_error' });
  });
});

describe('createResendMailer.sendBatch against the stand-in', () => {
  const to = (address: string) => ({ ...message, to: address });

  it('one request for the batch, keyed by the batch id; one result per email, in order', async () => {
    const results = await mailer.sendBatch([to('a@example.com'), to('b@example.com')], { idempotencyKey: 'batch-1' });
    expect(results).toEqual([{ id: expect.any(String) }, { id: expect.any(String) }]);
    expect(standIn.requestCount()).toBe(1);
    expect(standIn.accepted().map((e) => [e.to, e.idempotencyKey])).toEqual([
      [['a@example.com'], 'batch-1'],
      [['b@example.com'], 'batch-1'],
    ]);
  });

  it('permissive: an email refused on its own is a permanent error in its place; the others are sent', async () => {
    standIn.refuseRecipients(['b@example.com']);
    const results = await mailer.sendBatch([to('a@example.com'), to('b@example.com'), to('c@example.com')], {
      idempotencyKey: 'batch-2',
    });
    expect(results[0]).toEqual({ id: expect.any(String) });
    expect(results[2]).toEqual({ id: expect.any(String) });
    const refused = results[1] as { error: MailError };
    expect(refused.error).toBeInstanceOf(MailError);
    expect(refused.error).toMatchObject({ kind: 'permanent', code: 'validation_error' });
    expect(standIn.acceptedCount()).toBe(2);
  });

  it('accepted, then the connection dropped: no status (outcome unknown); the same batch again → same ids, sent once', async () => {
    standIn.failNext(1, 'acceptThenDrop');
    const batch = [to('a@example.com'), to('b@example.com')];
    const error = await mailError(mailer.sendBatch(batch, { idempotencyKey: 'batch-3' }));
    expect(error).toMatchObject({ kind: 'retryable', code: 'network_error', status: undefined });
    const again = await mailer.sendBatch(batch, { idempotencyKey: 'batch-3' });
    expect(again.map((r) => ('id' in r ? r.id : undefined))).toEqual(standIn.accepted().map((e) => e.id));
    expect(standIn.acceptedForKey('batch-3')).toBe(2);
  });

  it('a 500 for the batch → retryable with its status (the provider answered)', async () => {
    standIn.failNext(1, 'error500');
    expect(await mailError(mailer.sendBatch([message], { idempotencyKey: 'batch-4' }))).toMatchObject({
      kind: 'retryable',
      status: 500,
    });
  });
});

describe('batchResults', () => {
  it('places the ids and the refusals by index', () => {
    const results = batchResults(3, { data: [{ id: 'x' }, { id: 'z' }], errors: [{ index: 1, message: 'bad' }] });
    expect(results.map((r) => ('id' in r ? r.id : r.error.code))).toEqual(['x', 'validation_error', 'z']);
  });

  it('an answer that does not add up → retryable bad_response', () => {
    expect(() => batchResults(3, { data: [{ id: 'x' }] })).toThrow(MailError);
    expect(() => batchResults(1, {})).toThrow(MailError);
  });
});

describe('createResendMailer: odd answers (injected HTTP client)', () => {
  const answering = (response: Response) =>
    createResendMailer({ apiKey: 're_x', baseUrl: 'http://resend.invalid', post: async () => response });

  it('a non-JSON 502 → retryable application_error', async () => {
    const error = await mailError(
      answering(new Response('<html>Bad gateway</html>', { status: 502 })).send(message, { idempotencyKey: key() }),
    );
    expect(error).toMatchObject({ kind: 'retryable', status: 502, code: 'application_error' });
  });

  it('a 200 without an id → retryable bad_response', async () => {
    const error = await mailError(answering(Response.json({ ok: true })).send(message, { idempotencyKey: key() }));
    expect(error).toMatchObject({ kind: 'retryable', code: 'bad_response' });
  });

  it('sends the documented request', async () => {
    let seen: Request | undefined;
    const spy = createResendMailer({
      apiKey: 're_secret',
      baseUrl: 'http://resend.invalid',
      post: async (url, init) => {
        seen = new Request(url, { method: 'POST', ...init });
        return Response.json({ id: 'e-1' });
      },
    });
    expect(await spy.send(message, { idempotencyKey: 'task-1' })).toEqual({ id: 'e-1' });
    expect(seen?.url).toBe('http://resend.invalid/emails');
    expect(seen?.headers.get('authorization')).toBe('Bearer re_secret');
    expect(seen?.headers.get('idempotency-key')).toBe('task-1');
    expect(seen?.headers.get('content-type')).toBe('application/json');
    // Resend's edge refuses requests without one, and workerd's fetch adds none.
    expect(seen?.headers.get('user-agent')).toBe(`finishline/${VERSION}`);
    expect(await seen?.json()).toEqual({ ...message, to: ['ada@example.com'] });
  });

  it("a non-JSON 403 (the edge's error code 1010) → 'account' edge_refused: delivery pauses, nothing burns", async () => {
    const error = await mailError(
      answering(new Response('error code: 1010', { status: 403, headers: { 'content-type': 'text/plain' } })).send(
        message,
        { idempotencyKey: key() },
      ),
    );
    expect(error).toMatchObject({ kind: 'account', status: 403, code: 'edge_refused' });
    expect(error.message).toContain('error code: 1010');
  });
});

describe('User-Agent', () => {
  it('VERSION is the version in package.json', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(VERSION).toBe(manifest.version);
  });

  it('the stand-in, like Resend, refuses a request without a User-Agent: 403, not JSON', async () => {
    const { status, body, type } = await new Promise<{ status: number; body: string; type: string }>(
      (resolve, reject) => {
        // node:http adds no User-Agent of its own (fetch would add "node").
        const req = request(`${standIn.url}/emails`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: text, type: res.headers['content-type'] ?? '' }),
          );
        });
        req.on('error', reject);
        req.end('{}');
      },
    );
    expect(status).toBe(403);
    expect(type).toContain('text/plain');
    expect(body).toBe('error code: 1010');
    expect(standIn.refusedWithoutUserAgent()).toBe(1);
    // The adapter's sends carry it, so they are accepted.
    await mailer.send(message, { idempotencyKey: key() });
    expect(standIn.accepted().at(-1)?.userAgent).toBe(`finishline/${VERSION}`);
  });
});

describe('classifyResendError', () => {
  it.each([
    [500, 'application_error', 'retryable'],
    [500, 'internal_server_error', 'retryable'],
    [503, 'service_unavailable', 'retryable'],
    [502, 'application_error', 'retryable'],
    [429, 'rate_limit_exceeded', 'retryable'],
    [409, 'concurrent_idempotent_requests', 'retryable'],
    [409, 'resource_locked', 'retryable'],
    [409, 'invalid_idempotent_request', 'permanent'],
    [400, 'validation_error', 'permanent'],
    [403, 'validation_error', 'permanent'], // testing-account restriction on this recipient
    [422, 'validation_error', 'permanent'],
    [400, 'invalid_idempotency_key', 'permanent'],
    [422, 'missing_required_field', 'permanent'],
    [422, 'invalid_parameter', 'permanent'],
    [401, 'missing_api_key', 'account'],
    [401, 'restricted_api_key', 'account'],
    [403, 'invalid_api_key', 'account'],
    [403, 'suspended_api_key', 'account'],
    [403, 'invalid_permission', 'account'],
    [403, 'email_above_quota', 'account'],
    [429, 'daily_quota_exceeded', 'account'],
    [429, 'monthly_quota_exceeded', 'account'],
    [404, 'not_found', 'account'],
    [405, 'method_not_allowed', 'account'],
    [401, 'application_error', 'account'],
  ] as const)('%i %s → %s', (status, name, kind) => {
    expect(classifyResendError(status, name)).toBe(kind);
  });
});

describe('retryAfterMs', () => {
  const headers = (init: Record<string, string>) => new Headers(init);
  const NOW = Date.parse('2027-04-18T08:00:00.000Z');

  it('retry-after in seconds', () => {
    expect(retryAfterMs(headers({ 'retry-after': '1' }))).toBe(1000);
    expect(retryAfterMs(headers({ 'retry-after': '30' }))).toBe(30_000);
    expect(retryAfterMs(headers({ 'retry-after': '0' }))).toBe(0);
    expect(retryAfterMs(headers({ 'retry-after': '1.5' }))).toBe(1500);
  });

  it('retry-after as an HTTP date', () => {
    expect(retryAfterMs(headers({ 'retry-after': 'Sun, 18 Apr 2027 08:00:05 GMT' }), 429, NOW)).toBe(5000);
    expect(retryAfterMs(headers({ 'retry-after': new Date(NOW + 120_000).toUTCString() }), 429, NOW)).toBe(120_000);
    // A date in the past means "now".
    expect(retryAfterMs(headers({ 'retry-after': 'Sun, 18 Apr 2027 07:59:00 GMT' }), 429, NOW)).toBe(0);
  });

  it('falls back to ratelimit-reset (seconds)', () => {
    expect(retryAfterMs(headers({ 'ratelimit-reset': '3' }))).toBe(3000);
    expect(retryAfterMs(headers({ 'retry-after': 'soon', 'ratelimit-reset': '2' }), 429, NOW)).toBe(2000);
  });

  it('ignores ratelimit-reset on answers other than 429 (Resend sends it on every response)', () => {
    expect(retryAfterMs(headers({ 'ratelimit-reset': '3' }), 500)).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': '4' }), 503)).toBe(4000);
  });

  it('retry-after wins over ratelimit-reset', () => {
    expect(retryAfterMs(headers({ 'retry-after': '7', 'ratelimit-reset': '2' }))).toBe(7000);
  });

  it('undefined when neither says anything usable', () => {
    expect(retryAfterMs(headers({}))).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }), 429, NOW)).toBeUndefined();
    expect(retryAfterMs(headers({ 'ratelimit-reset': 'later' }))).toBeUndefined();
    expect(retryAfterMs(headers({ 'ratelimit-reset': '-1' }))).toBeUndefined();
    expect(retryAfterMs(headers({ 'ratelimit-reset': '' }))).toBeUndefined();
  });
});
