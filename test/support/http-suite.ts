// The HTTP contract, defined once and run against every target (Node and workerd), each on its own
// fresh PostgreSQL database and its own Resend stand-in.
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../tools/postgres.js';
import { waitUntilDelivered } from './delivery.js';
import { runner } from './fixtures.js';
import { eventually, post } from './http.js';
import { checkAnswersAgainstOpenApi } from './openapi-contract.js';
import { useStack } from './stack.js';
import type { StartTarget } from './targets.js';

export const THANKS = 'Thanks for registering for our Marathon';

/**
 * True while the promise is still pending after the event loop had a chance to settle it. A wait on
 * purpose: "no answer yet" is an absence, which only a window of time can show.
 */
async function isPending(promise: Promise<unknown>, waitMs = 150): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await new Promise((r) => setTimeout(r, waitMs));
  return !settled;
}

async function counts(db: TestDatabase) {
  const [row] = await db.query<{ registrations: number; tasks: number }>(
    'SELECT (SELECT count(*)::int FROM registrations) AS registrations, (SELECT count(*)::int FROM tasks) AS tasks',
  );
  return row!;
}

const SEED_ROUTES = [
  '/api/marathon-sequential',
  '/api/marathon-fire-and-forget',
  '/api/marathon-waituntil',
  '/api/marathon-parallel',
  '/api/marathon-outbox',
  '/api/registrations',
];

