// POST /api/webhooks/resend on a real service (each target, real PostgreSQL): signatures checked before
// anything is parsed or written (valid, wrong secret, rotated secrets, tampered body, old timestamp,
// missing headers), a redelivered event stored once, malformed JSON after a valid signature refused and
// not written, a body over the limit refused (413), and no route at all without RESEND_WEBHOOK_SECRET.
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { newWebhookSecret, signWebhook } from '../../tools/webhook-signer.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { checkAnswersAgainstOpenApi } from '../support/openapi-contract.js';
import { useStack } from '../support/stack.js';
import { startNodeTarget, TARGETS } from '../support/targets.js';

const PATH = '/api/webhooks/resend';
const secretOf = newWebhookSecret;
const OLD_SECRET = secretOf();
const NEW_SECRET = secretOf();
const OTHER_SECRET = secretOf();

const sign = signWebhook;

interface Delivery {
  id?: string;
  timestamp?: number;
  /** The svix-signature header as sent (default: signed with NEW_SECRET over the body). */
  signature?: string;
  /** Omit these headers. */
  omit?: string[];
}

let counter = 0;
const nextId = () => `msg_${Date.now()}_${++counter}`;

function event(type = 'email.delivered', emailId: string = crypto.randomUUID()) {
  return JSON.stringify({
    type,
    created_at: new Date().toISOString(),
    data: { email_id: emailId, to: ['runner@example.com'], subject: 'You are in' },
  });
}

async function deliver(url: string, body: string | Uint8Array<ArrayBuffer>, options: Delivery = {}): Promise<Response> {
  const id = options.id ?? nextId();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'svix-id': id,
    'svix-timestamp': String(timestamp),
    'svix-signature': options.signature ?? sign(NEW_SECRET, id, timestamp, body),
  };
  for (const name of options.omit ?? []) delete headers[name];
  return fetch(`${url}${PATH}`, { method: 'POST', headers, body });
}

