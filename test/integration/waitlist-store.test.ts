// The waitlist's statements on real PostgreSQL, under concurrency: places are never oversold, a freed
// place goes to the head of the waitlist exactly once, an accept racing its expiry ends one way only,
// and the invariant holds after every step of random sequences (fast-check).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/adapters/db/database.js';
import { openNodePostgres } from '../../src/adapters/db/node-postgres.js';
import { createStore } from '../../src/adapters/db/store.js';
import type { RegistrationStatus, Store } from '../../src/ports/store.js';
import type { NewTask } from '../../src/ports/tasks.js';
import type { OfferTasks } from '../../src/ports/waitlist.js';
import { newRegistration } from '../support/fixtures.js';
import { useDatabase } from '../support/stack.js';

const RACE = 'waitlist-race';
const DISTANCE = '10';
const RUNNER_EMAIL = 'send-runner-email';
const EXPIRE_HOLD = 'expire-hold';
const REMINDER = 'send-reminder-email';
const OFFER_FREE_PLACES = 'offer-free-places';

const database = useDatabase('fl_waitlist', { migrate: true });
let handle: DatabaseHandle;
let cap = 3;
let store: Store;

beforeAll(() => {
  handle = openNodePostgres(database.db.url, { max: 40 });
  store = createStore(handle.db, () => cap);
});
afterAll(() => handle?.close());
beforeEach(async () => {
  await database.db.query('TRUNCATE registrations, tasks, task_attempts, distance_counts, idempotency_keys CASCADE');
});

function task(kind: string, payload: unknown, overrides: Partial<NewTask> = {}): NewTask {
  return {
    id: randomUUID(),
    kind,
    payload,
    maxAttempts: 5,
    priority: 0,
    start: 'claim',
    leaseOwner: 'test',
    leaseMs: 60_000,
    ...overrides,
  };
}

const offer = (offerTtlMs = 3_600_000): OfferTasks => ({
  email: task(RUNNER_EMAIL, { letter: 'offer' }),
  expiry: task(EXPIRE_HOLD, {}),
  offerTtlMs,
});

/** Signs a runner up with the waitlist open: a place, or a ticket. */
async function join() {
  const registration = newRegistration(RACE, { distance: DISTANCE });
  const reminder = task(
    REMINDER,
    { reminder: true },
    { key: { value: `reminder:${registration.id}:1d`, mode: 'keep' } },
  );
  const outcome = await store.insertRegistrationWithTask(
    registration,
    [task('send-confirmation-email', { letter: 'confirmation' }), reminder],
    undefined,
    { notice: task(RUNNER_EMAIL, { letter: 'waitlist' }) },
  );
  return { id: registration.id, outcome };
}

function withdraw(id: string, from: RegistrationStatus) {
  return store.release({
    registrationId: id,
    from,
    to: 'withdrawn',
    tasks: [task(RUNNER_EMAIL, { letter: 'withdrawn', was: from })],
    cancelKinds: [REMINDER, EXPIRE_HOLD],
    offer: offer(),
    catchUp: task(OFFER_FREE_PLACES, {}),
  });
}

function expire(id: string, from: RegistrationStatus) {
  return store.release({
    registrationId: id,
    from,
    to: 'expired',
    tasks: [task(RUNNER_EMAIL, { letter: 'expired' })],
    cancelKinds: [REMINDER, EXPIRE_HOLD],
    offer: offer(),
    catchUp: task(OFFER_FREE_PLACES, {}),
  });
}

function accept(id: string) {
  return store.takeUp({
    registrationId: id,
    from: 'offered',
    tasks: [task('send-confirmation-email', { letter: 'confirmation' })],
    expiry: { kind: EXPIRE_HOLD, key: `hold:${id}` },
  });
}

interface Row {
  id: string;
  status: RegistrationStatus;
  waitlist_ticket: number | null;
}

const rows = () =>
  database.db.query<Row>(
    `SELECT id, status, waitlist_ticket FROM registrations WHERE race_id = '${RACE}' ORDER BY waitlist_ticket NULLS FIRST, created_at`,
  );

