// The admin API's real answers against /openapi.json: the admin routes in a Hono app with the app's
// error handler, on a real PostgreSQL (as in admin-api.test.ts), every answer checked by the contract
// checker — successes with every kind of row, and each error the routes can give.

import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/adapters/db/store.js';
import { handleError } from '../../src/app/errors.js';
import { openApiDocument } from '../../src/app/openapi/index.js';
import { type AdminRouteDeps, adminRoutes } from '../../src/app/routes/admin.js';
import { DEFAULT_RACE } from '../../src/domain/race.js';
import type { AdminStore } from '../../src/ports/admin-store.js';
import { StoreUnavailableError } from '../../src/ports/errors.js';
import { silentLogger } from '../../src/ports/logger.js';
import { REGISTRATION_STATUSES, type Store } from '../../src/ports/store.js';
import { type NewTask, TASK_STATUSES } from '../../src/ports/tasks.js';
import type { DeliveryState } from '../../src/tasks/engine.js';
import { useAdminDatabase } from '../support/admin-database.js';
import { newRegistration, noWaitlist } from '../support/fixtures.js';
import { answerOf, contractChecker, type OpenApiLike } from '../support/openapi-contract.js';
import { givenServices } from '../support/services.js';

const TOKEN = 'admin-token-for-contract-tests-0123';
const MAX_ATTEMPTS = 3;
const RACE = 'admin-contract-race-2027';
const checker = contractChecker(openApiDocument(DEFAULT_RACE) as unknown as OpenApiLike);

/** One request per admin operation. */
const ADMIN_OPERATIONS: [string, string][] = [
  ['GET', '/api/admin/tasks'],
  ['POST', `/api/admin/tasks/${randomUUID()}/retry`],
  ['GET', '/api/admin/registrations'],
  ['POST', `/api/admin/registrations/${randomUUID()}/withdraw`],
  ['GET', '/api/admin/registrations.csv'],
  ['GET', '/api/admin/metrics'],
  ['GET', '/metrics'],
];

const data = useAdminDatabase('fl_admin_contract', { race: RACE, maxAttempts: MAX_ATTEMPTS });
const { enqueue, enqueueDead, enqueueTask, deadLetter } = data;
const REMINDER = 'send-reminder-email';

/** Wrong tokens per client: blocked for a minute after the third (a stand-in for the real limiter). */
function failureLimiter(): AdminRouteDeps['adminAuthLimiter'] {
  let failures = 0;
  const verdict = () =>
    failures >= 3 ? { allowed: false, retryAfterSeconds: 60 } : { allowed: true, retryAfterSeconds: 0 };
  return {
    fail: async () => {
      failures += 1;
      return verdict();
    },
    blocked: verdict,
  };
}

/** The Store with one place per distance: the second runner of a distance joins its waitlist. */
let capped: Store;
beforeAll(() => {
  capped = createStore(data.handle.db, () => 1);
});

function newTask(kind: string): NewTask {
  return {
    id: randomUUID(),
    kind,
    payload: {},
    priority: 0,
    maxAttempts: 3,
    start: 'claim',
    leaseOwner: '',
    leaseMs: 60_000,
  };
}

function buildApp(options: { delivery?: DeliveryState; admin?: AdminStore; store?: Partial<Store> } = {}): Hono {
  const delivery = options.delivery ?? { state: 'running' };
  const app = new Hono();
  app.use(
    givenServices({
      admin: options.admin ?? data.admin,
      store: options.store ?? data.store,
      engine: { deliveryState: () => delivery, start: async () => {}, expectDue: () => {} },
    }),
  );
  app.route(
    '/',
    adminRoutes({
      ...noWaitlist(),
      adminToken: TOKEN,
      logger: silentLogger,
      maxAttempts: MAX_ATTEMPTS,
      adminAuthLimiter: failureLimiter(),
      clientKey: () => 'test-client',
      isHttps: () => false,
    }),
  );
  app.onError(handleError(silentLogger));
  return app;
}

/** Calls the app and fails the test when the answer is not the documented one. */
async function call(path: string, init: { method?: string; token?: boolean | string; app?: Hono } = {}) {
  const method = init.method ?? 'GET';
  const token = init.token === undefined || init.token === true ? TOKEN : init.token;
  const headers: Record<string, string> = token === false ? {} : { authorization: `Bearer ${token}` };
  const res = await (init.app ?? buildApp()).request(path, { method, headers });
  expect(checker.check(await answerOf(method, path, res)), `${method} ${path}`).toEqual([]);
  return res;
}

