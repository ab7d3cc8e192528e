// The waitlist end to end on Node and in workerd, with real PostgreSQL and the Resend stand-in: a full
// distance puts a runner who asks on its waitlist (201, their number, an email with their manage link);
// a withdrawal through the manage link offers the place to the head of the waitlist (an email with the
// deadline); the offer is accepted (a confirmation) or runs out (an expiry email, and the place passes on).
//
// Node: the sweeper's interval is ten minutes here, so an offer running out on time shows the sweeper
// woke for its expiry (the request that made the offer told it). Workerd: the Cron sweeper runs the
// expiry once due, and the emails it writes. Workerd with the email queue: no Cron run at all — the
// request announced the offer's expiry with the queue's delay, and the email Worker's consumer, having
// run it, announced the emails and the next offer it wrote.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RACE, type Race } from '../../src/domain/race.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { useStack } from '../support/stack.js';
import { type StartTarget, startNodeTarget, startWorkerdTarget } from '../support/targets.js';

const ADMIN_TOKEN = 'Waitlist-test-admin-token-7f3k9q2m8x4v6b1n';
const LINK_SECRET = 'Waitlist-test-link-secret-c5h8j2w9r4t7y1u3';
const PUBLIC_URL = 'https://race.example.test';

const race: Race = {
  ...DEFAULT_RACE,
  id: 'waitlist-race',
  distances: [
    { id: '10', label: '10 km', startTime: '09:30', cap: 1 },
    { id: 'half', label: 'Half marathon', startTime: '09:00', cap: 5 },
  ],
  waitlist: { offerTtl: '4s' },
};

const withQueue: StartTarget = (options) => startWorkerdTarget({ ...options, emailWorker: {} });