export function defineHttpSuite(targetName: string, startTarget: StartTarget) {
  describe(`HTTP contract on ${targetName}`, () => {
    const stack = useStack(`fl_http_${targetName}`, startTarget, {
      TASK_TIMEOUT_MS: '5000',
      EMAIL_RATE_LIMIT_PER_SEC: '50',
      TASK_LEASE_MS: '60000',
    });

    beforeEach(() => stack.resend.reset());
    // Every answer a test below gets from the target must be the one /openapi.json documents.
    checkAnswersAgainstOpenApi(() => stack.target);

    describe('health and race', () => {
      it('answers /healthz and /readyz', async () => {
        expect(await (await fetch(`${stack.target.url}/healthz`)).json()).toEqual({ status: 'ok' });
        const ready = await fetch(`${stack.target.url}/readyz`);
        expect(ready.status).toBe(200);
        expect(await ready.json()).toEqual({ status: 'ready', delivery: { state: 'running' } });
      });

      it('shows the race with spots left per distance', async () => {
        const before = await (await fetch(`${stack.target.url}/api/race`)).json();
        expect(before.name).toBe('Riverside Marathon 2027');
        expect(before.distances.map((d: { id: string }) => d.id)).toEqual(['10', 'half', 'full']);
        await post(stack.target, '/api/registrations', runner({ distance: '10' }));
        const after = await (await fetch(`${stack.target.url}/api/race`)).json();
        expect(after.distances[0].spotsLeft).toBe(before.distances[0].spotsLeft - 1);
        expect(after.distances[1].spotsLeft).toBe(before.distances[1].spotsLeft);
      });

      it('sets secure headers', async () => {
        const res = await fetch(`${stack.target.url}/api/race`);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      });
    });

    describe('POST /api/registrations (outbox)', () => {
      it('stores the registration and its task, answers before the email, then delivers it once', async () => {
        const gate = stack.resend.hold();
        const input = runner();
        const res = await post(stack.target, '/api/registrations', input);
        expect(res.status).toBe(201);
        const body = await res.json();
        expect(body).toEqual({
          id: expect.any(String),
          status: 'registered',
          distance: 'half',
          email: { status: 'sending' },
        });
        expect(res.headers.get('location')).toBe(`/api/registrations/${body.id}`);
        // The answer came while the provider still holds the email.
        await gate.waitForHeld(1);
        expect(stack.resend.acceptedFor(input.email)).toBe(0);
        const during = await (await fetch(`${stack.target.url}/api/registrations/${body.id}`)).json();
        expect(during.email.status).toBe('sending');
        gate.release();
        await stack.resend.waitForAccepted(1);
        await eventually(async () => {
          const status = await (await fetch(`${stack.target.url}/api/registrations/${body.id}`)).json();
          expect(status.email).toMatchObject({ status: 'sent', attempts: 1 });
        });
        expect(stack.resend.acceptedFor(input.email)).toBe(1);
        // The email went in a batch: the batch id, recorded with the attempt, is the Idempotency-Key. (The
        // batch may also carry an earlier test's retried email, so count this runner's under that key.)
        const [attempt] = await stack.db.query<{ batch_id: string }>(
          `SELECT a.batch_id FROM task_attempts a JOIN tasks t ON t.id = a.task_id
           WHERE t.registration_id = $1 AND a.outcome = 'succeeded'`,
          [body.id],
        );
        expect(attempt!.batch_id).toBeTruthy();
        const underKey = stack.resend.accepted().filter((e) => e.idempotencyKey === attempt!.batch_id);
        expect(underKey.filter((e) => e.to.includes(input.email))).toHaveLength(1);
        // This runner's (an earlier test's retried email may share the stand-in's list).
        const email = stack.resend.accepted().find((e) => e.to.includes(input.email));
        expect(email!.subject).toBe("You're registered for Riverside Marathon 2027");
        expect(email!.text).toContain(body.id);
        expect(email!.html).toContain('Ada');
      });

      it('shows one registration by id, and 404 for unknown or malformed ids', async () => {
        const { id } = await (await post(stack.target, '/api/registrations', runner({ distance: 'full' }))).json();
        const found = await fetch(`${stack.target.url}/api/registrations/${id}`);
        expect(found.status).toBe(200);
        expect(await found.json()).toMatchObject({ id, status: 'registered', distance: 'full', firstName: 'Ada' });
        for (const bad of [crypto.randomUUID(), 'not-a-uuid', "1' OR '1'='1"]) {
          const res = await fetch(`${stack.target.url}/api/registrations/${encodeURIComponent(bad)}`);
          expect(res.status).toBe(404);
          expect((await res.json()).error.code).toBe('not_found');
        }
      });

      it('refuses a second registration for the same email, case-insensitively', async () => {
        const input = runner();
        expect((await post(stack.target, '/api/registrations', input)).status).toBe(201);
        const again = await post(stack.target, '/api/registrations', {
          ...input,
          email: ` ${input.email.toUpperCase()} `,
        });
        expect(again.status).toBe(409);
        expect((await again.json()).error.code).toBe('already_registered');
        await waitUntilDelivered(stack.db, [input.email]);
        expect(stack.resend.acceptedFor(input.email)).toBe(1);
      });

      it('lets exactly one of 20 concurrent duplicates through', async () => {
        const input = runner();
        const statuses = await Promise.all(
          Array.from({ length: 20 }, () => post(stack.target, '/api/registrations', input).then((r) => r.status)),
        );
        expect(statuses.filter((s) => s === 201)).toHaveLength(1);
        expect(statuses.filter((s) => s === 409)).toHaveLength(19);
        const rows = await stack.db.query('SELECT id FROM registrations WHERE email_normalized = $1', [input.email]);
        expect(rows).toHaveLength(1);
        await stack.resend.waitForAccepted(1);
      });
    });

    describe('strategies (docs/design.md: Strategies)', () => {
      it('sequential answers 200 only after the provider accepted the email', async () => {
        const gate = stack.resend.hold();
        const input = runner();
        const response = post(stack.target, '/api/marathon-sequential', input);
        await gate.waitForHeld(1);
        expect(await isPending(response)).toBe(true);
        gate.release();
        const res = await response;
        expect(res.status).toBe(200);
        expect(await res.text()).toBe(THANKS);
        expect(stack.resend.acceptedFor(input.email)).toBe(1);
      });

      it('sequential answers 502 email_failed when the provider fails (the registration stays)', async () => {
        stack.resend.failNext(1, { status: 422, name: 'validation_error' });
        const input = runner();
        const res = await post(stack.target, '/api/marathon-sequential', input);
        expect(res.status).toBe(502);
        expect((await res.json()).error.code).toBe('email_failed');
        expect(
          await stack.db.query('SELECT 1 FROM registrations WHERE email_normalized = $1', [input.email]),
        ).toHaveLength(1);
      });

      it('sequential answers 502 email_failed when the provider does not answer within the send timeout', async () => {
        // The gate holds the send: only the send's own timer (TASK_TIMEOUT_MS) can end it.
        const gate = stack.resend.hold();
        try {
          const input = runner();
          const res = await post(stack.target, '/api/marathon-sequential', input);
          expect(res.status).toBe(502);
          expect((await res.json()).error.code).toBe('email_failed');
          expect(stack.resend.acceptedFor(input.email)).toBe(0);
        } finally {
          gate.release();
        }
      });

      for (const [route, status] of [
        ['/api/marathon-waituntil', 201],
        ['/api/marathon-outbox', 201],
        ['/api/marathon-fire-and-forget', 201],
      ] as const) {
        it(`${route} answers ${status} before the email is accepted, then it is sent once`, async () => {
          const gate = stack.resend.hold();
          const input = runner();
          const res = await post(stack.target, route, input);
          expect(res.status).toBe(status);
          expect(await res.text()).toBe(THANKS);
          expect(
            await stack.db.query('SELECT 1 FROM registrations WHERE email_normalized = $1', [input.email]),
          ).toHaveLength(1);
          await gate.waitForHeld(1);
          expect(stack.resend.acceptedFor(input.email)).toBe(0);
          gate.release();
          await stack.resend.waitForAccepted(1);
          if (route === '/api/marathon-outbox') await waitUntilDelivered(stack.db, [input.email]);
          // A direct send leaves no record to wait on: only a quiet moment can show no second one follows.
          else await new Promise((r) => setTimeout(r, 100));
          expect(stack.resend.acceptedFor(input.email)).toBe(1);
        });
      }

      it('the email Worker strategies answer 501 strategy_unavailable without its bindings, storing nothing', async () => {
        for (const route of ['/api/marathon-service-binding', '/api/marathon-queue']) {
          const input = runner();
          const res = await post(stack.target, route, input);
          expect(res.status, route).toBe(501);
          expect((await res.json()).error.code).toBe('strategy_unavailable');
          expect(
            await stack.db.query('SELECT 1 FROM registrations WHERE email_normalized = $1', [input.email]),
          ).toHaveLength(0);
        }
      });

      it('parallel answers 202 before the row exists', async () => {
        // Hold a lock that blocks inserts (reads still work) so "before" is certain, not a race.
        const locker = new pg.Client({ connectionString: stack.db.url });
        await locker.connect();
        try {
          await locker.query('BEGIN');
          await locker.query('LOCK TABLE registrations IN SHARE ROW EXCLUSIVE MODE');
          const input = runner();
          const res = await post(stack.target, '/api/marathon-parallel', input);
          expect(res.status).toBe(202);
          expect(await res.text()).toBe(THANKS);
          const before = await locker.query('SELECT 1 FROM registrations WHERE email_normalized = $1', [input.email]);
          expect(before.rows).toHaveLength(0);
          await locker.query('COMMIT');
          await eventually(async () => {
            expect(
              await stack.db.query('SELECT 1 FROM registrations WHERE email_normalized = $1', [input.email]),
            ).toHaveLength(1);
          });
          await stack.resend.waitForAccepted(1);
          expect(stack.resend.acceptedFor(input.email)).toBe(1);
        } finally {
          await locker.end();
        }
      });

      it('every strategy refuses a duplicate it awaited (parallel cannot: it already answered)', async () => {
        const input = runner();
        expect((await post(stack.target, '/api/marathon-waituntil', input)).status).toBe(201);
        for (const route of SEED_ROUTES.filter((r) => r !== '/api/marathon-parallel')) {
          const res = await post(stack.target, route, { ...input, email: input.email.toUpperCase() });
          expect(res.status, route).toBe(409);
          expect((await res.json()).error.code).toBe('already_registered');
        }
        await stack.resend.waitForAccepted(1);
      });
    });

    describe('validation and errors (docs/design.md: HTTP contract)', () => {
      const BAD_BODIES: [string, unknown, string][] = [
        ['missing field', { ...runner(), firstName: undefined }, 'firstName'],
        ['empty name', runner({ lastName: '   ' }), 'lastName'],
        ['name too long', runner({ firstName: 'x'.repeat(101) }), 'firstName'],
        ['wrong type', runner({ firstName: 42 }), 'firstName'],
        ['null', runner({ address: null }), 'address'],
        ['invalid email', runner({ email: 'not-an-email' }), 'email'],
        ['email too long', runner({ email: `${'a'.repeat(250)}@example.com` }), 'email'],
        ['email with CRLF', runner({ email: 'a@example.com\r\nBcc: x@example.com' }), 'email'],
        ['address too long', runner({ address: 'x'.repeat(301) }), 'address'],
        ['control character', runner({ firstName: 'Ad\u0007a' }), 'firstName'],
        ['newline in a name', runner({ firstName: 'Ada\nBcc: x' }), 'firstName'],
        ['unknown distance', runner({ distance: 'ultra' }), 'distance'],
        ['unknown field', runner({ admin: true }), 'admin'],
        ['array body', [runner()], ''],
        ['string body', 'null', ''],
      ];

      for (const [name, body, path] of BAD_BODIES) {
        it(`422 validation_failed for ${name}, on every route, writing nothing`, async () => {
          const before = await counts(stack.db);
          for (const route of SEED_ROUTES) {
            const res = await post(stack.target, route, typeof body === 'string' ? body : JSON.stringify(body));
            expect(res.status, route).toBe(422);
            const { error } = await res.json();
            expect(error.code).toBe('validation_failed');
            expect(error.details.map((d: { path: string }) => d.path)).toContain(path);
          }
          expect(await counts(stack.db)).toEqual(before);
          expect(stack.resend.requestCount()).toBe(0);
        });
      }

      it('400 invalid_json for malformed JSON and invalid UTF-8', async () => {
        for (const body of ['{"firstName":', '', "{'a':1}", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])]) {
          const res = await fetch(`${stack.target.url}/api/registrations`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          expect(res.status).toBe(400);
          expect((await res.json()).error.code).toBe('invalid_json');
        }
      });

      it('415 unsupported_media_type when the body is not JSON', async () => {
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
          const res = await fetch(`${stack.target.url}/api/registrations`, {
            method: 'POST',
            headers: type ? { 'content-type': type } : {},
            body: JSON.stringify(runner()),
          });
          expect(res.status).toBe(415);
          expect((await res.json()).error.code).toBe('unsupported_media_type');
        }
      });

      it('413 payload_too_large over 16 KiB', async () => {
        const before = await counts(stack.db);
        const res = await post(stack.target, '/api/registrations', runner({ address: 'x'.repeat(17 * 1024) }));
        expect(res.status).toBe(413);
        expect((await res.json()).error.code).toBe('payload_too_large');
        expect(await counts(stack.db)).toEqual(before);
      });

      it('404 not_found for unknown routes, in the envelope', async () => {
        const res = await fetch(`${stack.target.url}/api/nope`);
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'route not found' } });
      });

      it('500 internal leaks no SQL, stack or personal data', async () => {
        await stack.db.query('ALTER TABLE registrations RENAME TO registrations_gone');
        try {
          const input = runner({ firstName: 'Secretname' });
          const res = await post(stack.target, '/api/registrations', input);
          expect(res.status).toBe(500);
          const text = await res.text();
          expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: expect.any(String) } });
          for (const leak of ['registrations', 'INSERT', 'Secretname', input.email, 'at ', '.ts']) {
            expect(text).not.toContain(leak);
          }
        } finally {
          await stack.db.query('ALTER TABLE registrations_gone RENAME TO registrations');
        }
      });
    });
  });
}
