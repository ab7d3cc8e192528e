// The waitlist's HTTP answers against /openapi.json, on Node with real PostgreSQL and the Resend
// stand-in: every answer below is checked by the contract checker (test/support/openapi-contract.ts) —
// the sign-up's two 201s (registered, waitlisted; an Idempotency-Key's replay), a registration in each
// status, the manage API (GET, withdraw, accept, decline: 200, 404, 409 not_offered, 410 offer_expired,
// 429), the admin's waitlist, withdrawal and places. Then the dashboard's Withdraw form through the
// whole app (its origin checked like the dashboard's other forms). Time moves on in the rows, not the clock.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manageToken } from '../../src/domain/manage-link.js';
import { DEFAULT_RACE, type Race } from '../../src/domain/race.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { checkAnswersAgainstOpenApi } from '../support/openapi-contract.js';
import { useStack } from '../support/stack.js';
import { startNodeTarget } from '../support/targets.js';

const ADMIN_TOKEN = 'Waitlist-contract-admin-token-4h8k2m6p9r3t';
const LINK_SECRET = 'Waitlist-contract-link-secret-7c2v5b8n1q4w';
const PUBLIC_URL = 'https://race.example.test';
const RATE_LIMIT = 60;

// One place per distance; each test has a distance of its own.
const race: Race = {
  ...DEFAULT_RACE,
  id: 'waitlist-contract-race',
  distances: [
    { id: '10', label: '10 km', startTime: '09:30', cap: 1 },
    { id: 'half', label: 'Half marathon', startTime: '09:00', cap: 1 },
    { id: 'full', label: 'Marathon', startTime: '08:30', cap: 1 },
    { id: 'relay', label: 'Relay', startTime: '10:00', cap: 1 },
    { id: 'mile', label: 'Mile', startTime: '11:00', cap: 1 },
    { id: '5k', label: '5 km', startTime: '11:30', cap: 1 },
  ],
  waitlist: { offerTtl: '1h' },
};