/** Letters of a kind per registration: how many emails of that letter each runner has. */
async function letters(letter: string): Promise<Map<string, number>> {
  const found = await database.db.query<{ registration_id: string; n: number }>(
    `SELECT registration_id, count(*)::int AS n FROM tasks WHERE kind = '${RUNNER_EMAIL}' AND payload->>'letter' = $1
     GROUP BY registration_id`,
    [letter],
  );
  return new Map(found.map((r) => [r.registration_id, r.n]));
}

/**
 * The invariant (issue: "at every instant"): per distance, the places held equal the counter and never
 * exceed the cap; every offered runner has exactly one live expiry and one offer email per time offered;
 * nobody is offered while someone ahead of them still waits... (strict order is checked where it applies).
 */
async function checkInvariant() {
  const [counts] = await database.db.query<{ taken: number; tickets: number; departed: number }>(
    `SELECT taken, tickets, departed FROM distance_counts WHERE race_id = '${RACE}' AND distance = '${DISTANCE}'`,
  );
  const all = await rows();
  const held = all.filter((r) => ['registered', 'offered', 'pending_verification'].includes(r.status)).length;
  const waiting = all.filter((r) => r.status === 'waitlisted').length;
  expect(counts?.taken ?? 0).toBe(held);
  // What the pages and /api/race count as taken: the places held, not the rows.
  expect((await store.countRegistrationsByDistance(RACE))[DISTANCE] ?? 0).toBe(held);
  expect(held).toBeLessThanOrEqual(cap);
  if (counts) expect(counts.tickets - counts.departed).toBe(waiting);
  // A place free while someone waits would be a place nobody is offered.
  if (waiting > 0) expect(held).toBe(cap);
  const offered = all.filter((r) => r.status === 'offered');
  const expiries = await database.db.query<{ key: string; n: number }>(
    `SELECT key, count(*)::int AS n FROM tasks WHERE kind = '${EXPIRE_HOLD}' AND status = 'pending' GROUP BY key`,
  );
  expect(new Set(expiries.map((e) => e.key))).toEqual(new Set(offered.map((r) => `hold:${r.id}`)));
  for (const e of expiries) expect(e.n).toBe(1);
}