describe.each(TARGETS)('Resend webhooks on %s', (_name, startTarget) => {
  const stack = useStack('fl_webhooks', startTarget, { RESEND_WEBHOOK_SECRET: `${OLD_SECRET}, ${NEW_SECRET}` });
  // Every answer below (200, 400, 401, 413, 422) is checked against /openapi.json.
  checkAnswersAgainstOpenApi(() => stack.target);
  const rows = () =>
    stack.db.query<{ svix_id: string; type: string; email_id: string | null }>(
      'select svix_id, type, email_id from email_events order by received_at',
    );
  beforeEach(async () => {
    await stack.db.query('delete from email_events');
  });

  async function expectRefused(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: { code, message: expect.any(String) } });
    expect(await rows()).toEqual([]);
  }

  it('stores a correctly signed event and answers 200', async () => {
    const emailId = crypto.randomUUID();
    const id = nextId();
    const response = await deliver(stack.target.url, event('email.delivered', emailId), { id });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, duplicate: false });
    expect(await rows()).toEqual([{ svix_id: id, type: 'email.delivered', email_id: emailId }]);
  });

  it('takes any secret of the rotation list, and any matching entry of several', async () => {
    const id = nextId();
    const timestamp = Math.floor(Date.now() / 1000);
    const body = event();
    const byOld = await deliver(stack.target.url, body, {
      id,
      timestamp,
      signature: sign(OLD_SECRET, id, timestamp, body),
    });
    expect(byOld.status).toBe(200);
    const id2 = nextId();
    const both = `${sign(OTHER_SECRET, id2, timestamp, body)} ${sign(NEW_SECRET, id2, timestamp, body)}`;
    expect((await deliver(stack.target.url, body, { id: id2, timestamp, signature: both })).status).toBe(200);
    expect((await rows()).map((r) => r.svix_id)).toEqual([id, id2]);
  });

  it('refuses a wrong secret, a tampered body, a changed id, an old or future timestamp (401, nothing stored)', async () => {
    const id = nextId();
    const timestamp = Math.floor(Date.now() / 1000);
    const body = event();
    const url = stack.target.url;
    await expectRefused(
      await deliver(url, body, { id, timestamp, signature: sign(OTHER_SECRET, id, timestamp, body) }),
      401,
      'unauthorized',
    );
    const tampered = body.replace('email.delivered', 'email.bounced');
    await expectRefused(
      await deliver(url, tampered, { id, timestamp, signature: sign(NEW_SECRET, id, timestamp, body) }),
      401,
      'unauthorized',
    );
    await expectRefused(
      await deliver(url, body, { id: nextId(), timestamp, signature: sign(NEW_SECRET, id, timestamp, body) }),
      401,
      'unauthorized',
    );
    for (const skew of [-6 * 60, 6 * 60]) {
      const at = timestamp + skew;
      await expectRefused(
        await deliver(url, body, { id, timestamp: at, signature: sign(NEW_SECRET, id, at, body) }),
        401,
        'unauthorized',
      );
    }
    await expectRefused(await deliver(url, body, { signature: 'v1,not-base64!' }), 401, 'unauthorized');
    await expectRefused(
      await deliver(url, body, { signature: `v2,${sign(NEW_SECRET, id, timestamp, body).slice(3)}` }),
      401,
      'unauthorized',
    );
  });

  it('refuses a request missing any of the three headers (401)', async () => {
    for (const header of ['svix-id', 'svix-timestamp', 'svix-signature']) {
      await expectRefused(await deliver(stack.target.url, event(), { omit: [header] }), 401, 'unauthorized');
    }
  });

  it('stores a redelivered event once, answering 200 each time', async () => {
    const id = nextId();
    const body = event('email.bounced');
    for (let i = 0; i < 3; i++) {
      const response = await deliver(stack.target.url, body, { id });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ received: true, duplicate: i > 0 });
    }
    expect(await rows()).toHaveLength(1);
  });

  it('stores an event of a type it does not know yet, and one without an email id', async () => {
    expect((await deliver(stack.target.url, JSON.stringify({ type: 'contact.created', data: {} }))).status).toBe(200);
    expect(await rows()).toEqual([{ svix_id: expect.any(String), type: 'contact.created', email_id: null }]);
  });

  it('refuses malformed JSON after a valid signature (400 invalid_json, nothing stored)', async () => {
    const bodies: (string | Uint8Array<ArrayBuffer>)[] = [
      '',
      '{',
      '{"type": "email.sent",}',
      'not json',
      '{"type":"email.sent","type":"email.bounced"}',
      '{"type":"email.sent","data":{"to":"\\u0000"}}',
      '{"type":"email.sent","data":{"to":"\\ud800"}}',
      new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    ];
    for (const body of bodies) await expectRefused(await deliver(stack.target.url, body), 400, 'invalid_json');
    for (const body of ['[]', '"email.sent"', '{"data":{}}', '{"type":7}']) {
      expect((await deliver(stack.target.url, body)).status).toBe(422);
    }
    expect(await rows()).toEqual([]);
  });

  it('fuzz: 150 malformed JSON bodies, each correctly signed → 400 invalid_json, nothing written', async () => {
    const valid = event('email.bounced');
    const notJson = (text: string) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    };
    // Broken copies of a real event (cut short, a character put in or taken out) and strings of anything.
    const broken = fc.oneof(
      fc.integer({ min: 0, max: valid.length - 1 }).map((n) => valid.slice(0, n)),
      fc
        .tuple(fc.integer({ min: 0, max: valid.length }), fc.constantFrom('{', '}', '"', ',', ':', '[', '\\', 'x'))
        .map(([at, c]) => valid.slice(0, at) + c + valid.slice(at)),
      fc.integer({ min: 0, max: valid.length - 1 }).map((at) => valid.slice(0, at) + valid.slice(at + 1)),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
    const bodies = fc.sample(broken.filter(notJson), { numRuns: 150, seed: 23 });
    for (const body of bodies) await expectRefused(await deliver(stack.target.url, body), 400, 'invalid_json');
  });

  it('refuses JSON nested deeper than 32 levels (400), and keeps a created_at PostgreSQL cannot store as no time', async () => {
    const deep = (n: number) => `{"type":"email.sent","data":${'['.repeat(n)}${']'.repeat(n)}}`;
    await expectRefused(await deliver(stack.target.url, deep(20_000)), 400, 'invalid_json');
    await expectRefused(await deliver(stack.target.url, deep(40)), 400, 'invalid_json');
    expect((await deliver(stack.target.url, deep(20))).status).toBe(200);
    for (const at of ['+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '99999-99-99']) {
      const body = JSON.stringify({ type: 'email.sent', created_at: at, data: {} });
      expect((await deliver(stack.target.url, body)).status).toBe(200);
    }
    const times = await stack.db.query<{ created_at: Date | null }>('SELECT created_at FROM email_events');
    expect(times).toEqual([{ created_at: null }, { created_at: null }, { created_at: null }, { created_at: null }]);
  });

  it('refuses a body over 64 KiB (413) before checking anything', async () => {
    const big = JSON.stringify({ type: 'email.sent', data: { pad: 'x'.repeat(64 * 1024) } });
    await expectRefused(await deliver(stack.target.url, big), 413, 'payload_too_large');
    // Just under the limit passes.
    const fits = JSON.stringify({ type: 'email.sent', data: { pad: 'x'.repeat(60 * 1024) } });
    expect((await deliver(stack.target.url, fits)).status).toBe(200);
  });
});