describe.each([
  ['node', startNodeTarget, false],
  ['workerd', startWorkerdTarget, true],
  ['workerd_queue', withQueue, false],
] as const)('the waitlist (%s)', (name, startTarget, cron) => {
  // Node reads RACE_CONFIG as a file's path, a Worker as the JSON itself.
  const file = join(tmpdir(), `finishline-waitlist-race-${process.pid}.json`);
  const stack = useStack(`fl_waitlist_${name}`, startTarget, () => {
    if (name === 'node') writeFileSync(file, JSON.stringify(race));
    return {
      RACE_CONFIG: name === 'node' ? file : JSON.stringify(race),
      PUBLIC_URL,
      LINK_SECRET,
      ADMIN_TOKEN,
      TASK_SWEEP_INTERVAL_MS: '600000',
    };
  });
  /** Workerd: the Cron sweeper's run, as each minute (the expiry and the emails it writes). */
  const sweep = async () => {
    if (cron) await stack.target.scheduled?.();
  };

  const emailsTo = (email: string) => stack.resend.accepted().filter((e) => e.to.includes(email));
  /** The runner's manage token, from the last email they were sent. */
  function tokenOf(email: string): string {
    const text = emailsTo(email).at(-1)?.text ?? '';
    const match = /https:\/\/race\.example\.test\/manage\/([A-Za-z0-9_-]{43})/.exec(text);
    if (!match?.[1]) throw new Error(`no manage link in the email to ${email}`);
    return match[1];
  }
  const manage = (token: string, action = '') =>
    action
      ? post(stack.target, `/api/manage/${token}/${action}`, {})
      : fetch(`${stack.target.url}/api/manage/${token}`);

  it('joins, withdraws, offers, accepts — and an offer not taken up passes on', async () => {
    const a = runner({ distance: '10' });
    const b = runner({ distance: '10', joinWaitlist: true });
    const c = runner({ distance: '10' });
    expect((await post(stack.target, '/api/registrations', a)).status).toBe(201);
    await eventually(() => expect(emailsTo(a.email)).toHaveLength(1));
    expect(emailsTo(a.email)[0]?.text).toContain(`${PUBLIC_URL}/manage/`);

    const joined = await post(stack.target, '/api/registrations', b);
    expect(joined.status).toBe(201);
    expect(await joined.json()).toMatchObject({ status: 'waitlisted', position: 1, distance: '10' });
    await eventually(() => expect(emailsTo(b.email)).toHaveLength(1));
    expect(emailsTo(b.email)[0]?.subject).toContain('waitlist');

    // Without the flag a full distance still refuses.
    const refused = await post(stack.target, '/api/registrations', c);
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.code).toBe('distance_full');

    // A withdraws through their link; again changes nothing.
    const tokenA = tokenOf(a.email);
    const withdrawn = await manage(tokenA, 'withdraw');
    expect(withdrawn.status).toBe(200);
    expect(await withdrawn.json()).toEqual({ status: 'withdrawn' });
    expect(await (await manage(tokenA, 'withdraw')).json()).toEqual({ status: 'withdrawn' });
    await eventually(() => expect(emailsTo(a.email)).toHaveLength(2));
    expect(emailsTo(a.email)[1]?.subject).toContain('withdrawn');

    // B is offered the place, with a deadline.
    await eventually(() => expect(emailsTo(b.email)).toHaveLength(2));
    const tokenB = tokenOf(b.email);
    const offered = await (await manage(tokenB)).json();
    expect(offered).toMatchObject({ status: 'offered', distance: '10' });
    expect(Date.parse(offered.offerExpiresAt)).toBeGreaterThan(Date.now() - 60_000);
    const accepted = await manage(tokenB, 'accept');
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ status: 'registered' });
    await eventually(() => expect(emailsTo(b.email)).toHaveLength(3));
    expect(emailsTo(b.email)[2]?.subject).toBe(emailsTo(a.email)[0]?.subject);
    expect((await manage(tokenB, 'decline')).status).toBe(409);

    // D and E wait; an admin withdraws B: D is offered the place. D's offer runs out (4 s): the place
    // passes on to E (an offer written by the expiry, in the background), whose offer runs out too, and
    // nobody else waits: the place is free.
    const d = runner({ distance: '10', joinWaitlist: true });
    const e = runner({ distance: '10', joinWaitlist: true });
    expect(await (await post(stack.target, '/api/registrations', d)).json()).toMatchObject({ position: 1 });
    expect(await (await post(stack.target, '/api/registrations', e)).json()).toMatchObject({ position: 2 });
    await eventually(() => expect(emailsTo(d.email)).toHaveLength(1));
    await eventually(() => expect(emailsTo(e.email)).toHaveLength(1));
    const byAdmin = await fetch(`${stack.target.url}/api/admin/registrations/${offered.id}/withdraw`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(await byAdmin.json()).toEqual({ id: offered.id, status: 'withdrawn' });
    await eventually(() => expect(emailsTo(d.email)).toHaveLength(2));
    const tokenD = tokenOf(d.email);
    await eventually(async () => {
      await sweep();
      expect((await (await manage(tokenD)).json()).status).toBe('expired');
    }, 20_000);
    await eventually(() => expect(emailsTo(d.email)).toHaveLength(3));
    expect(emailsTo(d.email)[2]?.subject).toContain('expired');
    const late = await manage(tokenD, 'accept');
    expect(late.status).toBe(410);
    expect((await late.json()).error.code).toBe('offer_expired');

    await eventually(() => expect(emailsTo(e.email)).toHaveLength(2));
    const tokenE = tokenOf(e.email);
    expect(await (await manage(tokenE)).json()).toMatchObject({ status: 'offered' });
    await eventually(async () => {
      await sweep();
      expect((await (await manage(tokenE)).json()).status).toBe('expired');
    }, 20_000);
    await eventually(() => expect(emailsTo(e.email)).toHaveLength(3));
    expect(emailsTo(e.email)[2]?.subject).toContain('expired');
    const [count] = await stack.db.query<{ taken: number }>(
      `SELECT taken FROM distance_counts WHERE race_id = '${race.id}'`,
    );
    expect(count?.taken).toBe(0);
    // Every task ran its course; each runner got each email once.
    await eventually(async () => {
      await sweep();
      const open = await stack.db.query<{ kind: string; status: string }>(
        "SELECT kind, status FROM tasks WHERE status NOT IN ('succeeded', 'cancelled')",
      );
      expect(open).toEqual([]);
    });
    for (const email of [a.email, b.email, d.email, e.email]) {
      const subjects = emailsTo(email).map((m) => m.subject);
      expect(new Set(subjects).size).toBe(subjects.length);
    }
  });

  it('changes distance only into room (a new confirmation), and refuses a distance the race does not have', async () => {
    const e = runner({ distance: 'half' });
    expect((await post(stack.target, '/api/registrations', e)).status).toBe(201);
    await eventually(() => expect(emailsTo(e.email)).toHaveLength(1));
    const token = tokenOf(e.email);
    const change = (body: unknown) => post(stack.target, `/api/manage/${token}/distance`, body);
    const bad = await change({ distance: 'ultra' });
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.details).toEqual([{ path: 'distance', message: 'must be one of: 10, half' }]);
    expect((await change({ distance: 'half', extra: 1 })).status).toBe(422);
    expect(await (await change({ distance: 'half' })).json()).toEqual({ status: 'registered', distance: 'half' });
    // The 10 km's one place is free again after the first test: E takes it, and F then finds it full.
    expect(await (await change({ distance: '10' })).json()).toEqual({ status: 'registered', distance: '10' });
    expect((await (await manage(token)).json()).distance).toBe('10');
    await eventually(() => expect(emailsTo(e.email)).toHaveLength(2));
    const f = runner({ distance: 'half' });
    expect((await post(stack.target, '/api/registrations', f)).status).toBe(201);
    await eventually(() => expect(emailsTo(f.email)).toHaveLength(1));
    const full = await post(stack.target, `/api/manage/${tokenOf(f.email)}/distance`, { distance: '10' });
    expect(full.status).toBe(409);
    expect((await full.json()).error.code).toBe('distance_full');
    expect((await (await manage(tokenOf(f.email))).json()).distance).toBe('half');
    // E goes back: the 10 km's place is free again for the next test.
    expect(await (await change({ distance: 'half' })).json()).toEqual({ status: 'registered', distance: 'half' });
  });

  it('a place freed while the head of the waitlist is held elsewhere is offered by the catch-up', async () => {
    const f = runner({ distance: '10' });
    const g = runner({ distance: '10', joinWaitlist: true });
    expect((await post(stack.target, '/api/registrations', f)).status).toBe(201);
    expect(await (await post(stack.target, '/api/registrations', g)).json()).toMatchObject({ position: 1 });
    await eventually(() => expect(emailsTo(f.email)).toHaveLength(1));
    await eventually(() => expect(emailsTo(g.email)).toHaveLength(1));
    const [waiting] = await stack.db.query<{ id: string }>('SELECT id FROM registrations WHERE email = $1', [g.email]);
    // Another statement holds G's row (and then fails: rolled back) while F withdraws.
    const holder = new pg.Client({ connectionString: stack.db.url });
    await holder.connect();
    const catchUp = () =>
      stack.db.query<{ status: string; attempts: number }>(
        "SELECT status, attempts FROM tasks WHERE kind = 'offer-free-places'",
      );
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM registrations WHERE id = $1 FOR UPDATE', [waiting?.id]);
      expect(await (await manage(tokenOf(f.email), 'withdraw')).json()).toEqual({ status: 'withdrawn' });
      const [count] = await stack.db.query<{ taken: number }>(
        `SELECT taken FROM distance_counts WHERE race_id = '${race.id}'`,
      );
      expect(count?.taken).toBe(0);
      // Its first attempt finds G still held: it fails, to be retried.
      await eventually(async () => {
        const [task] = await catchUp();
        expect(task?.status).toBe('pending');
        expect(task?.attempts).toBeGreaterThanOrEqual(1);
      });
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    await eventually(async () => {
      await sweep();
      expect(emailsTo(g.email)).toHaveLength(2);
    }, 20_000);
    expect(emailsTo(g.email)[1]?.subject).toContain('A place is yours');
    expect(await (await manage(tokenOf(g.email))).json()).toMatchObject({ status: 'offered' });
    expect(await (await manage(tokenOf(g.email), 'accept')).json()).toEqual({ status: 'registered' });
    await eventually(() => expect(emailsTo(g.email)).toHaveLength(3));
    expect((await catchUp())[0]?.status).toBe('succeeded');
  });

  it('an unknown or malformed token is a 404, in the one envelope', async () => {
    for (const token of ['A'.repeat(43), 'short', '%00']) {
      const answer = await fetch(`${stack.target.url}/api/manage/${token}`);
      expect(answer.status).toBe(404);
      expect((await answer.json()).error.code).toBe('not_found');
    }
    expect((await post(stack.target, `/api/manage/${'B'.repeat(43)}/withdraw`, {})).status).toBe(404);
  });
});

