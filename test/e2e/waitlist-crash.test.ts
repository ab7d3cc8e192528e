// A chain of promotions through crashes: two Node services as real processes sharing one database, a
// distance of 50 places with 150 runners on its waitlist, offers held for 2 s. Forty runners give
// their place up and ten waiting runners leave, through their manage links; each runner offered a
// place accepts it, declines it, or lets it run out (then it passes on), so offers expire and pass on
// again and again — while the services are killed with SIGKILL (no shutdown, no cleanup) four times
// and restarted, with requests, offers, expiries and sends in flight. The Resend stand-in fails some
// sends too. Afterwards, once every offer has run its course:
//   - no place is lost: per distance, taken = registered + offered (+ pending verification) ≤ cap, and
//     a place is free only when nobody waits;
//   - nobody is offered twice: one offer email at most per runner, and exactly one for every runner
//     who was ever offered a place (the offer letters written, one each);
//   - every email exactly once: each runner got each letter once, and the provider accepted exactly
//     the emails the tasks that succeeded carried.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RACE, type Race } from '../../src/domain/race.js';
import { FAST_RETRIES } from '../support/fast-retries.js';
import { runner } from '../support/fixtures.js';
import { eventually } from '../support/http.js';
import { type ServiceProcess, startServiceProcess } from '../support/processes.js';
import { useStack } from '../support/stack.js';

const CAP = 50;
const WAITING = 150;
const GIVING_UP = 40;
const LEAVING_THE_WAITLIST = 10;
const KILLS = 4;
const LINK_SECRET = 'Waitlist-crash-link-secret-q8w3e6r1t9y2u5i7';
const PUBLIC_URL = 'https://race.example.test';
const OFFER_SUBJECT = 'A place is yours';

const race: Race = {
  ...DEFAULT_RACE,
  id: 'waitlist-crash-race',
  distances: [{ id: '10', label: '10 km', startTime: '09:30', cap: CAP }],
  reminders: [],
  waitlist: { offerTtl: '2s' },
};

/** What a runner offered a place does, by their number: accept (1 in 5), decline (1 in 10), or nothing. */
function choiceOf(index: number): 'accept' | 'decline' | 'ignore' {
  if (index % 5 === 0) return 'accept';
  if (index % 10 === 3) return 'decline';
  return 'ignore';
}

