// The admin's side of places and the waitlist, on a real PostgreSQL, called in-process (app.request):
// places per distance (taken, open offers, waitlist) in /api/admin/metrics and /metrics; registrations
// with their status and number, the waitlist in order (`status=waitlisted`, paged by ticket), the CSV's
// status and position columns; withdrawing a runner through the JSON API and the dashboard's form.
// Runners are signed up through the real Store with the distances capped, as the outbox does.
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/adapters/db/store.js';
import { SESSION_COOKIE, SESSION_TTL_MS, sessionIdHash } from '../../src/app/admin-session/index.js';
import { handleError } from '../../src/app/errors.js';
import { adminRoutes, encodeCursor } from '../../src/app/routes/admin.js';
import { adminPageRoutes } from '../../src/app/routes/admin-pages.js';
import { DEFAULT_RACE, type Race } from '../../src/domain/race.js';
import { silentLogger } from '../../src/ports/logger.js';
import type { NewRegistration, Store } from '../../src/ports/store.js';
import type { NewTask } from '../../src/ports/tasks.js';
import { createAdminAuthLimiter } from '../../src/services.js';
import { useAdminDatabase } from '../support/admin-database.js';
import { parseCsv } from '../support/csv.js';
import { newRegistration } from '../support/fixtures.js';
import { givenServices } from '../support/services.js';

const TOKEN = 'admin-token-for-waitlist-tests-0123';
const RACE_ID = 'admin-waitlist-2027';
const OFFER_TTL_MS = 3_600_000;
const race: Race = {
  ...DEFAULT_RACE,
  id: RACE_ID,
  distances: [
    { id: '10', label: '10 km', startTime: '09:30', cap: 2 },
    { id: 'half', label: 'Half marathon', startTime: '09:00', cap: 1 },
    { id: 'full', label: 'Marathon', startTime: '08:30', cap: 10 },
  ],
  waitlist: { offerTtl: '1h' },
};

const data = useAdminDatabase('fl_admin_waitlist', { race: RACE_ID, maxAttempts: 3 });
/** The Store as the app has it: each distance capped by the race. */
let store: Store;
beforeAll(() => {
  store = createStore(data.handle.db, (_race, distance) => race.distances.find((d) => d.id === distance)?.cap ?? 0);
});

function newTask(kind: string, payload: unknown, priority: number): NewTask {
  return { id: randomUUID(), kind, payload, priority, maxAttempts: 3, start: 'claim', leaseOwner: '', leaseMs: 60_000 };
}

/** Signs a runner up as the outbox does, joining the waitlist when the distance is full. */
async function join(distance: string, overrides: Partial<NewRegistration> = {}) {
  const registration = newRegistration(RACE_ID, { distance, ...overrides });
  const outcome = await store.insertRegistrationWithTask(
    registration,
    newTask('send-confirmation-email', { letter: 'confirmation' }, 0),
    undefined,
    { notice: newTask('send-runner-email', { letter: 'waitlist' }, 0) },
  );
  return { id: registration.id, outcome };
}

const waitlistDeps = {
  race,
  emailFrom: 'Riverside Marathon <race@example.com>',
  links: undefined,
  offerTtlMs: OFFER_TTL_MS,
  newTask,
};
const authDeps = {
  adminToken: TOKEN,
  logger: silentLogger,
  adminAuthLimiter: createAdminAuthLimiter(),
  clientKey: () => 'test-client',
  isHttps: () => false,
};
/** Emails written by a withdrawal start after the answer; here nothing delivers them. */
const executionCtx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };

function app(): Hono {
  const hono = new Hono();
  hono.use(
    givenServices({
      admin: data.admin,
      store,
      engine: {
        deliveryState: () => ({ state: 'running' }),
        deliver: async () => new Map(),
        start: async () => {},
        expectDue: () => {},
      },
    }),
  );
  hono.route('/', adminRoutes({ ...waitlistDeps, ...authDeps, maxAttempts: 3 }));
  hono.route(
    '/',
    adminPageRoutes({
      ...waitlistDeps,
      ...authDeps,
      maxAttempts: 3,
      site: { name: race.name, devMailbox: false, devMode: false },
    }),
  );
  hono.onError(handleError(silentLogger));
  return hono;
}