describe.each(TARGETS)("a confirmation's delivery from its events on %s", (_name, startTarget) => {
  const stack = useStack('fl_webhooks_delivery', startTarget, { RESEND_WEBHOOK_SECRET: NEW_SECRET });

  /** A registration whose confirmation was sent, and the provider's id of that email. */
  async function sentConfirmation(): Promise<{ id: string; emailId: string }> {
    const response = await post(stack.target, '/api/registrations', runner());
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    let emailId = '';
    await eventually(async () => {
      const [row] = await stack.db.query<{ email_id: string | null }>(
        "select result->>'id' as email_id from tasks where registration_id = $1 and status = 'succeeded'",
        [id],
      );
      expect(row?.email_id).toEqual(expect.any(String));
      emailId = row?.email_id as string;
    });
    return { id, emailId };
  }

  async function deliveryOf(id: string): Promise<unknown> {
    const body = (await (await fetch(`${stack.target.url}/api/registrations/${id}`)).json()) as {
      email: { status: string; delivery?: string };
    };
    expect(body.email.status).toBe('sent');
    return body.email.delivery;
  }

  it('has no delivery until an event came, then the highest by precedence, whatever the order', async () => {
    const { id, emailId } = await sentConfirmation();
    expect(await deliveryOf(id)).toBeUndefined();
    expect((await deliver(stack.target.url, event('email.delivery_delayed', emailId))).status).toBe(200);
    expect(await deliveryOf(id)).toBe('delayed');
    expect((await deliver(stack.target.url, event('email.bounced', emailId))).status).toBe(200);
    expect(await deliveryOf(id)).toBe('bounced');
    // Late arrivals of lower rank (and a redelivery) do not move it back.
    for (const type of ['email.delivered', 'email.sent', 'email.delivery_delayed']) {
      expect((await deliver(stack.target.url, event(type, emailId))).status).toBe(200);
    }
    expect(await deliveryOf(id)).toBe('bounced');
  });

  it('finds each registration by its own email id; an event for an unknown email is stored and changes nobody', async () => {
    const [a, b] = [await sentConfirmation(), await sentConfirmation()];
    await deliver(stack.target.url, event('email.delivered', a.emailId));
    await deliver(stack.target.url, event('email.complained', b.emailId));
    const unknown = await deliver(stack.target.url, event('email.bounced', 'no-such-email'));
    expect(unknown.status).toBe(200);
    expect(await deliveryOf(a.id)).toBe('delivered');
    expect(await deliveryOf(b.id)).toBe('complained');
  });
});

describe('suppression from webhook events (node)', () => {
  const stack = useStack('fl_webhooks_suppress', startNodeTarget, { RESEND_WEBHOOK_SECRET: NEW_SECRET });
  const suppressed = () =>
    stack.db.query<{ email_normalized: string; reason: string }>(
      'SELECT email_normalized, reason FROM suppressed_addresses ORDER BY email_normalized',
    );
  const withTo = (type: string, to: unknown, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ type, created_at: new Date().toISOString(), data: { email_id: 'e1', to, ...extra } });

  it('stores the addresses of a hard bounce, a complaint and a suppression (normalized, once); not of the others', async () => {
    const id = nextId();
    const bounce = withTo('email.bounced', ['Runner <Bounced@Example.COM>'], { bounce: { type: 'Permanent' } });
    for (let i = 0; i < 2; i++) expect((await deliver(stack.target.url, bounce, { id })).status).toBe(200);
    await deliver(stack.target.url, withTo('email.complained', 'complained@example.com'));
    await deliver(stack.target.url, withTo('email.suppressed', ['suppressed@example.com']));
    // The same address again (another event): the first reason stays.
    await deliver(stack.target.url, withTo('email.complained', ['bounced@example.com']));
    // Not suppressing: a transient bounce, a delivery, a failure, no recipients, a recipient that is no address.
    await deliver(stack.target.url, withTo('email.bounced', ['soft@example.com'], { bounce: { type: 'Transient' } }));
    await deliver(stack.target.url, withTo('email.delivered', ['fine@example.com']));
    await deliver(stack.target.url, withTo('email.failed', ['failed@example.com']));
    await deliver(stack.target.url, withTo('email.bounced', []));
    await deliver(stack.target.url, withTo('email.bounced', [7, 'no-at-sign']));
    expect(await suppressed()).toEqual([
      { email_normalized: 'bounced@example.com', reason: 'bounced' },
      { email_normalized: 'complained@example.com', reason: 'complained' },
      { email_normalized: 'suppressed@example.com', reason: 'suppressed' },
    ]);
  });
});

describe('without RESEND_WEBHOOK_SECRET', () => {
  const stack = useStack('fl_webhooks_off', startNodeTarget, {}, { resend: false });
  it('has no webhook route (404 like any unknown path)', async () => {
    const response = await deliver(stack.target.url, event());
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'route not found' } });
  });
});