describe('a chain of promotions through crashes', () => {
  // The services are processes of their own, started by the test: no target here.
  const stack = useStack('fl_waitlist_crash', null, {}, { resend: { latencyMs: 20 } });
  const file = join(tmpdir(), `finishline-waitlist-crash-race-${process.pid}.json`);
  const services: (ServiceProcess | undefined)[] = [undefined, undefined];
  const start = () =>
    startServiceProcess({
      DATABASE_URL: stack.db.url,
      RESEND_API_KEY: stack.resend.apiKey,
      RESEND_BASE_URL: stack.resend.url,
      RACE_CONFIG: file,
      PUBLIC_URL,
      LINK_SECRET,
      ...FAST_RETRIES,
    });

  afterAll(async () => {
    await Promise.all(services.map((s) => s?.stop('SIGKILL')));
  });

  /** A request to whichever service is up; a connection cut by a kill is tried again (the actions are repeatable). */
  let turn = 0;
  async function request(path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    for (let round = 0; ; round++) {
      const live = services.filter((s): s is ServiceProcess => s !== undefined);
      const service = live[turn++ % Math.max(1, live.length)];
      try {
        if (!service) throw new Error('no service is up');
        const res = await fetch(`${service.url}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        return { status: res.status, json: (await res.json()) as Record<string, unknown> };
      } catch (error) {
        if (round >= 100) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  const emailsTo = (email: string) => stack.resend.accepted().filter((e) => e.to.includes(email));
  function tokenOf(email: string): string {
    const text = emailsTo(email).at(-1)?.text ?? '';
    const match = /https:\/\/race\.example\.test\/manage\/([A-Za-z0-9_-]{43})/.exec(text);
    if (!match?.[1]) throw new Error(`no manage link in the emails to ${email}`);
    return match[1];
  }

  it(`cap ${CAP}, ${WAITING} waiting, 2 s offers, SIGKILL ×${KILLS}: no lost offer, nobody offered twice, each email once`, async () => {
    writeFileSync(file, JSON.stringify(race));
    stack.resend.setFaults({ error500: 0.05, acceptThenDrop: 0.02 });
    // One after the other: the first start builds dist/ when it is stale.
    services[0] = await start();
    services[1] = await start();
    let kills = 0;
    /** SIGKILLs service `i` and starts it again; the other serves meanwhile. */
    async function crash(i: number) {
      kills += 1;
      const killed = services[i];
      services[i] = undefined;
      await killed?.stop('SIGKILL');
      services[i] = await start();
    }

    // 1. Sign-ups: 50 take the places, 150 join the waitlist. One crash midway.
    const runners = Array.from({ length: CAP + WAITING }, (_, index) => ({
      index,
      body: runner({ distance: '10', joinWaitlist: true }),
      get email() {
        return this.body.email;
      },
    }));
    let signedUp = 0;
    let crashed: Promise<void> | undefined;
    for (let i = 0; i < runners.length; i += 8) {
      await Promise.all(
        runners.slice(i, i + 8).map(async (r) => {
          const { status, json } = await request('/api/registrations', r.body);
          // 409: its first try was stored before the kill cut the answer off.
          expect([201, 409], JSON.stringify(json)).toContain(status);
          signedUp++;
        }),
      );
      if (i === 96) crashed = crash(0);
    }
    await crashed;
    expect(signedUp).toBe(runners.length);
    const [counted] = await stack.db.query<{ taken: number; waiting: number }>(
      `SELECT c.taken, (SELECT count(*)::int FROM registrations WHERE status = 'waitlisted') AS waiting
       FROM distance_counts c WHERE c.race_id = '${race.id}'`,
    );
    expect(counted).toEqual({ taken: CAP, waiting: WAITING });
    // Everyone has their first email (confirmation or waitlist notice): their manage link.
    await eventually(() => {
      for (const r of runners) expect(emailsTo(r.email).length, r.email).toBeGreaterThanOrEqual(1);
    }, 60_000);

    // 2. The chain: runners give places up, waiting runners leave, offers are answered or run out,
    // while the services crash.
    const byEmail = new Map(runners.map((r) => [r.email.toLowerCase(), r]));
    const rowsIn = async (status: string) =>
      (
        await stack.db.query<{ email: string }>(
          'SELECT email FROM registrations WHERE status = $1 ORDER BY waitlist_ticket, created_at',
          [status],
        )
      ).map((row) => byEmail.get(row.email.toLowerCase()) as (typeof runners)[number]);
    const registered = await rowsIn('registered');
    const waiting = await rowsIn('waitlisted');
    const chain: Promise<unknown>[] = [];
    for (let n = 0; n < GIVING_UP; n++) {
      const r = registered[(n * 7) % CAP] as (typeof runners)[number];
      chain.push(
        new Promise((resolve) => setTimeout(resolve, n * 60)).then(async () => {
          const { status, json } = await request(`/api/manage/${tokenOf(r.email)}/withdraw`, {});
          expect({ status, json }).toEqual({ status: 200, json: { status: 'withdrawn' } });
        }),
      );
    }
    // Waiting runners far down the list leave (they may have been offered a place by then).
    for (let n = 0; n < LEAVING_THE_WAITLIST; n++) {
      const r = waiting[WAITING - 1 - n * 3] as (typeof runners)[number];
      chain.push(
        new Promise((resolve) => setTimeout(resolve, 500 + n * 200)).then(async () => {
          const { status } = await request(`/api/manage/${tokenOf(r.email)}/withdraw`, {});
          expect(status).toBe(200);
        }),
      );
    }
    // Crashes, one service at a time, while offers pass on.
    chain.push(
      (async () => {
        for (let k = 1; k < KILLS; k++) {
          await new Promise((resolve) => setTimeout(resolve, 1500));
          await crash(k % 2);
        }
      })(),
    );
    // The offered runners answer (or not) as their offer email arrives.
    const answered = new Set<string>();
    const answers: Promise<unknown>[] = [];
    let chainDone = false;
    const watcher = (async () => {
      while (!chainDone) {
        for (const email of stack.resend.accepted()) {
          if (!email.subject.startsWith(OFFER_SUBJECT)) continue;
          const r = byEmail.get((email.to[0] ?? '').toLowerCase());
          if (!r || answered.has(r.email)) continue;
          answered.add(r.email);
          const choice = choiceOf(r.index);
          if (choice === 'ignore') continue;
          answers.push(
            request(`/api/manage/${tokenOf(r.email)}/${choice}`, {}).then(({ status }) => {
              // Too late (it ran out meanwhile: 410 to an accept, 409 to a decline) is an answer too.
              expect([200, 409, 410]).toContain(status);
            }),
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await Promise.all(chain);
    expect(kills).toBe(KILLS);

    // 3. Until every offer has run its course: nobody is offered any more, and no task is left to run.
    await eventually(async () => {
      const [open] = await stack.db.query<{ offered: number; tasks: number }>(
        `SELECT (SELECT count(*)::int FROM registrations WHERE status = 'offered') AS offered,
                (SELECT count(*)::int FROM tasks WHERE status IN ('pending', 'running')) AS tasks`,
      );
      expect(open).toEqual({ offered: 0, tasks: 0 });
    }, 120_000);
    chainDone = true;
    await watcher;
    await Promise.all(answers);
    // The answers' own tasks (a confirmation, a withdrawal letter) are done too.
    await eventually(async () => {
      const [open] = await stack.db.query<{ tasks: number }>(
        "SELECT count(*)::int AS tasks FROM tasks WHERE status IN ('pending', 'running')",
      );
      expect(open?.tasks).toBe(0);
    }, 60_000);

    // No lost place: the counter is the places held, within the cap; a free place only with nobody waiting.
    const statuses = await stack.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM registrations GROUP BY status',
    );
    const count = (status: string) => statuses.find((s) => s.status === status)?.n ?? 0;
    const [counts] = await stack.db.query<{ taken: number; tickets: number; departed: number }>(
      `SELECT taken, tickets, departed FROM distance_counts WHERE race_id = '${race.id}'`,
    );
    const held = count('registered') + count('offered') + count('pending_verification');
    expect(counts?.taken).toBe(held);
    expect(held).toBeLessThanOrEqual(CAP);
    expect((counts?.tickets ?? 0) - (counts?.departed ?? 0)).toBe(count('waitlisted'));
    if (count('waitlisted') > 0) expect(held).toBe(CAP);
    // The chain ran: places were given up, and offers ran out and passed on.
    expect(count('withdrawn')).toBeGreaterThanOrEqual(GIVING_UP);
    expect(count('expired')).toBeGreaterThan(0);

    // Nobody offered twice; everyone ever offered, offered once.
    const offerLetters = await stack.db.query<{ email: string; n: number }>(
      `SELECT r.email, count(*)::int AS n FROM tasks t JOIN registrations r ON r.id = t.registration_id
       WHERE t.kind = 'send-runner-email' AND t.payload->>'letter' = 'offer' GROUP BY r.email`,
    );
    // Everyone who left the waitlist other than by leaving it themselves was offered a place.
    const everOffered = await stack.db.query<{ email: string }>(
      `SELECT r.email FROM registrations r
       WHERE r.waitlist_ticket IS NOT NULL AND r.status <> 'waitlisted'
         AND NOT EXISTS (
           SELECT 1 FROM tasks t WHERE t.registration_id = r.id AND t.kind = 'send-runner-email'
             AND t.payload->>'letter' = 'withdrawn' AND t.payload->>'was' = 'waitlisted')`,
    );
    expect(offerLetters.every((l) => l.n === 1)).toBe(true);
    expect(offerLetters.length).toBeGreaterThan(GIVING_UP);
    expect(new Set(offerLetters.map((l) => l.email))).toEqual(new Set(everOffered.map((r) => r.email)));
    for (const r of runners) {
      const offers = emailsTo(r.email).filter((e) => e.subject.startsWith(OFFER_SUBJECT)).length;
      expect(offers, r.email).toBe(offerLetters.some((l) => l.email === r.email) ? 1 : 0);
    }
    // Every runner offered a place and silent let it run out, or answered: nobody is left holding one.
    for (const r of runners.filter((x) => answered.has(x.email) && choiceOf(x.index) === 'ignore')) {
      const [row] = await stack.db.query<{ status: string }>('SELECT status FROM registrations WHERE email = $1', [
        r.email,
      ]);
      expect(['expired', 'withdrawn'], r.email).toContain(row?.status);
    }

    // Each email exactly once: each runner got each letter once, and the provider took exactly what the
    // tasks that succeeded carried.
    for (const r of runners) {
      const subjects = emailsTo(r.email).map((e) => e.subject);
      expect(new Set(subjects).size, r.email).toBe(subjects.length);
    }
    const [emailTasks] = await stack.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tasks WHERE status = 'succeeded'
       AND kind IN ('send-confirmation-email', 'send-runner-email')`,
    );
    expect(stack.resend.acceptedCount()).toBe(emailTasks?.n);
    const [dead] = await stack.db.query<{ n: number }>("SELECT count(*)::int AS n FROM tasks WHERE status = 'dead'");
    expect(dead?.n).toBe(0);
    // A safety net, not a speed claim: six service starts and the chain's course.
  }, 240_000);
});
