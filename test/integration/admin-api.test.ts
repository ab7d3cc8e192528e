// The admin API on a real PostgreSQL: the admin routes in a Hono app with the app's error handler,
// called in-process (app.request), seeded through the real Store port and raw SQL.

import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, SESSION_TTL_MS, sessionIdHash } from '../../src/app/admin-session/index.js';
import { handleError } from '../../src/app/errors.js';
import { adminRoutes, encodeCursor } from '../../src/app/routes/admin.js';
import { createJsonLogger, type Logger, silentLogger } from '../../src/ports/logger.js';
import type { NewRegistration } from '../../src/ports/store.js';
import { createAdminAuthLimiter } from '../../src/services.js';
import { createTaskEngine } from '../../src/tasks/engine.js';
import { useAdminDatabase } from '../support/admin-database.js';
import { parseCsv } from '../support/csv.js';
import { noWaitlist, newRegistration as registrationFor } from '../support/fixtures.js';
import { givenServices } from '../support/services.js';

const TOKEN = 'admin-token-for-tests-0123456789';
const MAX_ATTEMPTS = 3;
const RACE = 'admin-race-2027';

const data = useAdminDatabase('fl_admin', { race: RACE, maxAttempts: MAX_ATTEMPTS });
const { enqueue, enqueueDead, enqueueTask, deadLetter } = data;
/** A kind other than the confirmation email, as the engine's next kinds are. */
const REMINDER = 'send-reminder-email';
let app: Hono;

/**
 * Called in-process there is no socket: the client key comes from a test header (the entries derive
 * it from the connection, see test/integration/admin-session.test.ts), and the scheme from the URL.
 */
const CLIENT_HEADER = 'x-test-client';

function buildApp(adminToken: string | undefined, logger: Logger = silentLogger): Hono {
  const hono = new Hono();
  const engine = createTaskEngine({
    store: data.tasks,
    kinds: [],
    logger: silentLogger,
    maxAttempts: MAX_ATTEMPTS,
    timeoutMs: 1000,
    leaseMs: 5000,
    retryBaseMs: 10,
    retryMaxMs: 100,
  });
  hono.use(givenServices({ admin: data.admin, engine }));
  hono.route(
    '/',
    adminRoutes({
      ...noWaitlist(),
      adminToken,
      logger,
      maxAttempts: MAX_ATTEMPTS,
      // A fresh limiter per app: each test starts with no failures counted.
      adminAuthLimiter: createAdminAuthLimiter(),
      clientKey: (c) => c.req.header(CLIENT_HEADER) ?? 'test-client',
      isHttps: (c) => new URL(c.req.url).protocol === 'https:',
    }),
  );
  hono.onError(handleError(silentLogger));
  return hono;
}

beforeEach(() => {
  app = buildApp(TOKEN);
});

// --- helpers ---------------------------------------------------------------------------------------

function request(
  path: string,
  init: { method?: string; authorization?: string | null; on?: Hono; client?: string; cookie?: string } = {},
) {
  const headers: Record<string, string> = {};
  const authorization = init.authorization === undefined ? `Bearer ${TOKEN}` : init.authorization;
  if (authorization !== null) headers.authorization = authorization;
  if (init.client) headers[CLIENT_HEADER] = init.client;
  if (init.cookie) headers.cookie = init.cookie;
  return (init.on ?? app).request(path, { method: init.method ?? 'GET', headers });
}

/** A session as the dashboard's sign-in makes one (stored by its hash); returns its id. */
async function startSession(ttlMs = SESSION_TTL_MS): Promise<string> {
  const id = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
  await data.admin.createSession(await sessionIdHash(id), ttlMs);
  return id;
}

const newRegistration = (overrides: Partial<NewRegistration> = {}) => registrationFor(RACE, overrides);

interface TaskJson {
  id: string;
  kind: string;
  key: string | null;
  priority: number;
  runAt: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  registrationId: string | null;
  leaseExpiresAt: string | null;
  attemptsLog: { number: number; startedAt: string; durationMs: number; outcome: string; error: string | null }[];
}

interface RegistrationJson {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  distance: string;
  strategy: string;
  emailStatus: string;
  delivery: string | null;
}

async function listTasks(query = '') {
  const res = await request(`/api/admin/tasks${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { tasks: TaskJson[]; nextCursor: string | null };
}

async function listRegistrations(query = '') {
  const res = await request(`/api/admin/registrations${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { registrations: RegistrationJson[]; nextCursor: string | null };
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string; details?: unknown } };
  expect(body.error.code).toBe(code);
  return body.error;
}

// --- auth ------------------------------------------------------------------------------------------