describe('verification holds (node)', () => {
  const held: Race = {
    ...race,
    id: 'verify-race',
    distances: [{ ...race.distances[0]!, cap: 2 }],
    verification: { holdFor: '3s' },
  };
  const file = join(tmpdir(), `finishline-verify-race-${process.pid}.json`);
  const stack = useStack('fl_verify_http', startNodeTarget, () => {
    writeFileSync(file, JSON.stringify(held));
    return { RACE_CONFIG: file, PUBLIC_URL, LINK_SECRET, TASK_SWEEP_INTERVAL_MS: '200' };
  });
  const emailsTo = (email: string) => stack.resend.accepted().filter((e) => e.to.includes(email));
  function tokenOf(email: string): string {
    const match = /\/manage\/([A-Za-z0-9_-]{43})/.exec(emailsTo(email).at(-1)?.text ?? '');
    if (!match?.[1]) throw new Error(`no manage link in the email to ${email}`);
    return match[1];
  }
  const status = async (token: string) =>
    (await (await fetch(`${stack.target.url}/api/manage/${token}`)).json()).status;

  it('holds the place until the runner confirms; an unconfirmed hold expires and passes on', async () => {
    const a = runner({ distance: '10' });
    const d = runner({ distance: '10' });
    const b = runner({ distance: '10', joinWaitlist: true });
    const signedUp = await post(stack.target, '/api/registrations', a);
    expect(signedUp.status).toBe(201);
    expect(await signedUp.json()).toMatchObject({ status: 'pending_verification' });
    expect((await post(stack.target, '/api/registrations', d)).status).toBe(201);
    // Held places count against the cap: the third runner waits, and without the flag is told how to.
    const full = await post(stack.target, '/api/registrations', runner({ distance: '10' }));
    expect(full.status).toBe(409);
    expect((await full.json()).error).toMatchObject({ code: 'distance_full', details: [{ path: 'joinWaitlist' }] });
    expect(await (await post(stack.target, '/api/registrations', b)).json()).toMatchObject({
      status: 'waitlisted',
      position: 1,
    });

    await eventually(() => expect(emailsTo(a.email)).toHaveLength(1));
    expect(emailsTo(a.email)[0]?.subject).toContain('Confirm');
    const tokenA = tokenOf(a.email);
    expect(await status(tokenA)).toBe('pending_verification');
    const verified = await post(stack.target, `/api/manage/${tokenA}/verify`, {});
    expect(await verified.json()).toEqual({ status: 'registered' });
    await eventually(() => expect(emailsTo(a.email)).toHaveLength(2));
    expect(emailsTo(a.email)[1]?.subject).toContain('registered');

    // D never confirms: after 3 s the hold expires, D is told, and B is offered the place.
    await eventually(() => expect(emailsTo(d.email)).toHaveLength(1));
    const tokenD = tokenOf(d.email);
    await eventually(async () => expect(await status(tokenD)).toBe('expired'), 20_000);
    await eventually(() => expect(emailsTo(b.email)).toHaveLength(2), 20_000);
    expect(await status(tokenOf(b.email))).toBe('offered');
    const late = await post(stack.target, `/api/manage/${tokenD}/verify`, {});
    expect(late.status).toBe(410);
    expect((await late.json()).error.code).toBe('hold_expired');
    await eventually(() => expect(emailsTo(d.email)).toHaveLength(2));
    expect(emailsTo(d.email)[1]?.subject).toContain('expired');
  });
});