describe('admin answers match /openapi.json', () => {
  it('GET /api/admin/tasks: empty, then running, dead, succeeded, replayed and cancelled tasks of two kinds, paged', async () => {
    expect(await (await call('/api/admin/tasks')).json()).toEqual({ tasks: [], nextCursor: null });
    const running = await enqueue();
    await enqueueDead();
    const sent = await enqueue();
    expect(await data.tasks.completeTask(sent.task, { startedAt: new Date(), durationMs: 12 }, { id: 'email-1' })).toBe(
      true,
    );
    const replayed = await enqueueDead();
    await call(`/api/admin/tasks/${replayed.task.id}/retry`, { method: 'POST' });
    // A task whose lease expired and was claimed again by a sweeper: an `abandoned` attempt.
    await data.db.query(`UPDATE tasks SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [
      running.task.id,
    ]);
    await data.tasks.claimTasks('sweeper', 10, 60_000);
    // Another kind, with keys and a priority: one scheduled, one cancelled.
    const tomorrow = new Date(Date.now() + 86_400_000);
    await enqueueTask({ kind: REMINDER, key: 'reminder:1', priority: 10, runAt: tomorrow });
    await enqueueTask({ kind: REMINDER, key: 'reminder:2', priority: 10, runAt: tomorrow });
    expect(await data.tasks.cancelTask(REMINDER, 'reminder:2')).toBe('cancelled');

    const all = (await (await call('/api/admin/tasks')).json()) as {
      tasks: { attemptsLog: unknown[]; key: string | null }[];
    };
    expect(all.tasks).toHaveLength(6);
    expect(all.tasks.some((t) => t.attemptsLog.length > 0)).toBe(true);
    expect(all.tasks.some((t) => t.key !== null)).toBe(true);
    const page = (await (await call('/api/admin/tasks?limit=1')).json()) as { nextCursor: string | null };
    expect(page.nextCursor).not.toBeNull();
    await call(`/api/admin/tasks?limit=1&cursor=${page.nextCursor}`);
    for (const status of TASK_STATUSES) await call(`/api/admin/tasks?status=${status}`);
    await call(`/api/admin/tasks?kind=${REMINDER}&status=cancelled`);
    await call('/api/admin/tasks?kind=no-such-kind');
  });

  it('GET /api/admin/tasks errors: 401 without the token, 422 for a bad query', async () => {
    expect((await call('/api/admin/tasks', { token: false })).status).toBe(401);
    expect((await call('/api/admin/tasks?limit=0&status=nope')).status).toBe(422);
    expect((await call('/api/admin/tasks?cursor=garbage!')).status).toBe(422);
    expect((await call('/api/admin/tasks?kind=Not_A_Kind')).status).toBe(422);
  });

  it('POST /api/admin/tasks/:id/retry: 200, 409 not_dead and key_taken, 404 unknown or malformed, 401', async () => {
    const { task } = await enqueueDead();
    expect((await call(`/api/admin/tasks/${task.id}/retry`, { method: 'POST' })).status).toBe(200);
    expect((await call(`/api/admin/tasks/${task.id}/retry`, { method: 'POST' })).status).toBe(409);
    const keyed = await enqueueTask({ kind: REMINDER, key: 'reminder:3' });
    await deadLetter(keyed);
    await enqueueTask({ kind: REMINDER, key: 'reminder:3' });
    expect((await call(`/api/admin/tasks/${keyed.id}/retry`, { method: 'POST' })).status).toBe(409);
    expect((await call(`/api/admin/tasks/${randomUUID()}/retry`, { method: 'POST' })).status).toBe(404);
    expect((await call('/api/admin/tasks/not-a-uuid/retry', { method: 'POST' })).status).toBe(404);
    expect((await call(`/api/admin/tasks/${task.id}/retry`, { method: 'POST', token: false })).status).toBe(401);
  });

  it('GET /api/admin/registrations: every strategy and email status, filtered and paged; 422; 401', async () => {
    await enqueue({ firstName: 'Ada' });
    await enqueueDead({ distance: 'full' });
    const pending = await enqueueDead();
    await call(`/api/admin/tasks/${pending.task.id}/retry`, { method: 'POST' });
    for (const strategy of ['sequential', 'fire-and-forget', 'wait-until', 'parallel'] as const) {
      expect(await data.store.insertRegistration(newRegistration(RACE, { strategy }))).toBe('stored');
    }
    const body = (await (await call('/api/admin/registrations')).json()) as {
      registrations: { emailStatus: string }[];
    };
    expect(new Set(body.registrations.map((r) => r.emailStatus))).toEqual(
      new Set(['sending', 'failed', 'pending', 'not_tracked']),
    );
    const page = (await (await call('/api/admin/registrations?limit=2&q=a&distance=half')).json()) as {
      nextCursor: string | null;
    };
    await call(`/api/admin/registrations?limit=2&cursor=${page.nextCursor}&strategy=outbox`);
    expect((await call('/api/admin/registrations?strategy=carrier-pigeon')).status).toBe(422);
    expect((await call('/api/admin/registrations', { token: false })).status).toBe(401);
  });

  it('GET /api/admin/registrations in every status, the waitlist in order and paged; POST …/withdraw: 200, 404, 401', async () => {
    const join = async () => {
      const registration = newRegistration(RACE, { distance: 'full' });
      const waitlist = { notice: newTask('send-runner-email') };
      await capped.insertRegistrationWithTask(registration, newTask('send-confirmation-email'), undefined, waitlist);
      return registration.id;
    };
    const [registered, first, second, third] = [await join(), await join(), await join(), await join()];
    // The registered runner leaves; the head of the waitlist is offered the place, with a deadline.
    const offer = { email: newTask('send-runner-email'), expiry: newTask('expire-hold'), offerTtlMs: 60_000 };
    expect(
      await capped.release({
        registrationId: registered!,
        from: 'registered',
        to: 'withdrawn',
        tasks: [],
        cancelKinds: [],
        offer,
      }),
    ).toEqual({ released: true, offeredId: first, catchUpId: null });
    await data.db.query(`UPDATE registrations SET status = 'expired' WHERE id = $1`, [third]);
    // A place held until the runner confirms their address (the status exists; nothing writes it yet).
    const held = await enqueue();
    await data.db.query(
      `UPDATE registrations SET status = 'pending_verification', hold_expires_at = now() + interval '1 hour'
       WHERE id = $1`,
      [held.registration.id],
    );
    await enqueue();

    const all = (await (await call('/api/admin/registrations')).json()) as { registrations: { status: string }[] };
    expect(new Set(all.registrations.map((r) => r.status))).toEqual(new Set(REGISTRATION_STATUSES));
    for (const status of REGISTRATION_STATUSES) await call(`/api/admin/registrations?status=${status}`);
    const page = (await (await call('/api/admin/registrations?status=waitlisted&distance=full&limit=1')).json()) as {
      registrations: { id: string; position: number }[];
      nextCursor: string | null;
    };
    expect(page.registrations).toMatchObject([{ id: second, position: 1 }]);
    expect(page.nextCursor).toBeNull();
    expect((await call('/api/admin/registrations?status=nope')).status).toBe(422);

    expect((await call(`/api/admin/registrations/${first}/withdraw`, { method: 'POST' })).status).toBe(200);
    expect((await call(`/api/admin/registrations/${third}/withdraw`, { method: 'POST' })).status).toBe(200);
    expect((await call(`/api/admin/registrations/${randomUUID()}/withdraw`, { method: 'POST' })).status).toBe(404);
    expect((await call('/api/admin/registrations/nope/withdraw', { method: 'POST' })).status).toBe(404);
    expect((await call(`/api/admin/registrations/${second}/withdraw`, { method: 'POST', token: false })).status).toBe(
      401,
    );
  });

  it('GET /api/admin/registrations and /api/admin/metrics with what Resend reported: every delivery, filtered; 422', async () => {
    const deliveries = ['sent', 'delayed', 'delivered', 'failed', 'suppressed', 'bounced', 'complained'];
    const types = ['email.sent', 'email.delivery_delayed', 'email.delivered', 'email.failed', 'email.suppressed'];
    for (const [i, type] of [...types, 'email.bounced', 'email.complained', 'email.opened'].entries()) {
      const seeded = await enqueue();
      await data.db.query(
        `WITH sent AS (UPDATE tasks SET status = 'succeeded', result = jsonb_build_object('id', $2::text) WHERE id = $1)
         INSERT INTO email_events (svix_id, type, email_id, payload) VALUES ($3, $4, $2, '{}'::jsonb)`,
        [seeded.task.id, `email-contract-${i}`, `msg_contract_${i}`, type],
      );
    }
    await data.db.query(
      `INSERT INTO tasks (id, kind, payload, status, max_attempts, run_at, priority, result)
       VALUES (gen_random_uuid(), 'send-reminder-email', '{}'::jsonb, 'cancelled', 3, now(), 10, '{"skipped":"suppressed"}'::jsonb)`,
    );
    await data.db.query(
      "INSERT INTO suppressed_addresses (email_normalized, reason, svix_id) VALUES ('x@example.com', 'bounced', 'msg_contract_5')",
    );
    await enqueue(); // no event yet: delivery null
    const body = (await (await call('/api/admin/registrations')).json()) as {
      registrations: { delivery: string | null }[];
    };
    expect(new Set(body.registrations.map((r) => r.delivery))).toEqual(new Set([...deliveries, null]));
    for (const delivery of deliveries) {
      const page = (await (await call(`/api/admin/registrations?delivery=${delivery}&limit=1`)).json()) as {
        registrations: { delivery: string }[];
      };
      expect(page.registrations.map((r) => r.delivery)).toEqual([delivery]);
    }
    expect((await call('/api/admin/registrations?delivery=opened')).status).toBe(422);
    expect((await call('/api/admin/registrations.csv?delivery=bounced')).status).toBe(200);
    const metrics = (await (await call('/api/admin/metrics')).json()) as Record<string, unknown>;
    expect(metrics).toMatchObject({ emailsSkipped: { suppressed: 1 }, suppressedAddresses: 1 });
  });

  it('GET /api/admin/registrations.csv: 200 text/csv; 422; 401', async () => {
    await enqueue({ firstName: '=SUM(A1)', address: 'Rue "Haute", 3\r\nBruxelles' });
    const res = await call('/api/admin/registrations.csv?distance=half');
    expect(res.status).toBe(200);
    expect((await call('/api/admin/registrations.csv?q=nobody')).status).toBe(200);
    expect((await call('/api/admin/registrations.csv?strategy=nope')).status).toBe(422);
    expect((await call('/api/admin/registrations.csv', { token: false })).status).toBe(401);
  });

  it.each<[string, DeliveryState]>([
    ['running', { state: 'running' }],
    ['paused', { state: 'paused', reason: 'invalid_api_key', until: new Date(0).toISOString() }],
    ['held', { state: 'paused', reason: 'no_provider', until: null }],
  ])('GET /api/admin/metrics and /metrics while delivery is %s', async (_name, delivery) => {
    await enqueueDead();
    await enqueue();
    await enqueueTask({ kind: REMINDER, key: 'reminder:4', priority: 10, runAt: new Date(Date.now() + 60_000) });
    const app = buildApp({ delivery });
    const metrics = await call('/api/admin/metrics', { app });
    expect(((await metrics.json()) as { delivery: unknown }).delivery).toEqual(delivery);
    expect((await call('/metrics', { app })).status).toBe(200);
    expect((await call('/metrics', { app, token: false })).status).toBe(401);
    expect((await call('/api/admin/metrics', { app, token: false })).status).toBe(401);
  });

  it('500 internal and 503 unavailable (with Retry-After) on every admin operation', async () => {
    const failing = (error: () => Error): AdminStore => {
      const fail = async () => {
        throw error();
      };
      return {
        ...data.admin,
        listTasks: fail,
        countTasksByStatus: fail,
        replayDeadTask: fail,
        listRegistrations: fail,
        placesByDistance: fail,
        deliveryMetrics: fail,
      };
    };
    const failingStore = (error: () => Error): Partial<Store> => ({
      findRegistration: async () => {
        throw error();
      },
    });
    const internal = () => new Error('relation "tasks" does not exist');
    const broken = buildApp({ admin: failing(internal), store: failingStore(internal) });
    // What the adapters throw when the database cannot be reached (the driver's error as its cause).
    const unavailable = () => new StoreUnavailableError(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    const down = buildApp({ admin: failing(unavailable), store: failingStore(unavailable) });
    for (const [method, path] of ADMIN_OPERATIONS) {
      expect((await call(path, { method, app: broken })).status, `${method} ${path}`).toBe(500);
      expect((await call(path, { method, app: down })).status, `${method} ${path}`).toBe(503);
    }
  });

  it('429 rate_limited with Retry-After once a client sent too many wrong tokens, on every admin operation', async () => {
    const app = buildApp();
    for (let i = 0; i < 2; i++) expect((await call('/api/admin/tasks', { app, token: 'wrong' })).status).toBe(401);
    expect((await call('/api/admin/tasks', { app, token: 'wrong' })).status).toBe(429);
    for (const [method, path] of ADMIN_OPERATIONS) {
      expect((await call(path, { method, app })).status, `${method} ${path}`).toBe(429);
    }
  });
});