function request(path: string, init: { method?: string; cookie?: string; bearer?: boolean; form?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.bearer !== false && !init.cookie) headers.authorization = `Bearer ${TOKEN}`;
  if (init.cookie) headers.cookie = init.cookie;
  if (init.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  return app().request(
    path,
    { method: init.method ?? 'GET', headers, ...(init.form !== undefined ? { body: init.form } : {}) },
    undefined,
    executionCtx,
  );
}

interface RegistrationJson {
  id: string;
  distance: string;
  status: string;
  position: number | null;
  offerExpiresAt: string | null;
}

async function list(query: string) {
  const res = await request(`/api/admin/registrations${query}`);
  expect(res.status, query).toBe(200);
  return (await res.json()) as { registrations: RegistrationJson[]; nextCursor: string | null };
}

/** The waitlist of a distance as the admin API lists it: [id, position] in order. */
async function waitlist(distance: string) {
  return (await list(`?status=waitlisted&distance=${distance}`)).registrations.map((r) => [r.id, r.position]);
}

function withdraw(id: string) {
  return request(`/api/admin/registrations/${id}/withdraw`, { method: 'POST' });
}

async function status(id: string) {
  return (await store.findRegistration(id))?.registration.status;
}

async function places() {
  return ((await (await request('/api/admin/metrics')).json()) as { places: unknown }).places;
}

describe('places per distance', () => {
  it('taken (registered + open offers), open offers and the waitlist, for every distance of the race, in both formats', async () => {
    const a = await join('10');
    await join('10');
    const waiting = [await join('10'), await join('10'), await join('10')];
    expect(waiting.map((w) => w.outcome)).toEqual(['waitlisted', 'waitlisted', 'waitlisted']);
    // A withdrawal passes A's place to the head of the waitlist: still taken, now an open offer.
    expect((await withdraw(a.id)).status).toBe(200);
    expect(await status(waiting[0]!.id)).toBe('offered');
    // Half: its one place freed with nobody waiting.
    const h = await join('half');
    expect((await withdraw(h.id)).status).toBe(200);
    // Another race's runners are not this race's places.
    expect(await store.insertRegistration(newRegistration('another-race', { distance: '10' }))).toBe('stored');

    const expected = {
      '10': { cap: 2, taken: 2, offersOpen: 1, waitlistLength: 2 },
      half: { cap: 1, taken: 0, offersOpen: 0, waitlistLength: 0 },
      full: { cap: 10, taken: 0, offersOpen: 0, waitlistLength: 0 },
    };
    const json = (await places()) as Record<string, unknown>;
    expect(json).toEqual(expected);
    expect(Object.keys(json)).toEqual(['10', 'half', 'full']);
    // The invariant's counter agrees with the rows.
    const counters = await data.db.query<{ distance: string; taken: number }>(
      `SELECT distance, taken FROM distance_counts WHERE race_id = '${RACE_ID}' ORDER BY distance`,
    );
    expect(counters).toEqual([
      { distance: '10', taken: 2 },
      { distance: 'half', taken: 0 },
    ]);

    const text = await (await request('/metrics')).text();
    for (const line of [
      '# TYPE finishline_places_taken gauge',
      'finishline_places_cap{distance="10"} 2',
      'finishline_places_taken{distance="10"} 2',
      'finishline_offers_open{distance="10"} 1',
      'finishline_waitlist_length{distance="10"} 2',
      'finishline_places_cap{distance="half"} 1',
      'finishline_places_taken{distance="half"} 0',
      'finishline_places_taken{distance="full"} 0',
      'finishline_offers_open{distance="full"} 0',
      'finishline_waitlist_length{distance="full"} 0',
    ]) {
      expect(text).toContain(`${line}\n`);
    }
    expect(text.match(/^finishline_places_taken\{/gm)).toHaveLength(3);
  });
});

describe('the waitlist in order', () => {
  it('status=waitlisted&distance=… lists by ticket with each runner’s number; numbers close up as runners leave', async () => {
    await join('10');
    const registered = await join('10');
    const w = [];
    for (let i = 0; i < 5; i++) w.push((await join('10', { lastName: `Waiting${i}` })).id);
    expect(await waitlist('10')).toEqual(w.map((id, i) => [id, i + 1]));
    const first = (await list('?status=waitlisted&distance=10')).registrations[0];
    expect(first).toMatchObject({ status: 'waitlisted', position: 1, offerExpiresAt: null, distance: '10' });

    // A waitlisted runner leaves: those behind move up.
    expect(await (await withdraw(w[1]!)).json()).toEqual({ id: w[1], status: 'withdrawn' });
    expect(await waitlist('10')).toEqual([w[0], w[2], w[3], w[4]].map((id, i) => [id, i + 1]));

    // A place freed goes to #1, who leaves the waitlist with an offer and its deadline.
    const before = Date.now();
    expect((await withdraw(registered.id)).status).toBe(200);
    expect(await waitlist('10')).toEqual([w[2], w[3], w[4]].map((id, i) => [id, i + 1]));
    const offered = (await list('?status=offered')).registrations;
    expect(offered.map((r) => [r.id, r.status, r.position])).toEqual([[w[0], 'offered', null]]);
    const deadline = Date.parse(offered[0]!.offerExpiresAt ?? '');
    expect(deadline).toBeGreaterThan(before + OFFER_TTL_MS - 60_000);
    expect(deadline).toBeLessThan(Date.now() + OFFER_TTL_MS + 60_000);

    // The whole list, newest first, says where everyone stands.
    const all = (await list('')).registrations;
    expect(all.map((r) => r.status)).toEqual([
      'waitlisted',
      'waitlisted',
      'waitlisted',
      'withdrawn',
      'offered',
      'withdrawn',
      'registered',
    ]);
    expect(all.slice(0, 3).map((r) => r.position)).toEqual([3, 2, 1]);
    expect(all.slice(3).every((r) => r.position === null)).toBe(true);
  });

  it('pages by ticket: every waitlisted runner exactly once, in order, across distances (by distance, then ticket)', async () => {
    await join('half');
    const half = [(await join('half')).id, (await join('half')).id];
    await join('10');
    await join('10');
    const ten = [];
    for (let i = 0; i < 5; i++) ten.push((await join('10')).id);
    // Interleaved sign-ups in time, listed distance by distance.
    half.push((await join('half')).id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(`?status=waitlisted&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.registrations.map((r) => r.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ten, ...half]); // '10' sorts before 'half'
    const positions = (await list('?status=waitlisted&distance=half&limit=2')).registrations.map((r) => r.position);
    expect(positions).toEqual([1, 2]);
  });

  it('a cursor pages the list it came from: another order’s cursor is 422', async () => {
    for (let i = 0; i < 4; i++) await join('half');
    const waitlistCursor = (await list('?status=waitlisted&limit=1')).nextCursor;
    const newestCursor = (await list('?limit=1')).nextCursor;
    expect(waitlistCursor).not.toBeNull();
    expect(newestCursor).not.toBeNull();
    for (const query of [`?cursor=${waitlistCursor}`, `?status=waitlisted&cursor=${newestCursor}`]) {
      const res = await request(`/api/admin/registrations${query}`);
      expect(res.status, query).toBe(422);
      const body = (await res.json()) as { error: { code: string; details: { path: string }[] } };
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.details.map((d) => d.path)).toEqual(['cursor']);
    }
    // A made-up waitlist cursor that matches no row is an empty page, as for the other order.
    const beyond = encodeCursor({ raceId: RACE_ID, distance: 'zzz', ticket: 1 });
    expect(await list(`?status=waitlisted&cursor=${beyond}`)).toEqual({ registrations: [], nextCursor: null });
    const bad = await request('/api/admin/registrations?status=sleeping');
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      'status: must be one of: pending_verification, registered, waitlisted, offered, withdrawn, expired',
    );
  });

  it('the CSV has status and position columns, and exports the waitlist in order', async () => {
    const registered = await join('half');
    const first = await join('half');
    const second = await join('half');
    const res = await request('/api/admin/registrations.csv');
    const [header, ...rows] = parseCsv(await res.text());
    expect(header?.slice(-4)).toEqual(['email_status', 'status', 'position', 'delivery']);
    expect(rows.map((r) => [r[0], r[9], r[10]])).toEqual([
      [second.id, 'waitlisted', '2'],
      [first.id, 'waitlisted', '1'],
      [registered.id, 'registered', ''],
    ]);
    const [, ...ordered] = parseCsv(await (await request('/api/admin/registrations.csv?status=waitlisted')).text());
    expect(ordered.map((r) => [r[0], r[10]])).toEqual([
      [first.id, '1'],
      [second.id, '2'],
    ]);
  });
});

describe('POST /api/admin/registrations/:id/withdraw', () => {
  it('withdraws once (again: the same answer, nothing more), offering the place to the head of the waitlist', async () => {
    const runner = await join('half');
    const next = await join('half');
    const res = await withdraw(runner.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ id: runner.id, status: 'withdrawn' });
    expect(await status(next.id)).toBe('offered');
    expect(await (await withdraw(runner.id.toUpperCase())).json()).toEqual({ id: runner.id, status: 'withdrawn' });
    expect(await places()).toMatchObject({ half: { taken: 1, offersOpen: 1, waitlistLength: 0 } });
    // One offer, one expiry: the second withdrawal wrote nothing.
    const tasks = await data.db.query<{ kind: string; n: number }>(
      `SELECT kind, count(*)::int AS n FROM tasks WHERE registration_id = $1 GROUP BY kind ORDER BY kind`,
      [next.id],
    );
    expect(tasks).toEqual([
      { kind: 'expire-hold', n: 1 },
      { kind: 'send-runner-email', n: 2 },
    ]);
  });

  it('answers expired for a runner whose offer ran out, 404 for an unknown or malformed id, 401 without the token or with a session only', async () => {
    const runner = await join('half');
    await data.db.query(`UPDATE registrations SET status = 'expired' WHERE id = $1`, [runner.id]);
    expect(await (await withdraw(runner.id)).json()).toEqual({ id: runner.id, status: 'expired' });
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const res = await withdraw(id);
      expect(res.status, id).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
    const other = await join('full');
    const anonymous = await request(`/api/admin/registrations/${other.id}/withdraw`, { method: 'POST', bearer: false });
    expect(anonymous.status).toBe(401);
    const cookie = `${SESSION_COOKIE}=${await session()}`;
    expect((await request(`/api/admin/registrations/${other.id}/withdraw`, { method: 'POST', cookie })).status).toBe(
      401,
    );
    expect(await status(other.id)).toBe('registered');
  });
});

/** A dashboard session as the sign-in starts one; its id. */
async function session(): Promise<string> {
  const id = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  await data.admin.createSession(await sessionIdHash(id), SESSION_TTL_MS);
  return id;
}

describe('the dashboard', () => {
  it('shows places, offers and the waitlist per distance, each runner’s status and number, and filters by status', async () => {
    const cookie = `${SESSION_COOKIE}=${await session()}`;
    const a = await join('10', { firstName: 'Ada' });
    await join('10', { firstName: 'Bea' });
    const c = await join('10', { firstName: 'Cyd' });
    const d = await join('10', { firstName: 'Dot' });
    await withdraw(a.id);
    const html = await (await request('/admin', { cookie })).text();
    const start = html.indexOf('aria-label="Places per distance"');
    const perDistance = html.slice(start, html.indexOf('</ul>', start));
    expect(perDistance).toMatch(/10 km<\/span><span class="value">2 <span class="of">\/ 2<\/span>/);
    expect(perDistance).toContain('1 open offer · 1 waiting');
    expect(perDistance).toContain('0 open offers · 0 waiting');
    expect(html).toContain('2 places taken · 1 waiting');
    // Each row: its status (an offer with its deadline), a withdrawal behind a confirmation — but not
    // for a runner already gone.
    expect(html).toMatch(/<span class="badge sending">Offered a place<\/span><span class="muted small"> until 20/);
    expect(html).toContain(`action="/admin/registrations/${c.id}/withdraw"`);
    expect(html).not.toContain(`action="/admin/registrations/${a.id}/withdraw"`);
    expect(html).toMatch(/<span class="badge cancelled">Withdrawn<\/span>/);

    const waiting = await (await request('/admin?status=waitlisted&distance=10', { cookie })).text();
    expect(waiting).toContain('<option value="waitlisted" selected="">Waitlisted</option>');
    expect(waiting).toContain('In waitlist order');
    const rows = waiting.slice(waiting.indexOf('id="registrations"'));
    expect(rows).toContain(`data-registration="${d.id}"`);
    expect(rows).not.toContain(`data-registration="${c.id}"`);
    expect(rows).toContain('<span class="mono"> #1</span>');
    // The CSV link keeps the filters.
    expect(waiting).toContain('href="/api/admin/registrations.csv?distance=10&amp;status=waitlisted"');
  });

  it('withdraws with the form: 303 back to the same list with a notice; again: already withdrawn; unknown: none', async () => {
    const cookie = `${SESSION_COOKIE}=${await session()}`;
    const runner = await join('half');
    const next = await join('half');
    const form = 'distance=half&status=registered&q=';
    const res = await request(`/admin/registrations/${runner.id}/withdraw`, { method: 'POST', cookie, form });
    expect(res.status).toBe(303);
    const location = res.headers.get('location') ?? '';
    expect(location).toBe(
      `/admin?distance=half&status=registered&done=withdrawn&registration=${runner.id}#registrations`,
    );
    expect(await status(runner.id)).toBe('withdrawn');
    expect(await status(next.id)).toBe('offered');
    const page = await (await request(location.replace(/#.*$/, ''), { cookie })).text();
    expect(page).toContain(`Registration ${runner.id.slice(0, 8)} is withdrawn.`);

    const again = await request(`/admin/registrations/${runner.id}/withdraw`, { method: 'POST', cookie, form: '' });
    expect(again.headers.get('location')).toBe(`/admin?done=already-withdrawn&registration=${runner.id}#registrations`);
    for (const id of [randomUUID(), 'nope']) {
      const unknown = await request(`/admin/registrations/${id}/withdraw`, { method: 'POST', cookie, form: '' });
      expect(unknown.headers.get('location')).toBe('/admin?done=no-registration#registrations');
    }
    // Filters the page does not know are dropped, not echoed.
    const odd = await request(`/admin/registrations/${next.id}/withdraw`, {
      method: 'POST',
      cookie,
      form: 'distance=<b>&status=sleeping&q=%20Ada%20',
    });
    expect(odd.headers.get('location')).toBe(`/admin?q=Ada&done=withdrawn&registration=${next.id}#registrations`);
  });

  it('refuses a withdrawal without a session (401), changing nothing', async () => {
    const runner = await join('full');
    const res = await request(`/admin/registrations/${runner.id}/withdraw`, {
      method: 'POST',
      bearer: false,
      form: '',
    });
    expect(res.status).toBe(401);
    expect(await status(runner.id)).toBe('registered');
  });
});