describe('admin credentials', () => {
  const paths = [
    ['GET', '/api/admin/tasks'],
    ['GET', '/api/admin/registrations'],
    ['GET', '/api/admin/registrations.csv'],
    ['POST', `/api/admin/tasks/${randomUUID()}/retry`],
  ] as const;

  it.each(paths)('%s %s without Authorization → 401 with WWW-Authenticate', async (method, path) => {
    const res = await request(path, { method, authorization: null });
    const error = await expectError(res, 401, 'unauthorized');
    expect(error.message).toBe('missing or wrong admin credentials');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    ['a wrong token', 'Bearer wrong-token-0123456789abcd'],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token and more', `Bearer ${TOKEN}x`],
    ['the Basic scheme', `Basic ${btoa(`admin:${TOKEN}`)}`],
    ['the token without a scheme', TOKEN],
    ['an empty bearer', 'Bearer '],
    ['two tokens', `Bearer ${TOKEN} ${TOKEN}`],
  ])('%s → 401', async (_name, authorization) => {
    await expectError(await request('/api/admin/tasks', { authorization }), 401, 'unauthorized');
  });

  it('refuses everything when no token is configured, saying admin is off (and counting nothing)', async () => {
    const closed = buildApp(undefined);
    for (const authorization of [null, 'Bearer ', `Bearer ${TOKEN}`, 'Bearer undefined']) {
      const error = await expectError(
        await request('/api/admin/tasks', { authorization, on: closed }),
        401,
        'unauthorized',
      );
      expect(error.message).toBe('admin is off: the server has no ADMIN_TOKEN');
    }
  });

  it('accepts the right token, with the scheme in any case', async () => {
    expect((await request('/api/admin/tasks')).status).toBe(200);
    expect((await request('/api/admin/tasks', { authorization: `bearer ${TOKEN}` })).status).toBe(200);
  });

  describe('the dashboard session cookie', () => {
    const withCookie = (path: string, cookie: string, init: { method?: string; authorization?: string } = {}) =>
      request(path, { method: init.method, cookie, authorization: init.authorization ?? null });

    it('reads with a session (GET and HEAD), so a signed-in browser can follow the CSV link', async () => {
      const cookie = `${SESSION_COOKIE}=${await startSession()}`;
      expect((await withCookie('/api/admin/tasks', cookie)).status).toBe(200);
      expect((await withCookie('/api/admin/registrations.csv', cookie)).status).toBe(200);
      expect((await withCookie('/api/admin/registrations', cookie, { method: 'HEAD' })).status).toBe(200);
    });

    it('takes the cookie name its scheme allows: __Host- over https only, the plain name over http only', async () => {
      const id = await startSession();
      const https = (path: string, cookie: string) =>
        request(`https://admin.example${path}`, { cookie, authorization: null });
      expect((await https('/api/admin/tasks', `__Host-${SESSION_COOKIE}=${id}`)).status).toBe(200);
      await expectError(await https('/api/admin/tasks', `${SESSION_COOKIE}=${id}`), 401, 'unauthorized');
      await expectError(await withCookie('/api/admin/tasks', `__Host-${SESSION_COOKIE}=${id}`), 401, 'unauthorized');
    });

    it('refuses an unknown, ended or malformed session, and the token itself as a cookie', async () => {
      const unknown = btoa('x'.repeat(32)).replace(/=+$/, '');
      await expectError(await withCookie('/api/admin/tasks', `${SESSION_COOKIE}=${unknown}`), 401, 'unauthorized');
      const ended = await startSession();
      await data.db.query(`UPDATE admin_sessions SET expires_at = now() - interval '1 second'`);
      await expectError(await withCookie('/api/admin/tasks', `${SESSION_COOKIE}=${ended}`), 401, 'unauthorized');
      await expectError(await withCookie('/api/admin/tasks', `${SESSION_COOKIE}=wrong`), 401, 'unauthorized');
      for (const cookie of [`${SESSION_COOKIE}=${TOKEN}`, `finishline_admin=${TOKEN}`, `other=${TOKEN}`]) {
        await expectError(await withCookie('/api/admin/tasks', cookie), 401, 'unauthorized');
      }
    });

    it('never takes a session id as a Bearer token, and a wrong Bearer header wins over a good cookie', async () => {
      const id = await startSession();
      await expectError(await request('/api/admin/tasks', { authorization: `Bearer ${id}` }), 401, 'unauthorized');
      const both = await withCookie('/api/admin/tasks', `${SESSION_COOKIE}=${id}`, { authorization: 'Bearer wrong' });
      await expectError(both, 401, 'unauthorized');
    });

    it('refuses sessions when no token is configured (the admin API is off)', async () => {
      const closed = buildApp(undefined);
      const cookie = `${SESSION_COOKIE}=${await startSession()}`;
      await expectError(
        await request('/api/admin/tasks', { on: closed, cookie, authorization: null }),
        401,
        'unauthorized',
      );
    });

    it('never writes with the cookie alone: the JSON retry stays Bearer-only', async () => {
      const { task } = await enqueueDead();
      const cookie = `${SESSION_COOKIE}=${await startSession()}`;
      const res = await withCookie(`/api/admin/tasks/${task.id}/retry`, cookie, { method: 'POST' });
      await expectError(res, 401, 'unauthorized');
      const [row] = await data.db.query<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [task.id]);
      expect(row!.status).toBe('dead');
    });
  });

  describe('wrong tokens are limited per client', () => {
    const WRONG = 'Bearer wrong-token-0123456789abcdef';

    it('answers the 11th wrong token in a minute 429 with Retry-After, then even the right one; other clients go on', async () => {
      const lines: string[] = [];
      const logged = buildApp(
        TOKEN,
        createJsonLogger((line) => lines.push(line)),
      );
      const from = (client: string, authorization: string) =>
        request('/api/admin/tasks', { on: logged, client, authorization });

      for (let i = 0; i < 10; i++) await expectError(await from('10.0.0.1', WRONG), 401, 'unauthorized');
      const limited = await from('10.0.0.1', WRONG);
      const error = await expectError(limited, 429, 'rate_limited');
      expect(error.message).toContain('too many wrong admin credentials');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(limited.headers.get('cache-control')).toBe('no-store');

      // While limited, the right token does not help: otherwise the limit would not stop guessing.
      const right = await from('10.0.0.1', `Bearer ${TOKEN}`);
      await expectError(right, 429, 'rate_limited');
      expect(Number(right.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Another client is not affected, and neither is a signed-in browser of the limited one.
      expect((await from('10.0.0.2', `Bearer ${TOKEN}`)).status).toBe(200);
      const cookie = `${SESSION_COOKIE}=${await startSession()}`;
      expect(
        (await request('/api/admin/tasks', { on: logged, client: '10.0.0.1', cookie, authorization: null })).status,
      ).toBe(200);

      // Every refusal is logged with the client key and how it came; never the token sent.
      const refused = lines.map((line) => JSON.parse(line)).filter((l) => l.event === 'admin.auth.refused');
      expect(refused).toHaveLength(11);
      expect(refused[0]).toMatchObject({ level: 'warn', client: '10.0.0.1', via: 'bearer' });
      const text = lines.join('\n');
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('wrong-token');
    });

    it('does not count requests that carry no credentials, nor right tokens', async () => {
      for (let i = 0; i < 12; i++) {
        await expectError(
          await request('/api/admin/tasks', { client: '10.0.0.3', authorization: null }),
          401,
          'unauthorized',
        );
        expect((await request('/api/admin/tasks', { client: '10.0.0.3' })).status).toBe(200);
      }
      for (let i = 0; i < 10; i++) {
        await expectError(
          await request('/api/admin/tasks', { client: '10.0.0.3', authorization: WRONG }),
          401,
          'unauthorized',
        );
      }
      expect((await request('/api/admin/tasks', { client: '10.0.0.3' })).status).toBe(200);
    });

    it('counts /metrics with the rest of the admin API', async () => {
      for (let i = 0; i < 10; i++) {
        expect((await request('/metrics', { client: '10.0.0.4', authorization: WRONG })).status).toBe(401);
      }
      expect((await request('/api/admin/tasks', { client: '10.0.0.4', authorization: WRONG })).status).toBe(429);
      expect((await request('/metrics', { client: '10.0.0.4' })).status).toBe(429);
    });
  });

  it('answers unknown admin paths 401 before 404, so they reveal nothing', async () => {
    expect((await request('/api/admin/secrets', { authorization: null })).status).toBe(401);
  });
});

// --- tasks -----------------------------------------------------------------------------------------

describe('GET /api/admin/tasks', () => {
  it('lists tasks newest first with their history, no-store, and never their payload', async () => {
    const first = await enqueueDead({ email: 'first.runner@example.com' });
    const second = await enqueue({ email: 'second.runner@example.com' });

    const res = await request('/api/admin/tasks');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    // The payload carries the runner's email: it must not be in the admin's task view.
    expect(text).not.toContain('first.runner@example.com');
    expect(text).not.toContain('second.runner@example.com');
    expect(text).not.toContain('payload');

    const body = JSON.parse(text) as { tasks: TaskJson[]; nextCursor: string | null };
    expect(body.nextCursor).toBeNull();
    expect(body.tasks.map((t) => t.id)).toEqual([second.task.id, first.task.id]);
    const [running, dead] = body.tasks;
    expect(running).toMatchObject({
      kind: 'send-confirmation-email',
      key: null,
      priority: 0,
      status: 'running',
      attempts: 1,
      maxAttempts: MAX_ATTEMPTS,
      lastError: null,
      registrationId: second.registration.id,
      attemptsLog: [],
    });
    expect(running?.leaseExpiresAt).not.toBeNull();
    expect(dead).toMatchObject({
      status: 'dead',
      attempts: 1,
      lastError: 'PermanentError: validation_error',
      leaseExpiresAt: null,
      registrationId: first.registration.id,
      attemptsLog: [{ number: 1, durationMs: 40, outcome: 'dead', error: 'PermanentError: validation_error' }],
    });
    expect(Object.keys(dead ?? {}).sort()).toEqual(
      [
        'attempts',
        'attemptsLog',
        'createdAt',
        'id',
        'key',
        'kind',
        'lastError',
        'leaseExpiresAt',
        'maxAttempts',
        'priority',
        'registrationId',
        'runAt',
        'status',
        'updatedAt',
      ].sort(),
    );
    expect(Number.isNaN(Date.parse(dead?.attemptsLog[0]?.startedAt ?? ''))).toBe(false);
  });

  it("shows each task's kind, key, priority and when it is due", async () => {
    const runAt = new Date(Date.now() + 3_600_000);
    const reminder = await enqueueTask({ kind: REMINDER, key: 'reminder:runner-1', priority: 10, runAt });
    const [listed] = (await listTasks()).tasks;
    expect(listed).toMatchObject({
      id: reminder.id,
      kind: REMINDER,
      key: 'reminder:runner-1',
      priority: 10,
      status: 'pending',
      attempts: 0,
      runAt: runAt.toISOString(),
      registrationId: null,
      leaseExpiresAt: null,
    });
  });

  it('counts tasks by status, every status present, cancelled ones too', async () => {
    expect(await data.admin.countTasksByStatus()).toEqual({
      pending: 0,
      running: 0,
      succeeded: 0,
      dead: 0,
      cancelled: 0,
    });
    await enqueueDead();
    await enqueueDead();
    await enqueue();
    await enqueueTask({ kind: REMINDER, key: 'reminder:a', runAt: new Date(Date.now() + 60_000) });
    expect(await data.tasks.cancelTask(REMINDER, 'reminder:a')).toBe('cancelled');
    expect(await data.admin.countTasksByStatus()).toEqual({
      pending: 0,
      running: 1,
      succeeded: 0,
      dead: 2,
      cancelled: 1,
    });
    expect((await listTasks('?status=cancelled')).tasks).toEqual([
      expect.objectContaining({ kind: REMINDER, key: 'reminder:a', status: 'cancelled' }),
    ]);
  });

  it('filters by kind (exact; a kind no task has matches nothing), alone or with a status', async () => {
    const confirmation = await enqueueDead();
    const reminder = await enqueueTask({ kind: REMINDER, key: 'reminder:b', priority: 10 });
    const deadReminder = await enqueueTask({ kind: REMINDER, key: 'reminder:c', priority: 10 });
    await deadLetter(deadReminder);
    const ids = async (query: string) => (await listTasks(query)).tasks.map((t) => t.id);
    expect(await ids(`?kind=${REMINDER}`)).toEqual([deadReminder.id, reminder.id]);
    expect(await ids('?kind=send-confirmation-email')).toEqual([confirmation.task.id]);
    expect(await ids(`?kind=${REMINDER}&status=dead`)).toEqual([deadReminder.id]);
    expect(await ids('?kind=send-confirmation-email&status=running')).toEqual([]);
    expect(await ids('?kind=send-reminder')).toEqual([]);
    expect(await ids(`?kind=${'x'.repeat(60)}`)).toEqual([]);
    // An empty value is no filter (as a form sends it).
    expect(await ids('?kind=')).toHaveLength(3);
  });

  it('pages within a kind filter', async () => {
    const reminders: string[] = [];
    for (let i = 0; i < 3; i++) {
      reminders.unshift((await enqueueTask({ kind: REMINDER, key: `reminder:${i}` })).id);
      await enqueue();
    }
    const first = await listTasks(`?kind=${REMINDER}&limit=2`);
    const second = await listTasks(`?kind=${REMINDER}&limit=2&cursor=${first.nextCursor}`);
    expect(second.nextCursor).toBeNull();
    expect([...first.tasks, ...second.tasks].map((t) => t.id)).toEqual(reminders);
  });

  it('filters by status', async () => {
    const dead = await enqueueDead();
    const running = await enqueue();
    expect((await listTasks('?status=dead')).tasks.map((t) => t.id)).toEqual([dead.task.id]);
    expect((await listTasks('?status=running')).tasks.map((t) => t.id)).toEqual([running.task.id]);
    expect((await listTasks('?status=succeeded')).tasks).toEqual([]);
    // An empty value is no filter (as a form sends it).
    expect((await listTasks('?status=')).tasks).toHaveLength(2);
  });

  it('pages with a cursor: 3 pages of limit 2 return every task exactly once, ties and microseconds included', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await enqueue()).task.id);
    // Two rows in the same microsecond (the id breaks the tie) and one a microsecond apart, in the
    // same millisecond: a millisecond cursor would skip or repeat rows here.
    await data.db.query(`UPDATE tasks SET created_at = '2027-01-01T00:00:00.123456Z' WHERE id = ANY($1)`, [
      ids.slice(0, 2),
    ]);
    await data.db.query(`UPDATE tasks SET created_at = '2027-01-01T00:00:00.123457Z' WHERE id = $1`, [ids[2]]);
    const expected = (
      await data.db.query<{ id: string }>('SELECT id FROM tasks ORDER BY created_at DESC, id DESC')
    ).map((r) => r.id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listTasks(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      pages += 1;
      expect(page.tasks.length).toBeLessThanOrEqual(2);
      seen.push(...page.tasks.map((t) => t.id));
      cursor = page.nextCursor;
      if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    } while (cursor && pages < 10);

    expect(pages).toBe(3);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(5);
  });

  it('pages within a status filter', async () => {
    const dead: string[] = [];
    for (let i = 0; i < 3; i++) {
      dead.push((await enqueueDead()).task.id);
      await enqueue();
    }
    const first = await listTasks('?status=dead&limit=2');
    expect(first.tasks).toHaveLength(2);
    const second = await listTasks(`?status=dead&limit=2&cursor=${first.nextCursor}`);
    expect(second.nextCursor).toBeNull();
    expect([...first.tasks, ...second.tasks].map((t) => t.id).sort()).toEqual([...dead].sort());
  });

  it('defaults to 50 per page', async () => {
    await data.db.query(`
      INSERT INTO tasks (id, kind, payload, status, max_attempts)
      SELECT gen_random_uuid(), 'send-confirmation-email', '{}'::jsonb, 'pending', 3 FROM generate_series(1, 51)`);
    const page = await listTasks();
    expect(page.tasks).toHaveLength(50);
    expect(page.nextCursor).not.toBeNull();
    expect((await listTasks('?limit=200')).tasks).toHaveLength(51);
  });

  it.each([
    ['?status=failed', 'status'],
    ['?status=DEAD', 'status'],
    ['?kind=Send-Confirmation-Email', 'kind'],
    ['?kind=send_confirmation_email', 'kind'],
    ['?kind=send%20email', 'kind'],
    ['?kind=%27%20OR%201%3D1', 'kind'],
    [`?kind=${'x'.repeat(61)}`, 'kind'],
    ['?limit=0', 'limit'],
    ['?limit=201', 'limit'],
    ['?limit=abc', 'limit'],
    ['?limit=1.5', 'limit'],
    ['?limit=-1', 'limit'],
    ['?cursor=not-a-cursor', 'cursor'],
    ['?cursor=%2B%2B%2B', 'cursor'],
    [`?cursor=${btoa('2027-01-01T00:00:00.000000Z|not-a-uuid')}`, 'cursor'],
    [`?cursor=${btoa(`2027-02-31T00:00:00.000000Z|${randomUUID()}`)}`, 'cursor'],
    [`?cursor=${btoa(`yesterday|${randomUUID()}`)}`, 'cursor'],
  ])('%s → 422 validation_failed on %s', async (query, path) => {
    const res = await request(`/api/admin/tasks${query}`);
    const error = await expectError(res, 422, 'validation_failed');
    expect(error.details).toEqual([expect.objectContaining({ path })]);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('says what is wrong with a bad cursor', async () => {
    const error = await expectError(await request('/api/admin/tasks?cursor=garbage!'), 422, 'validation_failed');
    expect(error.details).toEqual([{ path: 'cursor', message: 'is not a valid cursor' }]);
  });

  it('reports every bad parameter at once', async () => {
    const error = await expectError(
      await request('/api/admin/tasks?status=x&limit=0&kind=X'),
      422,
      'validation_failed',
    );
    expect((error.details as { path: string }[]).map((d) => d.path).sort()).toEqual(['kind', 'limit', 'status']);
  });

  it('says what a kind must look like', async () => {
    const error = await expectError(await request('/api/admin/tasks?kind=Nope'), 422, 'validation_failed');
    expect(error.details).toEqual([
      { path: 'kind', message: 'must be 1 to 60 characters: lower-case letters, digits and hyphens' },
    ]);
  });

  it('accepts a well-formed cursor that matches no row (an empty page)', async () => {
    await enqueue();
    const past = encodeCursor({ createdAt: '2000-01-01T00:00:00.000000Z', id: randomUUID() });
    expect(await listTasks(`?cursor=${past}`)).toEqual({ tasks: [], nextCursor: null });
  });
});

describe('POST /api/admin/tasks/:id/retry', () => {
  it('replays a dead letter: same id, pending and due now, attempts and history kept, a fresh budget', async () => {
    const { task, registration } = await enqueueDead();

    const res = await request(`/api/admin/tasks/${task.id}/retry`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ id: task.id, status: 'pending' });

    const [row] = await data.db.query<{
      status: string;
      attempts: number;
      max_attempts: number;
      due: boolean;
      lease_owner: string | null;
      lease_expires_at: Date | null;
    }>(
      `SELECT status, attempts, max_attempts, run_at <= now() AS due, lease_owner, lease_expires_at
       FROM tasks WHERE id = $1`,
      [task.id],
    );
    expect(row).toEqual({
      status: 'pending',
      attempts: 1,
      max_attempts: 1 + MAX_ATTEMPTS,
      due: true,
      lease_owner: null,
      lease_expires_at: null,
    });
    expect(await data.db.query('SELECT number, outcome FROM task_attempts WHERE task_id = $1', [task.id])).toEqual([
      { number: 1, outcome: 'dead' },
    ]);
    expect((await data.store.findRegistration(registration.id))?.email.status).toBe('pending');

    // The sweeper claims it as the next attempt (numbers keep increasing: the history never collides).
    const claimed = await data.tasks.claimTasks('sweeper', 10, 60_000);
    expect(claimed).toEqual([expect.objectContaining({ id: task.id, attempts: 2, maxAttempts: 1 + MAX_ATTEMPTS })]);
    const again = claimed[0]!;
    expect(
      await data.tasks.deadLetterTask(again, { startedAt: new Date(), durationMs: 5, error: 'still failing' }),
    ).toBe(true);
    const [listed] = (await listTasks('?status=dead')).tasks;
    expect(listed?.attemptsLog.map((a) => [a.number, a.outcome])).toEqual([
      [1, 'dead'],
      [2, 'dead'],
    ]);
  });

  it('replays a dead task of any kind, keeping its kind, key and priority', async () => {
    const reminder = await enqueueTask({ kind: REMINDER, key: 'reminder:runner-2', priority: 10 });
    await deadLetter(reminder);

    const res = await request(`/api/admin/tasks/${reminder.id}/retry`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: reminder.id, status: 'pending' });
    const [listed] = (await listTasks(`?kind=${REMINDER}`)).tasks;
    expect(listed).toMatchObject({
      id: reminder.id,
      kind: REMINDER,
      key: 'reminder:runner-2',
      priority: 10,
      status: 'pending',
      attempts: 1,
      maxAttempts: 1 + MAX_ATTEMPTS,
    });
    // The sweeper claims it as its kind, as the next attempt.
    expect(await data.tasks.claimTasks('sweeper', 10, 60_000)).toEqual([
      expect.objectContaining({ id: reminder.id, kind: REMINDER, attempts: 2 }),
    ]);
  });

  it('is answered 409 key_taken, replaying nothing, when a live task of its kind has taken its key since', async () => {
    const dead = await enqueueTask({ kind: REMINDER, key: 'reminder:runner-3' });
    await deadLetter(dead);
    const live = await enqueueTask({ kind: REMINDER, key: 'reminder:runner-3', runAt: new Date(Date.now() + 60_000) });
    expect(live.id).not.toBe(dead.id);

    const error = await expectError(
      await request(`/api/admin/tasks/${dead.id}/retry`, { method: 'POST' }),
      409,
      'key_taken',
    );
    expect(error.message).toContain('carries its key');
    const statuses = await data.db.query<{ id: string; status: string }>(
      'SELECT id, status FROM tasks ORDER BY status',
    );
    expect(statuses).toEqual([
      { id: dead.id, status: 'dead' },
      { id: live.id, status: 'pending' },
    ]);
    // The same key on a task of another kind is no obstacle.
    await data.db.query(`UPDATE tasks SET kind = 'send-other-email' WHERE id = $1`, [live.id]);
    expect((await request(`/api/admin/tasks/${dead.id}/retry`, { method: 'POST' })).status).toBe(200);
  });

  it('is answered 409 not_dead for a task that is not dead, saying its status', async () => {
    const { task } = await enqueue();
    const error = await expectError(
      await request(`/api/admin/tasks/${task.id}/retry`, { method: 'POST' }),
      409,
      'not_dead',
    );
    expect(error.message).toContain('running');
  });

  it('replays once: a second replay is 409 (the task is pending)', async () => {
    const { task } = await enqueueDead();
    expect((await request(`/api/admin/tasks/${task.id}/retry`, { method: 'POST' })).status).toBe(200);
    const error = await expectError(
      await request(`/api/admin/tasks/${task.id}/retry`, { method: 'POST' }),
      409,
      'not_dead',
    );
    expect(error.message).toContain('pending');
  });

  it('accepts the id in upper case', async () => {
    const { task } = await enqueueDead();
    const res = await request(`/api/admin/tasks/${task.id.toUpperCase()}/retry`, { method: 'POST' });
    expect(await res.json()).toEqual({ id: task.id, status: 'pending' });
  });

  it.each([
    ['an unknown id', randomUUID()],
    ['a malformed id', 'not-a-uuid'],
  ])('%s → 404 not_found', async (_name, id) => {
    await expectError(await request(`/api/admin/tasks/${id}/retry`, { method: 'POST' }), 404, 'not_found');
  });
});