describe('the waitlist over HTTP (node)', () => {
  const file = join(tmpdir(), `finishline-waitlist-contract-race-${process.pid}.json`);
  const stack = useStack('fl_waitlist_contract', startNodeTarget, () => {
    writeFileSync(file, JSON.stringify(race));
    return {
      RACE_CONFIG: file,
      PUBLIC_URL,
      LINK_SECRET,
      ADMIN_TOKEN,
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
      TASK_SWEEP_INTERVAL_MS: '200',
    };
  });
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  async function signUp(distance: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    const res = await post(stack.target, '/api/registrations', runner({ distance, ...extra }), headers);
    return { res, body: (await res.clone().json()) as { id: string; status: string; position?: number } };
  }
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${stack.target.url}${path}`, { headers });
  const manage = async (id: string, action = '') => {
    const token = await manageToken(LINK_SECRET, id);
    return action ? post(stack.target, `/api/manage/${token}/${action}`, {}) : get(`/api/manage/${token}`);
  };
  const statusOf = async (id: string) =>
    ((await (await get(`/api/registrations/${id}`)).json()) as { status: string }).status;

  describe('answers match /openapi.json', () => {
    checkAnswersAgainstOpenApi(() => stack.target);

    it('POST /api/registrations: 201 registered, 201 waitlisted (and its replay), 409 without joinWaitlist, 422', async () => {
      const first = await signUp('10');
      expect(first.res.status).toBe(201);
      expect(first.body.status).toBe('registered');
      const waiting = await signUp('10', { joinWaitlist: true });
      expect(waiting.res.status).toBe(201);
      expect(waiting.body).toEqual({ id: expect.any(String), status: 'waitlisted', distance: '10', position: 1 });
      expect(waiting.res.headers.get('location')).toBe(`/api/registrations/${waiting.body.id}`);

      const input = runner({ distance: '10', joinWaitlist: true });
      const keyed = await post(stack.target, '/api/registrations', input, { 'idempotency-key': 'waitlist-key-1' });
      expect(keyed.status).toBe(201);
      const keyedBody = await keyed.json();
      expect(keyedBody).toMatchObject({ status: 'waitlisted', position: 2 });
      const replay = await post(stack.target, '/api/registrations', input, { 'idempotency-key': 'waitlist-key-1' });
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await replay.json()).toEqual(keyedBody);

      const refused = await signUp('10');
      expect(refused.res.status).toBe(409);
      expect((await signUp('10', { joinWaitlist: 'yes' })).res.status).toBe(422);

      expect(await (await get(`/api/registrations/${waiting.body.id}`)).json()).toMatchObject({
        status: 'waitlisted',
        position: 1,
      });
    });

    it('the manage API: distance changes (200, 409, 422) and verify (200, 409)', async () => {
      const mover = (await signUp('mile')).body.id;
      const other = (await signUp('5k')).body.id;
      const waiting = (await signUp('5k', { joinWaitlist: true })).body.id;
      const token = await manageToken(LINK_SECRET, mover);
      const change = (body: unknown) => post(stack.target, `/api/manage/${token}/distance`, body);
      const full = await change({ distance: '5k' });
      expect(full.status).toBe(409);
      expect((await full.json()).error.code).toBe('distance_full');
      expect((await change({ distance: 'ultra' })).status).toBe(422);
      expect((await change({})).status).toBe(422);
      const notJson = await fetch(`${stack.target.url}/api/manage/${token}/distance`, { method: 'POST', body: 'x' });
      expect(notJson.status).toBe(415);
      const waitingMove = await post(stack.target, `/api/manage/${await manageToken(LINK_SECRET, waiting)}/distance`, {
        distance: 'mile',
      });
      expect(waitingMove.status).toBe(409);
      expect((await waitingMove.json()).error.code).toBe('not_registered');
      expect(await (await manage(other, 'withdraw')).json()).toEqual({ status: 'withdrawn' });
      // The 5 km's place went to the runner waiting: still no room for the mover.
      expect((await change({ distance: '5k' })).status).toBe(409);
      expect(await (await change({ distance: 'mile' })).json()).toEqual({ status: 'registered', distance: 'mile' });
      // verify: a runner with a place is registered already; one waiting holds nothing to confirm.
      expect(await (await manage(mover, 'verify')).json()).toEqual({ status: 'registered' });
      const third = (await signUp('mile', { joinWaitlist: true })).body.id;
      const notHeld = await manage(third, 'verify');
      expect(notHeld.status).toBe(409);
      expect((await notHeld.json()).error.code).toBe('not_pending_verification');
      // Leaves no offer open behind it (the admin test lists the open ones).
      expect(await (await manage(waiting, 'decline')).json()).toEqual({ status: 'withdrawn' });
    });

    it('the manage API: GET and each action — 200, 404, 409 not_offered, 410 offer_expired', async () => {
      const holder = (await signUp('half')).body.id;
      const next = (await signUp('half', { joinWaitlist: true })).body.id;
      const last = (await signUp('half', { joinWaitlist: true })).body.id;
      expect(await (await manage(holder)).json()).toMatchObject({ id: holder, status: 'registered' });
      expect(await (await manage(last)).json()).toMatchObject({ status: 'waitlisted', position: 2 });
      for (const action of ['accept', 'decline']) {
        const res = await manage(next, action);
        expect(res.status, action).toBe(409);
        expect((await res.json()).error.code).toBe('not_offered');
      }

      // The holder withdraws (twice: the same answer); the next runner is offered the place.
      expect(await (await manage(holder, 'withdraw')).json()).toEqual({ status: 'withdrawn' });
      expect(await (await manage(holder, 'withdraw')).json()).toEqual({ status: 'withdrawn' });
      const offered = await (await manage(next)).json();
      expect(offered).toMatchObject({ status: 'offered', offerExpiresAt: expect.any(String) });
      expect(await (await get(`/api/registrations/${next}`)).json()).toEqual(offered);
      expect(await (await manage(last)).json()).toMatchObject({ status: 'waitlisted', position: 1 });
      expect(await (await manage(next, 'accept')).json()).toEqual({ status: 'registered' });
      expect(await (await manage(next, 'accept')).json()).toEqual({ status: 'registered' });
      expect((await manage(next, 'decline')).status).toBe(409);

      // The accepted runner leaves after all; the last one is offered the place and declines it.
      await manage(next, 'withdraw');
      expect(await statusOf(last)).toBe('offered');
      expect(await (await manage(last, 'decline')).json()).toEqual({ status: 'withdrawn' });
      // Nobody waits now: the place is free again, and the race says so (the gone are not counted).
      const spots = await (await get('/api/race')).json();
      expect(spots.distances.find((d: { id: string }) => d.id === 'half').spotsLeft).toBe(1);

      // An offer whose deadline has passed: 410, then the expiry (due now) moves the runner on.
      const holder2 = (await signUp('half')).body.id;
      const late = (await signUp('half', { joinWaitlist: true })).body.id;
      await manage(holder2, 'withdraw');
      expect(await statusOf(late)).toBe('offered');
      await stack.db.query(`UPDATE registrations SET hold_expires_at = now() - interval '1 second' WHERE id = $1`, [
        late,
      ]);
      const expired = await manage(late, 'accept');
      expect(expired.status).toBe(410);
      expect((await expired.json()).error.code).toBe('offer_expired');
      await stack.db.query(`UPDATE tasks SET run_at = now() WHERE kind = 'expire-hold' AND key = $1`, [`hold:${late}`]);
      await eventually(async () => expect(await statusOf(late)).toBe('expired'));
      expect(await (await manage(late)).json()).toMatchObject({ status: 'expired' });
      expect(await (await manage(late, 'withdraw')).json()).toEqual({ status: 'expired' });
      expect((await manage(late, 'accept')).status).toBe(410);

      // Unknown and malformed tokens.
      for (const token of ['A'.repeat(43), 'short']) {
        expect((await get(`/api/manage/${token}`)).status).toBe(404);
        for (const action of ['withdraw', 'accept', 'decline']) {
          expect((await post(stack.target, `/api/manage/${token}/${action}`, {})).status).toBe(404);
        }
      }
    });

    it('the admin: the waitlist in order, a withdrawal (200, 404, 401), places in /api/admin/metrics and /metrics', async () => {
      const holder = (await signUp('full')).body.id;
      const first = (await signUp('full', { joinWaitlist: true })).body.id;
      const second = (await signUp('full', { joinWaitlist: true })).body.id;
      const list = await (await get('/api/admin/registrations?status=waitlisted&distance=full', admin)).json();
      expect(list.registrations.map((r: { id: string; position: number }) => [r.id, r.position])).toEqual([
        [first, 1],
        [second, 2],
      ]);

      const withdrawn = await fetch(`${stack.target.url}/api/admin/registrations/${holder}/withdraw`, {
        method: 'POST',
        headers: admin,
      });
      expect(await withdrawn.json()).toEqual({ id: holder, status: 'withdrawn' });
      expect(await statusOf(first)).toBe('offered');
      const offers = await (await get('/api/admin/registrations?status=offered', admin)).json();
      expect(offers.registrations).toMatchObject([{ id: first, position: null, offerExpiresAt: expect.any(String) }]);
      await get('/api/admin/registrations', admin);
      for (const [id, headers, status] of [
        [crypto.randomUUID(), admin, 404],
        [second, {}, 401],
      ] as const) {
        const res = await fetch(`${stack.target.url}/api/admin/registrations/${id}/withdraw`, {
          method: 'POST',
          headers,
        });
        expect(res.status).toBe(status);
      }

      const metrics = await (await get('/api/admin/metrics', admin)).json();
      expect(metrics.places.full).toEqual({ cap: 1, taken: 1, offersOpen: 1, waitlistLength: 1 });
      const text = await (await get('/metrics', admin)).text();
      expect(text).toContain('finishline_offers_open{distance="full"} 1\n');
      expect(text).toContain('finishline_waitlist_length{distance="full"} 1\n');
    });
  });

  describe('the dashboard', () => {
    /** Signs in through the form, from our own origin; the session cookie. */
    async function signIn(): Promise<string> {
      const res = await fetch(`${stack.target.url}/admin/login`, {
        method: 'POST',
        headers: { origin: PUBLIC_URL, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: ADMIN_TOKEN }),
        redirect: 'manual',
      });
      expect(res.status).toBe(303);
      const cookie = res.headers.get('set-cookie')?.split(';')[0];
      if (!cookie) throw new Error('no session cookie');
      return cookie;
    }
    const withdrawForm = (id: string, headers: Record<string, string>) =>
      fetch(`${stack.target.url}/admin/registrations/${id}/withdraw`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: 'status=waitlisted&distance=relay',
        redirect: 'manual',
      });

    it('withdraws with the Withdraw form: 303 back to the list with a notice; from another origin 403, changing nothing', async () => {
      const cookie = await signIn();
      const holder = (await signUp('relay')).body.id;
      const waiting = (await signUp('relay', { joinWaitlist: true })).body.id;
      const page = await (await get('/admin?status=waitlisted&distance=relay', { cookie })).text();
      expect(page).toContain(`action="/admin/registrations/${waiting}/withdraw"`);

      const foreign = await withdrawForm(waiting, { cookie, origin: 'https://evil.example' });
      expect(foreign.status).toBe(403);
      expect(await statusOf(waiting)).toBe('waitlisted');
      const anonymous = await withdrawForm(waiting, { origin: PUBLIC_URL });
      expect(anonymous.status).toBe(401);

      const res = await withdrawForm(holder, { cookie, origin: PUBLIC_URL });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(
        `/admin?distance=relay&status=waitlisted&done=withdrawn&registration=${holder}#registrations`,
      );
      expect(await statusOf(holder)).toBe('withdrawn');
      expect(await statusOf(waiting)).toBe('offered');
      const after = await (await get(res.headers.get('location') ?? '', { cookie })).text();
      expect(after).toContain(`Registration ${holder.slice(0, 8)} is withdrawn.`);
      expect(after).toContain('No registrations match this search.');
    });
  });

  describe('the client limit', () => {
    checkAnswersAgainstOpenApi(() => stack.target);

    it('answers manage actions 429 with Retry-After once the client used its requests (sign-ups count too)', async () => {
      let res: Response | undefined;
      for (let i = 0; i <= RATE_LIMIT; i++) {
        res = await post(stack.target, `/api/manage/${'C'.repeat(43)}/withdraw`, {});
        if (res.status === 429) break;
        expect(res.status).toBe(404);
      }
      expect(res?.status).toBe(429);
      expect(Number(res?.headers.get('retry-after'))).toBeGreaterThan(0);
      for (const action of ['accept', 'decline']) {
        expect((await post(stack.target, `/api/manage/${'C'.repeat(43)}/${action}`, {})).status).toBe(429);
      }
    });
  });
});