describe('joining', () => {
  it('gives places up to the cap, then tickets with positions 1, 2, … and a notice carrying the number', async () => {
    cap = 2;
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await join());
    expect(outcomes.map((o) => o.outcome)).toEqual(['stored', 'stored', 'waitlisted', 'waitlisted', 'waitlisted']);
    const notices = await database.db.query<{ registration_id: string; position: number }>(
      `SELECT registration_id, (payload->>'position')::int AS position FROM tasks WHERE payload->>'letter' = 'waitlist'
       ORDER BY (payload->>'position')::int`,
    );
    expect(notices).toEqual(outcomes.slice(2).map((o, i) => ({ registration_id: o.id, position: i + 1 })));
    // Only runners with a place have a confirmation and reminders.
    const confirmations = await database.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tasks WHERE kind IN ('send-confirmation-email', '${REMINDER}')`,
    );
    expect(confirmations[0]?.n).toBe(4);
    const found = await store.findRegistration(outcomes[4]!.id);
    expect(found?.registration).toMatchObject({ status: 'waitlisted', position: 3 });
    await checkInvariant();
  });

  it('hands out distinct, gapless tickets to concurrent joiners', async () => {
    cap = 10;
    const outcomes = await Promise.all(Array.from({ length: 60 }, () => join()));
    expect(outcomes.filter((o) => o.outcome === 'stored')).toHaveLength(10);
    const positions = await database.db.query<{ position: number }>(
      `SELECT (payload->>'position')::int AS position FROM tasks WHERE payload->>'letter' = 'waitlist' ORDER BY 1`,
    );
    expect(positions.map((p) => p.position)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await checkInvariant();
  });
});

describe('releasing', () => {
  it('passes a withdrawn place to the head of the waitlist in the same statement, and cancels reminders', async () => {
    cap = 1;
    const first = await join();
    const second = await join();
    const third = await join();
    expect(await withdraw(first.id, 'registered')).toEqual({ released: true, offeredId: second.id, catchUpId: null });
    const all = await rows();
    expect(all.map((r) => [r.id, r.status])).toEqual([
      [first.id, 'withdrawn'],
      [second.id, 'offered'],
      [third.id, 'waitlisted'],
    ]);
    expect((await store.findRegistration(third.id))?.registration.position).toBe(1);
    expect(await letters('offer')).toEqual(new Map([[second.id, 1]]));
    expect(await letters('withdrawn')).toEqual(new Map([[first.id, 1]]));
    const reminders = await database.db.query<{ status: string }>(
      `SELECT status FROM tasks WHERE kind = '${REMINDER}' AND registration_id = '${first.id}'`,
    );
    expect(reminders).toEqual([{ status: 'cancelled' }]);
    // Again: the row has moved on, nothing more happens.
    expect(await withdraw(first.id, 'registered')).toEqual({ released: false, offeredId: null, catchUpId: null });
    expect(await letters('withdrawn')).toEqual(new Map([[first.id, 1]]));
    await checkInvariant();
  });

  it('frees the place when nobody waits, and a waitlisted runner who leaves frees none', async () => {
    cap = 1;
    const first = await join();
    const second = await join();
    expect(await withdraw(second.id, 'waitlisted')).toEqual({ released: true, offeredId: null, catchUpId: null });
    await checkInvariant();
    // Nobody waits: no catch-up either.
    expect(await withdraw(first.id, 'registered')).toEqual({ released: true, offeredId: null, catchUpId: null });
    await checkInvariant();
    expect((await join()).outcome).toBe('stored');
  });

  it('300 concurrent withdrawals against a 500-long waitlist: 300 offers, to positions 1–300, one each', async () => {
    cap = 300;
    for (let i = 0; i < 8; i++) await Promise.all(Array.from({ length: 100 }, () => join()));
    const before = await rows();
    const holders = before.filter((r) => r.status === 'registered');
    expect(holders).toHaveLength(300);
    const results = await Promise.all(holders.map((h) => withdraw(h.id, 'registered')));
    expect(results.every((r) => r.released)).toBe(true);
    const offeredIds = results.map((r) => r.offeredId);
    expect(new Set(offeredIds).size).toBe(300);
    const after = await rows();
    const offered = after.filter((r) => r.status === 'offered');
    expect(offered.map((r) => r.waitlist_ticket).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: 300 }, (_, i) => i + 1),
    );
    const emails = await letters('offer');
    expect(emails.size).toBe(300);
    expect([...emails.values()].every((n) => n === 1)).toBe(true);
    await checkInvariant();
  });
});

describe('the catch-up', () => {
  it('a place freed while every waiting runner is held elsewhere: written once, busy until the holder lets go, then offered', async () => {
    cap = 2;
    const first = await join();
    const second = await join();
    const waiting = await join();
    expect(waiting.outcome).toBe('waitlisted');
    // Another statement holds the only waiting runner (and will fail: rolled back below).
    const holder = new pg.Client({ connectionString: database.db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM registrations WHERE id = $1 FOR UPDATE', [waiting.id]);
      const freed = await withdraw(first.id, 'registered');
      expect(freed).toMatchObject({ released: true, offeredId: null });
      expect(freed.catchUpId).toEqual(expect.any(String));
      const [written] = await database.db.query<{ key: string; payload: unknown; status: string; run_at: Date }>(
        `SELECT key, payload, status, run_at FROM tasks WHERE kind = '${OFFER_FREE_PLACES}'`,
      );
      expect(written).toMatchObject({
        key: `free-places:${RACE}:${DISTANCE}`,
        payload: { raceId: RACE, distance: DISTANCE },
        status: 'pending',
      });
      // A second place freed meanwhile: the catch-up already waits (keep).
      expect(await withdraw(second.id, 'registered')).toMatchObject({ offeredId: null, catchUpId: null });
      // Still held: the catch-up can offer nothing yet, and says so.
      expect(await store.offerFreePlaces(RACE, DISTANCE, cap, () => offer())).toEqual({ offers: [], busy: true });
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    // Two places free and one runner waiting: one offer, then nobody waits.
    const made = await store.offerFreePlaces(RACE, DISTANCE, cap, () => offer());
    expect(made.busy).toBe(false);
    expect(made.offers).toHaveLength(1);
    expect(new Map((await rows()).map((r) => [r.id, r.status])).get(waiting.id)).toBe('offered');
    expect(await letters('offer')).toEqual(new Map([[waiting.id, 1]]));
    const [counts] = await database.db.query<{ taken: number }>(
      `SELECT taken FROM distance_counts WHERE race_id = '${RACE}'`,
    );
    expect(counts?.taken).toBe(1);
    await checkInvariant();
    // Again: nothing to do.
    expect(await store.offerFreePlaces(RACE, DISTANCE, cap, () => offer())).toEqual({ offers: [], busy: false });
  });
});

describe('an accept racing its expiry', () => {
  it('ends one way only, 100 rounds: registered, or expired and offered on — never both', async () => {
    cap = 1;
    let accepted = 0;
    let expired = 0;
    for (let round = 0; round < 100; round++) {
      await database.db.query('TRUNCATE registrations, tasks, distance_counts CASCADE');
      const holder = await join();
      const offeree = await join();
      const next = await join();
      await store.release({ ...releaseOf(holder.id), offer: offer(15) });
      // Both arrive around the deadline (15 ms after the offer), in either order.
      await sleep(round % 15);
      const [took, gone] =
        round % 2
          ? await Promise.all([accept(offeree.id), expire(offeree.id, 'offered')])
          : await Promise.all([expire(offeree.id, 'offered'), accept(offeree.id)]).then(([g, t]) => [t, g] as const);
      expect(took && gone.released).toBe(false);
      let final = gone;
      if (!took && !gone.released) {
        // Both too late and too early at once (the expiry before the deadline, the accept after it):
        // the expiry's retry ends it.
        await sleep(20);
        final = await expire(offeree.id, 'offered');
      }
      const status = new Map((await rows()).map((r) => [r.id, r.status]));
      if (took) {
        accepted++;
        expect(status.get(offeree.id)).toBe('registered');
        expect(status.get(next.id)).toBe('waitlisted');
      } else {
        expired++;
        expect(final).toEqual({ released: true, offeredId: next.id, catchUpId: null });
        expect(status.get(offeree.id)).toBe('expired');
        expect(status.get(next.id)).toBe('offered');
        expect(await accept(offeree.id)).toBe(false);
      }
      await checkInvariant();
    }
    // The race was run both ways.
    expect(accepted + expired).toBe(100);
    expect(accepted).toBeGreaterThan(0);
    expect(expired).toBeGreaterThan(0);
  });
});

function releaseOf(id: string) {
  return {
    registrationId: id,
    from: 'registered' as const,
    to: 'withdrawn' as const,
    tasks: [],
    cancelKinds: [REMINDER, EXPIRE_HOLD],
  };
}

describe('the invariant under random sequences', () => {
  type Step =
    | { op: 'join' }
    | { op: 'withdraw'; pick: number }
    | { op: 'accept'; pick: number }
    | { op: 'decline'; pick: number }
    | { op: 'expire'; pick: number };

  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.constant<Step>({ op: 'join' }),
    fc.nat(50).map<Step>((pick) => ({ op: 'withdraw', pick })),
    fc.nat(50).map<Step>((pick) => ({ op: 'accept', pick })),
    fc.nat(50).map<Step>((pick) => ({ op: 'decline', pick })),
    fc.nat(50).map<Step>((pick) => ({ op: 'expire', pick })),
  );

  it('holds after every step of sign-ups, withdrawals, accepts, declines and expiries', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(step, { minLength: 5, maxLength: 30 }),
        async (c, steps) => {
          cap = c;
          await database.db.query('TRUNCATE registrations, tasks, distance_counts CASCADE');
          const offersMade = new Map<string, number>();
          for (const s of steps) {
            const all = await rows();
            const among = (statuses: RegistrationStatus[]) => all.filter((r) => statuses.includes(r.status));
            const pickFrom = (list: Row[], pick: number) => (list.length ? list[pick % list.length] : undefined);
            let offeredId: string | null = null;
            if (s.op === 'join') await join();
            if (s.op === 'withdraw') {
              const r = pickFrom(among(['registered', 'waitlisted', 'offered']), s.pick);
              if (r) offeredId = (await withdraw(r.id, r.status)).offeredId;
            }
            if (s.op === 'accept') {
              const r = pickFrom(among(['offered']), s.pick);
              if (r) expect(await accept(r.id)).toBe(true);
            }
            if (s.op === 'decline') {
              const r = pickFrom(among(['offered']), s.pick);
              if (r) offeredId = (await withdraw(r.id, 'offered')).offeredId;
            }
            if (s.op === 'expire') {
              const r = pickFrom(among(['offered']), s.pick);
              if (r) {
                await database.db.query(
                  `UPDATE registrations SET hold_expires_at = now() - interval '1 second' WHERE id = $1`,
                  [r.id],
                );
                const result = await expire(r.id, 'offered');
                expect(result.released).toBe(true);
                offeredId = result.offeredId;
              }
            }
            if (offeredId) {
              // Strictly in order: the runner offered was the head of the waitlist.
              const head = among(['waitlisted'])[0];
              expect(offeredId).toBe(head?.id);
              offersMade.set(offeredId, (offersMade.get(offeredId) ?? 0) + 1);
            }
            await checkInvariant();
          }
          // Nobody is offered a place twice, and each offer is one email.
          for (const n of offersMade.values()) expect(n).toBe(1);
          expect(await letters('offer')).toEqual(offersMade);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('changing distance', () => {
  async function joinDistance(distance: string) {
    const registration = newRegistration(RACE, { distance });
    const outcome = await store.insertRegistrationWithTask(
      registration,
      [task('send-confirmation-email', { letter: 'confirmation' })],
      undefined,
      { notice: task(RUNNER_EMAIL, { letter: 'waitlist' }) },
    );
    return { id: registration.id, outcome };
  }
  const moveTo = (id: string, from: string, to: string) =>
    store.move({
      registrationId: id,
      from,
      to,
      cap,
      tasks: [task('send-confirmation-email', { letter: 'confirmation', distance: to })],
      offer: offer(),
    });
  async function placesPerDistance() {
    const counts = await database.db.query<{ distance: string; taken: number }>(
      `SELECT distance, taken FROM distance_counts WHERE race_id = '${RACE}' ORDER BY distance`,
    );
    const held = await database.db.query<{ distance: string; n: number }>(
      `SELECT distance, count(*)::int AS n FROM registrations
       WHERE race_id = '${RACE}' AND status IN ('registered', 'offered', 'pending_verification') GROUP BY distance ORDER BY distance`,
    );
    return {
      counts: counts.filter((c) => c.taken > 0).map((c) => [c.distance, c.taken]),
      held: held.map((h) => [h.distance, h.n]),
    };
  }

  it('moves only into room; the old place passes to the head of the old waitlist', async () => {
    cap = 1;
    const a = await joinDistance('10');
    const b = await joinDistance('10');
    const c = await joinDistance('half');
    expect([a.outcome, b.outcome, c.outcome]).toEqual(['stored', 'waitlisted', 'stored']);
    expect(await moveTo(a.id, '10', 'half')).toEqual({ outcome: 'full', offeredId: null, catchUpId: null });
    expect(await withdraw(c.id, 'registered')).toEqual({ released: true, offeredId: null, catchUpId: null });
    expect(await moveTo(a.id, '10', 'half')).toEqual({ outcome: 'moved', offeredId: b.id, catchUpId: null });
    // Read in the old distance: the row has moved on, nothing changes.
    expect((await moveTo(a.id, '10', 'half')).outcome).toBe('stale');
    const places = await placesPerDistance();
    expect(places.counts).toEqual(places.held);
    expect(places.held).toEqual([
      ['10', 1],
      ['half', 1],
    ]);
    const confirmations = await database.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tasks WHERE registration_id = '${a.id}' AND payload->>'distance' = 'half'`,
    );
    expect(confirmations[0]?.n).toBe(1);
  });

  it('moves in opposite directions at once: every move made, the counts exact', async () => {
    cap = 40;
    const tens = await Promise.all(Array.from({ length: 20 }, () => joinDistance('10')));
    const halves = await Promise.all(Array.from({ length: 20 }, () => joinDistance('half')));
    const results = await Promise.all([
      ...tens.map((r) => moveTo(r.id, '10', 'half')),
      ...halves.map((r) => moveTo(r.id, 'half', '10')),
    ]);
    expect(results.every((r) => r.outcome === 'moved')).toBe(true);
    const places = await placesPerDistance();
    expect(places.counts).toEqual([
      ['10', 20],
      ['half', 20],
    ]);
    expect(places.held).toEqual(places.counts);
  });
});