// Waitlist notices are written pending and started after the answer. Started one claim at a time, each
// used to go out as a provider request of its own, which at the provider's 5 requests/s could not keep
// up with a burst (bench:drain --waitlist); they now gather into batches as confirmations do. As in
// batches.test.ts, the first notice is held at the stand-in's gate and a long batch window lets the
// next ones surely gather.
describe('waitlist notices of sign-ups at once (node)', () => {
  const file = join(tmpdir(), `finishline-waitlist-batch-race-${process.pid}.json`);
  const stack = useStack('fl_waitlist_batch', startNodeTarget, () => {
    writeFileSync(file, JSON.stringify({ ...race, id: 'waitlist-batch-race' }));
    return {
      RACE_CONFIG: file,
      PUBLIC_URL,
      LINK_SECRET,
      ADMIN_TOKEN,
      EMAIL_RATE_LIMIT_PER_SEC: '2000',
      EMAIL_BATCH_WINDOW_MS: '1000',
    };
  });

  it("share one provider request, each with its runner's own number", async () => {
    const emailsTo = (email: string) => stack.resend.accepted().filter((e) => e.to.includes(email));
    const placed = runner({ distance: '10' });
    expect((await post(stack.target, '/api/registrations', placed)).status).toBe(201);
    await eventually(() => expect(emailsTo(placed.email)).toHaveLength(1));

    const gate = stack.resend.hold();
    const first = runner({ distance: '10', joinWaitlist: true });
    expect(await (await post(stack.target, '/api/registrations', first)).json()).toMatchObject({ position: 1 });
    await gate.waitForHeld(1);
    const others = Array.from({ length: 5 }, () => runner({ distance: '10', joinWaitlist: true }));
    const answers = await Promise.all(others.map((o) => post(stack.target, '/api/registrations', o)));
    const positions = await Promise.all(answers.map(async (a) => (await a.json()).position as number));
    expect([...positions].sort()).toEqual([2, 3, 4, 5, 6]);
    gate.release();

    await eventually(() => {
      for (const o of [first, ...others]) expect(emailsTo(o.email)).toHaveLength(1);
    });
    // The confirmation, the held notice, then the five others in one batch.
    expect(
      stack.resend
        .acceptedRequests()
        .map((r) => r.emails)
        .sort(),
    ).toEqual([1, 1, 5]);
    others.forEach((o, i) => {
      expect(emailsTo(o.email)[0]?.text).toContain(`number ${positions[i]}.`);
    });
  });
});