// --- metrics ---------------------------------------------------------------------------------------

describe('GET /api/admin/metrics and /metrics', () => {
  it('count tasks by kind and status, besides the totals by status', async () => {
    await enqueueDead();
    await enqueue();
    await enqueueTask({ kind: REMINDER, key: 'reminder:d', runAt: new Date(Date.now() + 60_000) });
    await enqueueTask({ kind: REMINDER, key: 'reminder:e', runAt: new Date(Date.now() + 60_000) });
    expect(await data.tasks.cancelTask(REMINDER, 'reminder:e')).toBe('cancelled');
    const none = { pending: 0, running: 0, succeeded: 0, dead: 0, cancelled: 0 };

    const json = await (await request('/api/admin/metrics')).json();
    expect(json.tasksByStatus).toEqual({ ...none, pending: 1, running: 1, dead: 1, cancelled: 1 });
    expect(json.tasksByKind).toEqual({
      'send-confirmation-email': { ...none, running: 1, dead: 1 },
      [REMINDER]: { ...none, pending: 1, cancelled: 1 },
    });

    const text = await (await request('/metrics')).text();
    expect(text).toContain('finishline_tasks{status="cancelled"} 1\n');
    expect(text).toContain('finishline_tasks_by_kind{kind="send-confirmation-email",status="dead"} 1\n');
    expect(text).toContain('finishline_tasks_by_kind{kind="send-reminder-email",status="cancelled"} 1\n');
    expect(text).toContain('finishline_tasks_by_kind{kind="send-reminder-email",status="succeeded"} 0\n');
  });
});

