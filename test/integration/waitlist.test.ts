// The waitlist end to end on Node, with real PostgreSQL and the Resend stand-in: a full distance puts a
// runner who asks on its waitlist (201, their number, an email with their manage link); a withdrawal
// through the manage link offers the place to the head of the waitlist (an email with the deadline);
// the offer is accepted (a confirmation) or runs out (an expiry email, and the place passes on).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RACE, type Race } from '../../src/domain/race.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { useStack } from '../support/stack.js';
import { startNodeTarget } from '../support/targets.js';

const ADMIN_TOKEN = 'Waitlist-test-admin-token-7f3k9q2m8x4v6b1n';
const LINK_SECRET = 'Waitlist-test-link-secret-c5h8j2w9r4t7y1u3';
const PUBLIC_URL = 'https://race.example.test';

const race: Race = {
  ...DEFAULT_RACE,
  id: 'waitlist-race',
  distances: [{ id: '10', label: '10 km', startTime: '09:30', cap: 1 }],
  waitlist: { offerTtl: '4s' },
};

describe('the waitlist (node)', () => {
  const file = join(tmpdir(), `finishline-waitlist-race-${process.pid}.json`);
  const stack = useStack('fl_waitlist_http', startNodeTarget, () => {
    writeFileSync(file, JSON.stringify(race));
    return { RACE_CONFIG: file, PUBLIC_URL, LINK_SECRET, ADMIN_TOKEN, TASK_SWEEP_INTERVAL_MS: '200' };
  });

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

    // D waits; an admin withdraws B; D's offer runs out (4 s) and nobody else waits: the place is free.
    const d = runner({ distance: '10', joinWaitlist: true });
    expect(await (await post(stack.target, '/api/registrations', d)).json()).toMatchObject({ position: 1 });
    await eventually(() => expect(emailsTo(d.email)).toHaveLength(1));
    const byAdmin = await fetch(`${stack.target.url}/api/admin/registrations/${offered.id}/withdraw`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(await byAdmin.json()).toEqual({ id: offered.id, status: 'withdrawn' });
    await eventually(() => expect(emailsTo(d.email)).toHaveLength(2));
    const tokenD = tokenOf(d.email);
    await eventually(async () => expect((await (await manage(tokenD)).json()).status).toBe('expired'), 20_000);
    await eventually(() => expect(emailsTo(d.email)).toHaveLength(3));
    expect(emailsTo(d.email)[2]?.subject).toContain('expired');
    const late = await manage(tokenD, 'accept');
    expect(late.status).toBe(410);
    expect((await late.json()).error.code).toBe('offer_expired');
    const [count] = await stack.db.query<{ taken: number }>(
      `SELECT taken FROM distance_counts WHERE race_id = '${race.id}'`,
    );
    expect(count?.taken).toBe(0);
    // Each runner got each email once.
    for (const email of [a.email, b.email, d.email]) {
      const subjects = emailsTo(email).map((e) => e.subject);
      expect(new Set(subjects).size).toBe(subjects.length);
    }
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