// --- registrations ---------------------------------------------------------------------------------

describe('GET /api/admin/registrations', () => {
  it('lists registrations newest first with their email status', async () => {
    const tracked = await enqueue({ firstName: 'Ada', email: 'ada@example.com' });
    const failed = await enqueueDead({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' });
    const seed = newRegistration({ firstName: 'Alan', lastName: 'Turing', strategy: 'sequential' });
    expect(await data.store.insertRegistration(seed)).toBe('stored');

    const res = await request('/api/admin/registrations');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { registrations: RegistrationJson[]; nextCursor: string | null };
    expect(body.nextCursor).toBeNull();
    expect(body.registrations.map((r) => [r.id, r.emailStatus])).toEqual([
      [seed.id, 'not_tracked'],
      [failed.registration.id, 'failed'],
      [tracked.registration.id, 'sending'],
    ]);
    expect(body.registrations[2]).toEqual({
      id: tracked.registration.id,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      address: '12 Analytical Row\nLondon',
      distance: 'half',
      strategy: 'outbox',
      createdAt: expect.any(String),
      emailStatus: 'sending',
      delivery: null,
      status: 'registered',
      position: null,
      offerExpiresAt: null,
    });
  });

  it('filters by q: case-insensitive substring of first name, last name or email', async () => {
    const ada = await enqueue({ firstName: 'Ada', lastName: 'Lovelace', email: 'countess@example.com' });
    const grace = await enqueue({ firstName: 'Grace', lastName: 'Hopper', email: 'admiral@navy.example' });
    const ids = async (q: string) =>
      (await listRegistrations(`?q=${encodeURIComponent(q)}`)).registrations.map((r) => r.id);
    expect(await ids('LOVE')).toEqual([ada.registration.id]);
    expect(await ids('grAce')).toEqual([grace.registration.id]);
    expect(await ids('ADMIRAL@')).toEqual([grace.registration.id]);
    expect(await ids('example')).toEqual([grace.registration.id, ada.registration.id]);
    expect(await ids('  hopper  ')).toEqual([grace.registration.id]);
    expect(await ids('nobody')).toEqual([]);
  });

  it('matches % and _ in q literally', async () => {
    const percent = await enqueue({ lastName: 'Fifty%Off' });
    const other = await enqueue({ lastName: 'FiftyXOff' });
    const underscore = await enqueue({ lastName: 'snake_case' });
    await enqueue({ lastName: 'snakeXcase' });
    const backslash = await enqueue({ lastName: 'back\\slash' });
    const ids = async (q: string) =>
      (await listRegistrations(`?q=${encodeURIComponent(q)}`)).registrations.map((r) => r.id);
    expect(await ids('y%o')).toEqual([percent.registration.id]);
    expect(await ids('%')).toEqual([percent.registration.id]);
    expect(await ids('e_c')).toEqual([underscore.registration.id]);
    expect(await ids('k\\s')).toEqual([backslash.registration.id]);
    expect(await ids('fiftyxoff')).toEqual([other.registration.id]);
  });

  it('filters by distance (exact) and strategy', async () => {
    const full = await enqueue({ distance: 'full' });
    const half = await enqueue({ distance: 'half' });
    const seed = newRegistration({ distance: 'full', strategy: 'parallel' });
    await data.store.insertRegistration(seed);
    const ids = async (query: string) => (await listRegistrations(query)).registrations.map((r) => r.id);
    expect(await ids('?distance=full')).toEqual([seed.id, full.registration.id]);
    expect(await ids('?distance=half')).toEqual([half.registration.id]);
    expect(await ids('?distance=hal')).toEqual([]);
    expect(await ids('?distance=full&strategy=outbox')).toEqual([full.registration.id]);
    expect(await ids('?strategy=parallel')).toEqual([seed.id]);
  });

  it('pages with a cursor, keeping the filters', async () => {
    const expected: string[] = [];
    for (let i = 0; i < 5; i++) expected.unshift((await enqueue({ firstName: `Zed${i}` })).registration.id);
    await enqueue({ firstName: 'Other' });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listRegistrations(`?q=ZED&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.registrations.map((r) => r.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);
  });

  it.each([
    ['?strategy=carrier-pigeon', 'strategy'],
    ['?limit=500', 'limit'],
    ['?cursor=%%%', 'cursor'],
    ['?delivery=bouncy', 'delivery'],
    [`?q=${'x'.repeat(201)}`, 'q'],
  ])('%s → 422 on %s', async (query, path) => {
    const error = await expectError(await request(`/api/admin/registrations${query}`), 422, 'validation_failed');
    expect(error.details).toEqual([expect.objectContaining({ path })]);
  });
});

describe('GET /api/admin/registrations.csv', () => {
  it('exports every matching registration as CSV, neutralising formulas and quoting what needs it', async () => {
    const formula = await enqueue({ firstName: '=SUM(A1)', lastName: '@Evil', email: 'formula@example.com' });
    const tricky = await enqueueDead({
      firstName: 'Jean, "JJ"',
      lastName: 'de la\nCroix',
      email: 'jj@example.com',
      address: 'Rue "Haute", 3\r\nBruxelles',
      distance: 'full',
    });

    const res = await request('/api/admin/registrations.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="registrations.csv"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(
      text.startsWith(
        'id,first_name,last_name,email,address,distance,strategy,created_at,email_status,status,position,delivery\r\n',
      ),
    ).toBe(true);

    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([
      'id',
      'first_name',
      'last_name',
      'email',
      'address',
      'distance',
      'strategy',
      'created_at',
      'email_status',
      'status',
      'position',
      'delivery',
    ]);
    expect(rows).toHaveLength(2);
    const byId = new Map(rows.map((r) => [r[0], r]));
    const formulaRow = byId.get(formula.registration.id);
    expect(formulaRow?.slice(1, 4)).toEqual(["'=SUM(A1)", "'@Evil", 'formula@example.com']);
    expect(formulaRow?.[8]).toBe('sending');
    const trickyRow = byId.get(tricky.registration.id);
    expect(trickyRow).toEqual([
      tricky.registration.id,
      'Jean, "JJ"',
      'de la\nCroix',
      'jj@example.com',
      'Rue "Haute", 3\r\nBruxelles',
      'full',
      'outbox',
      expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      'failed',
      'registered',
      '',
      '',
    ]);
    expect(rows[0]?.[0]).toBe(tricky.registration.id); // newest first
    expect(res.headers.get('x-truncated')).toBeNull();
  });

  it('starts with a UTF-8 BOM, so spreadsheets read accents, and neutralises full-width formulas too', async () => {
    const wide = await enqueue({ firstName: '\uff1dSUM(A1)', lastName: 'Zoë \uff20Évil', email: 'wide@example.com' });
    const res = await request('/api/admin/registrations.csv?q=wide%40example.com');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // Decoded without dropping the BOM (Response.text() would drop it): the BOM, then the header row.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith('\ufeffid,first_name,')).toBe(true);
    const [, row] = parseCsv(text);
    expect(row?.[0]).toBe(wide.registration.id);
    expect(row?.slice(1, 3)).toEqual(["'\uff1dSUM(A1)", 'Zoë \uff20Évil']);
  });

  it('applies the same filters, without paging', async () => {
    for (let i = 0; i < 3; i++) await enqueue({ distance: 'full', lastName: `Full${i}` });
    await enqueue({ distance: 'half' });
    const res = await request('/api/admin/registrations.csv?distance=full&q=FULL&limit=1');
    const [, ...rows] = parseCsv(await res.text());
    expect(rows.map((r) => r[5])).toEqual(['full', 'full', 'full']);
  });

  it('is only the header when nothing matches', async () => {
    const res = await request('/api/admin/registrations.csv?q=nobody');
    expect(await res.text()).toBe(
      'id,first_name,last_name,email,address,distance,strategy,created_at,email_status,status,position,delivery\r\n',
    );
  });

  it('refuses invalid filters', async () => {
    await expectError(await request('/api/admin/registrations.csv?strategy=nope'), 422, 'validation_failed');
  });
});

// --- delivery (Resend's webhooks) ------------------------------------------------------------------

describe('delivery: what Resend reported of the confirmations', () => {
  let svix = 0;
  /** The task's email was accepted by the provider: succeeded, with its provider id as the result. */
  async function sent(taskId: string): Promise<string> {
    const emailId = `email-${randomUUID()}`;
    await data.db.query(
      "UPDATE tasks SET status = 'succeeded', result = jsonb_build_object('id', $2::text) WHERE id = $1",
      [taskId, emailId],
    );
    return emailId;
  }
  /** Webhook events for the email, stored in this order (their order of arrival). */
  async function events(emailId: string, ...types: string[]): Promise<void> {
    for (const type of types) {
      await data.db.query(
        "INSERT INTO email_events (svix_id, type, email_id, payload) VALUES ($1, $2, $3, '{}'::jsonb)",
        [`msg_${++svix}`, type, emailId],
      );
    }
  }
  /** A registration whose confirmation was sent, then got these events. */
  async function confirmed(types: string[], overrides: Partial<NewRegistration> = {}): Promise<string> {
    const seeded = await enqueue(overrides);
    await events(await sent(seeded.task.id), ...types);
    return seeded.registration.id;
  }
  /** A newer confirmation of the registration (after an address fix), sent, with these events. */
  async function reconfirmed(registrationId: string, types: string[]): Promise<void> {
    const taskId = randomUUID();
    await data.db.query(
      `INSERT INTO tasks (id, kind, payload, status, max_attempts, run_at, priority, registration_id, created_at)
       VALUES ($1, 'send-confirmation-email', '{}'::jsonb, 'running', 3, now(), 0, $2, now() + interval '1 minute')`,
      [taskId, registrationId],
    );
    await events(await sent(taskId), ...types);
  }

  /** Every kind of history, in various orders; returns the ids by the delivery each must show. */
  async function seedDeliveries() {
    const delivered = await confirmed(['email.sent', 'email.delivered']);
    // Late events never move a delivery back: a bounce stays a bounce, a delivery a delivery.
    const bouncedLate = await confirmed(['email.bounced', 'email.delivered', 'email.sent'], { distance: 'full' });
    const deliveredLateSent = await confirmed(['email.delivered', 'email.delivery_delayed', 'email.sent']);
    const complained = await confirmed(['email.delivered', 'email.opened', 'email.complained']);
    const bounced = await confirmed(['email.sent', 'email.bounced']);
    const accepted = await confirmed(['email.sent']);
    const noEvent = await confirmed([]);
    const openedOnly = await confirmed(['email.opened']);
    // The latest confirmation decides: an old bounce is forgiven by a newer delivery, and the other way round.
    const fixed = await confirmed(['email.sent', 'email.bounced']);
    await reconfirmed(fixed, ['email.delivered']);
    const broken = await confirmed(['email.delivered']);
    await reconfirmed(broken, ['email.bounced']);
    const failed = await enqueueDead();
    return {
      delivered: [delivered, deliveredLateSent, fixed],
      bounced: [bouncedLate, bounced, broken],
      complained: [complained],
      sent: [accepted],
      none: [noEvent, openedOnly, failed.registration.id],
    };
  }

  it('shows each registration’s delivery: its latest confirmation’s highest-ranked event, whatever the order', async () => {
    const ids = await seedDeliveries();
    const { registrations } = await listRegistrations();
    const byId = new Map(registrations.map((r) => [r.id, r.delivery]));
    for (const [delivery, list] of Object.entries(ids)) {
      for (const id of list) expect(byId.get(id), `${delivery}: ${id}`).toBe(delivery === 'none' ? null : delivery);
    }
  });

  it('filters by delivery across pages, alone and with the other filters', async () => {
    const ids = await seedDeliveries();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listRegistrations(`?delivery=bounced&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.registrations.every((r) => r.delivery === 'bounced')).toBe(true);
      seen.push(...page.registrations.map((r) => r.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(2);
    // Newest first, each exactly once.
    expect(seen).toEqual([...ids.bounced].reverse());

    const only = async (query: string) => (await listRegistrations(query)).registrations.map((r) => r.id);
    expect(await only('?delivery=bounced&distance=full')).toEqual([ids.bounced[0]]);
    expect(await only('?delivery=bounced&status=registered&strategy=outbox&q=lovelace')).toEqual(
      [...ids.bounced].reverse(),
    );
    expect(await only('?delivery=complained')).toEqual(ids.complained);
    expect(await only('?delivery=delivered')).toEqual([...ids.delivered].reverse());
    expect(await only('?delivery=sent')).toEqual(ids.sent);
    expect(await only('?delivery=suppressed')).toEqual([]);
    expect(await only('?delivery=bounced&status=waitlisted')).toEqual([]);
  });

  it('says which deliveries there are when the filter is not one', async () => {
    const error = await expectError(
      await request('/api/admin/registrations?delivery=Bounced'),
      422,
      'validation_failed',
    );
    expect(error.details).toEqual([
      {
        path: 'delivery',
        message: 'must be one of: sent, delayed, delivered, failed, suppressed, bounced, complained',
      },
    ]);
    await expectError(await request('/api/admin/registrations.csv?delivery=opened'), 422, 'validation_failed');
  });

  it('exports the delivery as the last CSV column, and filters the export by it', async () => {
    const ids = await seedDeliveries();
    const [header, ...rows] = parseCsv(await (await request('/api/admin/registrations.csv')).text());
    expect(header?.at(-1)).toBe('delivery');
    const byId = new Map(rows.map((r) => [r[0], r.at(-1)]));
    expect(byId.get(ids.bounced[0])).toBe('bounced');
    expect(byId.get(ids.complained[0])).toBe('complained');
    expect(byId.get(ids.none[0])).toBe('');
    const [, ...bounced] = parseCsv(await (await request('/api/admin/registrations.csv?delivery=bounced')).text());
    expect(bounced.map((r) => r[0])).toEqual([...ids.bounced].reverse());
  });

  it('counts registrations by delivery, and emails, events, skips and suppressions in the metrics', async () => {
    await seedDeliveries();
    // A reminder sent and delivered: an email of another kind, counted among the emails, not the registrations.
    const reminder = await enqueueTask({ kind: REMINDER, key: 'reminder:x' });
    await events(await sent(reminder.id), 'email.delivered');
    // A reminder the engine skipped (its address suppressed), and the address itself.
    await data.db.query(
      `INSERT INTO tasks (id, kind, payload, status, max_attempts, run_at, priority, result)
       VALUES (gen_random_uuid(), 'send-reminder-email', '{}'::jsonb, 'cancelled', 3, now(), 10, '{"skipped":"suppressed"}'::jsonb)`,
    );
    await data.db.query(
      "INSERT INTO suppressed_addresses (email_normalized, reason, svix_id) VALUES ('gone@example.com', 'bounced', 'msg_1')",
    );
    const registrationDeliveries = {
      sent: 1,
      delayed: 0,
      delivered: 3,
      failed: 0,
      suppressed: 0,
      bounced: 3,
      complained: 1,
    };
    expect(await data.admin.countRegistrationDeliveries()).toEqual(registrationDeliveries);

    const json = await (await request('/api/admin/metrics')).json();
    expect(json.registrationDeliveries).toEqual(registrationDeliveries);
    // Every sent email of any kind, the superseded confirmations too; `sent` without an event.
    expect(json.emailDeliveries).toEqual({
      sent: 3, // accepted, noEvent, openedOnly (an event that ranks nowhere)
      delayed: 0,
      delivered: 5, // delivered, deliveredLateSent, fixed's new one, broken's old one, the reminder
      failed: 0,
      suppressed: 0,
      bounced: 4, // bouncedLate, bounced, fixed's old one, broken's new one
      complained: 1,
    });
    expect(json.emailEventsByType).toEqual({
      'email.sent': 6,
      'email.delivered': 7,
      'email.delivery_delayed': 1,
      'email.bounced': 4,
      'email.complained': 1,
      'email.opened': 2,
    });
    expect(json.emailsSkipped).toEqual({ suppressed: 1 });
    expect(json.suppressedAddresses).toBe(1);

    const text = await (await request('/metrics')).text();
    expect(text).toContain('# TYPE finishline_email_deliveries gauge\n');
    expect(text).toContain('finishline_email_deliveries{outcome="bounced"} 4\n');
    expect(text).toContain('finishline_email_deliveries{outcome="suppressed"} 0\n');
    expect(text).toContain('finishline_registration_deliveries{outcome="complained"} 1\n');
    expect(text).toContain('# TYPE finishline_email_events_total counter\n');
    expect(text).toContain('finishline_email_events_total{type="email.opened"} 2\n');
    expect(text).toContain('finishline_emails_skipped_total{reason="suppressed"} 1\n');
    expect(text).toContain('finishline_suppressed_addresses 1\n');
  });
});
