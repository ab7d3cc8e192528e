// Benchmark (not a test): a burst of registrations through several service processes, then how long
// the outbox needs to deliver every confirmation through a provider that allows only a few requests a
// second (issue 11, point 4). The target: all 10,000 delivered within 60 s of the last answer, none
// lost, none doubled, no request answered 429.
//
//   npm run bench:drain [-- --registrations 10000 --processes 3 --concurrency 64 --provider-rate 5
//                          --latency 20 --deadline-after-last-answer 60 --timeout 300 --out DIR]
//   npm run bench:drain -- --waitlist [--places 7000 …the same flags]
//
// With --waitlist (issue 22): every sign-up asks for the half marathon with `joinWaitlist: true`, in a
// race with a waitlist (`offerTtl` 48h) whose half marathon has `--places` places (the other distances
// get no sign-ups), so the first `--places` are registered (a confirmation) and the rest join the
// waitlist (201 waitlisted with their number, and a waitlist email, task `send-runner-email` written
// pending and claimed after the answer). The services get PUBLIC_URL (loopback) and a LINK_SECRET made
// for the run, as production needs for a race with a waitlist. The target: every confirmation and every
// waitlist email accepted within the deadline, none doubled (no address gets a second email of the same
// subject, nor the other letter), no 429, and the waitlist numbers 1…N with no gap or repeat — in the
// 201 answers, in the emails' text ("number N") and in the database (ticket and position). Results in
// drain-waitlist.{md,json} (out/drain-waitlist/, or bench/results/ with --update-docs).
//
// 1. A fresh PostgreSQL database; the Resend stand-in in this process, enforcing `--provider-rate`
//    requests a second for its one key (429 with `retry-after` and `ratelimit-*` above that), `--latency`
//    ms per send; `--processes` services as real processes (bench/lib/service-process.ts) in production
//    mode, each on its own port, all on that database, EMAIL_RATE_LIMIT_PER_SEC = the provider's rate.
// 2. The burst: `--registrations` POST /api/registrations with unique emails, round-robin over the
//    processes, closed loop at `--concurrency`.
// 3. The drain: from the last answer, wait until every answered registration's email was accepted, or
//    until `--deadline-after-last-answer` s have passed. Then stop waiting: what has not arrived is
//    reported as not delivered within the target (and whether it is still queued or lost), so a run at
//    the defaults ends about a minute after the burst even while delivery needs far longer.
// 4. Stop the services (SIGTERM), then count from the stand-in and the database: delivered, lost,
//    doubled, provider requests, 429s, batch sizes; the targets with met / not met, on stdout and in
//    drain.{md,json} in out/drain/ (`--out DIR`, or the committed bench/results/ with --update-docs).
//    The services' JSON logs are in out/drain/logs/.
//
// Needs PostgreSQL (127.0.0.1:5432 or TEST_POSTGRES_URL). Exits 0 unless something crashed (missed
// targets are reported, not fatal); 2 when it runs past `--timeout` s (default: the deadline + 240 s),
// after stopping the services and dropping the database.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildConfirmationEmail } from '../src/domain/confirmation-email.js';
import { DEFAULT_RACE, type Race } from '../src/domain/race.js';
import { buildWaitlistEmail } from '../src/domain/waitlist-email.js';
import type { TestDatabase } from '../tools/postgres.js';
import type { ResendStandIn } from '../tools/resend-stand-in.js';
import { positiveInt } from './lib/args.js';
import type { Sample, SignUpFields } from './lib/load.js';
import { progressLine } from './lib/progress.js';
import { type RunContext, rigBench } from './lib/rig-bench.js';
import * as report from './lib/rig-report.js';
import { bareAddress } from './lib/send-recorder.js';
import * as rigs from './lib/service-rig.js';
import { round2, roundSummary, summarize } from './lib/stats.js';
import { targetsSection } from './lib/targets.js';

const { count } = report;

// ---------------------------------------------------------------- parameters

const { values: flags } = parseArgs({
  options: {
    registrations: { type: 'string', default: '10000' },
    ...rigs.rigOptions('3'),
    'deadline-after-last-answer': { type: 'string', default: '60' },
    waitlist: { type: 'boolean' },
    places: { type: 'string' },
  },
  strict: true,
});
if (flags.places !== undefined && !flags.waitlist) throw new Error('--places goes with --waitlist');

const params = {
  registrations: positiveInt('registrations', flags.registrations),
  ...rigs.rigParams(flags),
  deadlineAfterLastAnswerS: positiveInt('deadline-after-last-answer', flags['deadline-after-last-answer']),
  /** With --waitlist: the places of the one distance every sign-up asks for (the rest join its waitlist). */
  places: flags.waitlist ? positiveInt('places', flags.places ?? '7000') : undefined,
  // Room for start-up, the burst and the stop around the deadline; a run past it is stuck.
  timeoutS:
    flags.timeout === undefined
      ? positiveInt('deadline-after-last-answer', flags['deadline-after-last-answer']) + 240
      : positiveInt('timeout', flags.timeout),
};

/** The results' name: `drain`, or `drain-waitlist` with --waitlist. */
const RESULTS = params.places === undefined ? 'drain' : 'drain-waitlist';
const { outDir: OUT_DIR, logDir: LOG_DIR } = rigs.resultDirs(
  RESULTS,
  join(dirname(fileURLToPath(import.meta.url)), 'results'),
  flags,
);
const POLL_MS = 100;
const TIMELINE_MS = 1000;

/** The distance every sign-up asks for with --waitlist. */
const WAITLIST_DISTANCE = 'half';

/** With --waitlist: the default race with a waitlist, its half marathon holding `--places`. */
const WAITLIST_RACE: Race | undefined =
  params.places === undefined
    ? undefined
    : {
        ...DEFAULT_RACE,
        distances: DEFAULT_RACE.distances.map((d) =>
          d.id === WAITLIST_DISTANCE ? { ...d, cap: params.places as number } : d,
        ),
        waitlist: { offerTtl: '48h' },
      };

/** What each sign-up asks for besides the runner: with --waitlist, the one distance and its waitlist. */
const SIGN_UP: SignUpFields | undefined = WAITLIST_RACE
  ? { distance: WAITLIST_DISTANCE, joinWaitlist: true }
  : undefined;

/** The two letters' subjects (they carry only the race's name), to tell the emails apart. */
const SUBJECTS = (() => {
  const race = WAITLIST_RACE ?? DEFAULT_RACE;
  const facts = {
    registrationId: '00000000-0000-4000-8000-000000000000',
    firstName: 'Bench',
    email: 'bench@example.com',
    distance: WAITLIST_DISTANCE,
    manageUrl: 'http://127.0.0.1/manage/x',
  };
  return {
    confirmation: buildConfirmationEmail(race, 'Bench <bench@example.com>', facts).subject,
    waitlist: buildWaitlistEmail(race, 'Bench <bench@example.com>', { ...facts, position: 1, offerTtl: '48h' }).subject,
  };
})();

/**
 * What every service gets besides the database and the provider; printed with the results. With
 * --waitlist, the manage links production needs for a race with a waitlist: PUBLIC_URL on loopback
 * (no email is opened) and a LINK_SECRET made for the run, which the results do not print.
 */
const LINK_SECRET = randomBytes(32).toString('hex');
const SERVICE_SETTINGS: Record<string, string> = {
  ...rigs.serviceSettings(params.providerRatePerSec),
  ...(WAITLIST_RACE ? { PUBLIC_URL: 'http://127.0.0.1', LINK_SECRET: '(32 random bytes, hex, per run)' } : {}),
};
const SERVICE_ENV: Record<string, string> = WAITLIST_RACE ? { ...SERVICE_SETTINGS, LINK_SECRET } : SERVICE_SETTINGS;

const seconds = (millis: number) => `${(millis / 1000).toFixed(1)} s`;
/** Seconds, and minutes too when it is long enough for them to be the easier figure. */
const duration = (millis: number) =>
  millis >= 120_000 ? `${Math.round(millis / 1000)} s (${Math.round(millis / 60_000)} min)` : seconds(millis);

// ---------------------------------------------------------------- the run

interface TimelinePoint {
  /** Seconds since the burst's first request. */
  t: number;
  answered: number;
  /** Emails the stand-in accepted so far. */
  accepted: number;
  providerRequests: number;
  refused429: number;
  /** With --waitlist: waitlist emails the stand-in accepted so far. */
  waitlistAccepted?: number;
}

/**
 * Who is owed an email: recipient (lower-case) → the subject owed, or undefined for any email (the
 * plain drain's confirmations). With --waitlist a registered runner is owed the confirmation, a
 * waitlisted one the waitlist email.
 */
type Wanted = Map<string, string | undefined>;

/** Recipients among `wanted` with an accepted email of the subject they are owed, with when each was accepted. */
function deliveredAt(standIn: ResendStandIn, wanted: Wanted): Map<string, number[]> {
  const at = new Map<string, number[]>();
  for (const email of standIn.accepted()) {
    for (const to of email.to.map(bareAddress)) {
      if (!wanted.has(to)) continue;
      const subject = wanted.get(to);
      if (subject === undefined || subject === email.subject) at.set(to, [...(at.get(to) ?? []), email.createdAt]);
    }
  }
  return at;
}

/** Waits until every wanted recipient has their email, or the deadline. Returns whether all arrived. */
async function drain(rig: rigs.Rig, wanted: Wanted, lastAnswerAt: number, deadlineAt: number): Promise<boolean> {
  const progress = progressLine();
  for (;;) {
    rigs.checkStop(rig.stop);
    const delivered = deliveredAt(rig.standIn, wanted).size;
    const after = Date.now() - lastAnswerAt;
    if (delivered >= wanted.size) {
      progress.done(`drain: all ${wanted.size} delivered, ${seconds(after)} after the last answer`);
      return true;
    }
    if (Date.now() >= deadlineAt) {
      // Counted by the stand-in's timestamps, as in the results: this check runs a little past the deadline.
      const inTime = [...deliveredAt(rig.standIn, wanted).values()].filter((t) => Math.min(...t) <= deadlineAt).length;
      progress.done(
        `drain: ${inTime}/${wanted.size} delivered within the deadline (${params.deadlineAfterLastAnswerS} s after the last answer): stopped waiting`,
      );
      return false;
    }
    progress.update(
      `drain: ${delivered}/${wanted.size} delivered, ${seconds(after)} after the last answer ` +
        `(deadline ${params.deadlineAfterLastAnswerS} s), ${rig.standIn.refusedByRateLimit()} × 429`,
    );
    await rigs.sleep(POLL_MS);
  }
}

async function databaseCounts(db: TestDatabase) {
  const perEmail = await db.query<{ email: string; status: string | null }>(
    `SELECT r.email_normalized AS email, t.status
       FROM registrations r LEFT JOIN tasks t ON t.registration_id = r.id`,
  );
  const taskRows = await db.query<{ status: string; n: string }>(
    `SELECT status, count(*) AS n FROM tasks GROUP BY status ORDER BY status`,
  );
  const attemptRows = await db.query<{ outcome: string; n: string }>(
    `SELECT outcome, count(*) AS n FROM task_attempts GROUP BY outcome ORDER BY outcome`,
  );
  return {
    taskStatusByEmail: new Map(perEmail.map((r) => [r.email, r.status])),
    taskStatuses: Object.fromEntries(taskRows.map((r) => [r.status, Number(r.n)])),
    attemptOutcomes: Object.fromEntries(attemptRows.map((r) => [r.outcome, Number(r.n)])),
  };
}

/** The subject a 201 answer owes its runner: with --waitlist by the status it answered, else any email. */
function owedSubject(sample: Sample): string | undefined {
  if (!WAITLIST_RACE) return undefined;
  const status = sample.answer?.status;
  if (status === 'registered') return SUBJECTS.confirmation;
  if (status === 'waitlisted') return SUBJECTS.waitlist;
  // Nothing this run expects: counted as owed and never delivered, so it shows.
  return `(a 201 with status ${String(status)})`;
}

/** Whether `numbers` are exactly 1…n, each once: the numbers of 1…n nobody has (gaps), repeated ones, others. */
function sequenceCheck(numbers: (number | null | undefined)[], n: number) {
  const seen = new Map<number, number>();
  let withoutNumber = 0;
  for (const v of numbers) {
    if (typeof v !== 'number' || !Number.isInteger(v)) withoutNumber++;
    else seen.set(v, (seen.get(v) ?? 0) + 1);
  }
  let gaps = 0;
  for (let k = 1; k <= n; k++) if (!seen.has(k)) gaps++;
  const values = [...seen.keys()];
  const repeated = [...seen.values()].filter((c) => c > 1).length;
  const outOfRange = values.filter((k) => k < 1 || k > n).length;
  return {
    count: numbers.length,
    min: values.length ? values.reduce((a, b) => Math.min(a, b)) : null,
    max: values.length ? values.reduce((a, b) => Math.max(a, b)) : null,
    gaps,
    repeated,
    outOfRange,
    withoutNumber,
    ok: numbers.length === n && gaps === 0 && repeated === 0 && outOfRange === 0 && withoutNumber === 0,
  };
}

/** The runner's number in a waitlist email's text ("…, number 17. If a place…"). */
const NUMBER_IN_TEXT = /, number (\d+)\./;

/**
 * With --waitlist, counted after the services stopped: each letter's delivery (owed, in time, when the
 * last came, the provider requests that carried it), doubled and wrong letters, and the waitlist numbers
 * as the 201 answers, the emails' text and the database have them.
 */
async function waitlistFigures(
  rig: rigs.Rig,
  created: Sample[],
  at: { lastAnswerAt: number; deadlineAt: number; windowEnd: number },
) {
  const waitlistedCount = Math.max(0, params.registrations - (params.places ?? 0));
  const answerOf = new Map(created.map((s) => [s.email.toLowerCase(), s.answer ?? {}]));
  const owed = new Map(created.map((s) => [s.email.toLowerCase(), owedSubject(s)]));
  const accepted = rig.standIn.accepted();

  // Per recipient and subject: how many were accepted (a second one is doubled), the first's time.
  const bySubject = new Map<string, Map<string, number[]>>();
  let wrongLetters = 0;
  const noticeNumbers = new Map<string, number | undefined>();
  for (const email of accepted) {
    for (const to of email.to.map(bareAddress)) {
      const times = bySubject.get(email.subject) ?? new Map<string, number[]>();
      bySubject.set(email.subject, times);
      times.set(to, [...(times.get(to) ?? []), email.createdAt]);
      if (owed.get(to) !== email.subject) wrongLetters++;
      if (email.subject === SUBJECTS.waitlist && !noticeNumbers.has(to)) {
        const match = NUMBER_IN_TEXT.exec(email.text ?? '');
        noticeNumbers.set(to, match ? Number(match[1]) : undefined);
      }
    }
  }
  let doubled = 0;
  for (const times of bySubject.values()) for (const t of times.values()) if (t.length > 1) doubled++;

  // Provider requests by the letter they carried (an email kind's batch is one kind: one subject).
  const requestLetter = new Map<string, { subject: string; emails: number }>();
  for (const email of accepted) {
    const key = email.idempotencyKey ?? email.id;
    const entry = requestLetter.get(key) ?? { subject: email.subject, emails: 0 };
    entry.emails++;
    requestLetter.set(key, entry);
  }

  const letter = (subject: string) => {
    const recipients = [...owed].filter(([, s]) => s === subject).map(([to]) => to);
    const times = bySubject.get(subject) ?? new Map<string, number[]>();
    const first = recipients.flatMap((to) => {
      const t = times.get(to);
      return t ? [Math.min(...t)] : [];
    });
    const withinDeadline = first.filter((t) => t <= at.deadlineAt).length;
    const allInTime = withinDeadline === recipients.length;
    const afterLast = first.filter((t) => t > at.lastAnswerAt && t <= at.windowEnd).length;
    const rate = at.windowEnd > at.lastAnswerAt ? afterLast / ((at.windowEnd - at.lastAnswerAt) / 1000) : Number.NaN;
    const sizes = [...requestLetter.values()].filter((r) => r.subject === subject).map((r) => r.emails);
    return {
      subject,
      owed: recipients.length,
      deliveredWithinDeadline: withinDeadline,
      delivered: first.length,
      // Signed: negative when the last one went out before the last answer.
      lastAfterLastAnswerMs: allInTime && first.length ? Math.max(...first) - at.lastAnswerAt : null,
      deliveredPerSecAfterLastAnswer: round2(rate),
      projectedAllDeliveredAfterLastAnswerMs:
        allInTime || !(rate > 0)
          ? null
          : Math.round(at.windowEnd - at.lastAnswerAt + ((recipients.length - withinDeadline) / rate) * 1000),
      providerRequests: sizes.length,
      emailsPerRequest: roundSummary(summarize(sizes)),
      batchSizes: report.batchHistogram(sizes),
    };
  };

  const waitlisted = created.filter((s) => s.answer?.status === 'waitlisted');
  const rows = await rig.db.query<{ email: string; status: string; ticket: number | null; position: number | null }>(
    `SELECT r.email_normalized AS email, r.status, r.waitlist_ticket AS ticket,
            CASE WHEN r.status = 'waitlisted' THEN (
              SELECT count(*)::int FROM registrations w
               WHERE w.race_id = r.race_id AND w.distance = r.distance AND w.status = 'waitlisted'
                 AND w.waitlist_ticket <= r.waitlist_ticket) END AS position
       FROM registrations r`,
  );
  const dbWaitlisted = rows.filter((r) => r.status === 'waitlisted');
  const counters = await rig.db.query<{ distance: string; taken: number; tickets: number; departed: number }>(
    `SELECT distance, taken, tickets, departed FROM distance_counts ORDER BY distance`,
  );
  const statuses: Record<string, number> = {};
  for (const r of rows) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const answersSaid = (to: string) => answerOf.get(to)?.position;
  const notices = [...noticeNumbers];
  return {
    distance: WAITLIST_DISTANCE,
    places: params.places,
    answered: {
      registered: created.filter((s) => s.answer?.status === 'registered').length,
      waitlisted: waitlisted.length,
    },
    databaseStatuses: statuses,
    distanceCounts: counters.map((c) => ({ ...c, taken: Number(c.taken), tickets: Number(c.tickets) })),
    confirmations: letter(SUBJECTS.confirmation),
    notices: letter(SUBJECTS.waitlist),
    doubled,
    wrongLetters,
    otherSubjects: [...bySubject.keys()].filter((s) => s !== SUBJECTS.confirmation && s !== SUBJECTS.waitlist),
    positions: {
      expected: waitlistedCount,
      answers: sequenceCheck(
        waitlisted.map((s) => s.answer?.position),
        waitlistedCount,
      ),
      emails: {
        ...sequenceCheck(
          notices.map(([, n]) => n),
          waitlistedCount,
        ),
        notMatchingTheAnswer: notices.filter(([to, n]) => n !== answersSaid(to)).length,
      },
      databaseTickets: {
        ...sequenceCheck(
          dbWaitlisted.map((r) => r.ticket),
          waitlistedCount,
        ),
        notMatchingTheAnswer: dbWaitlisted.filter((r) => r.ticket !== answersSaid(r.email)).length,
      },
      databasePositions: {
        ...sequenceCheck(
          dbWaitlisted.map((r) => r.position),
          waitlistedCount,
        ),
        notMatchingTheAnswer: dbWaitlisted.filter((r) => r.position !== answersSaid(r.email)).length,
      },
    },
  };
}

async function measure(rig: rigs.Rig, runId: string, timeline: TimelinePoint[], answered: { n: number }) {
  console.log(`\nburst of ${params.registrations} registrations over ${params.processes} processes…`);
  const burstStartedAt = Date.now();
  const sample = () =>
    timeline.push({
      t: Math.round((Date.now() - burstStartedAt) / 100) / 10,
      answered: answered.n,
      accepted: rig.standIn.acceptedCount(),
      providerRequests: rig.standIn.requestCount(),
      refused429: rig.standIn.refusedByRateLimit(),
      ...(WAITLIST_RACE
        ? { waitlistAccepted: rig.standIn.accepted().filter((e) => e.subject === SUBJECTS.waitlist).length }
        : {}),
    });
  const timer = setInterval(sample, TIMELINE_MS);
  timer.unref();
  const loop = report.watchEventLoop();
  try {
    const emails = Array.from({ length: params.registrations }, (_, i) => `${runId}-${i}@example.com`);
    const { sent, wallMs } = await rigs.burst(
      rig,
      emails,
      params.concurrency,
      (done) => {
        answered.n = done;
      },
      SIGN_UP,
    );
    const created = sent.filter((s) => s.status === 201);
    const answerEnd = (s: Sample) => s.startedAtEpochMs + s.durationMs;
    // The last 201 marks the end of the burst (the last answer of any kind when there was none).
    const lastAnswerAt = sent.length ? Math.max(...(created.length ? created : sent).map(answerEnd)) : Date.now();
    const deadlineAt = lastAnswerAt + params.deadlineAfterLastAnswerS * 1000;
    const wanted: Wanted = new Map(created.map((s) => [s.email.toLowerCase(), owedSubject(s)]));

    console.log(`\ndelivery of ${wanted.size} emails at ${params.providerRatePerSec} provider requests/s…`);
    const allInTime = wanted.size > 0 ? await drain(rig, wanted, lastAnswerAt, deadlineAt) : true;
    const stoppedWaitingAt = Date.now();

    console.log('\nstopping the services (SIGTERM)…');
    const processes = await rigs.stopServices(rig.services);
    clearInterval(timer);
    const standInEventLoopDelayMs = loop.stop();
    sample(); // the end, however short the run
    const serviceLogEvents = await report.logEvents(rig.services.map((s) => s.logPath));

    // Everything below is counted after the services stopped, so nothing changes while we count.
    const accepted = deliveredAt(rig.standIn, wanted);
    const firstEmailAt = [...accepted.values()].map((times) => Math.min(...times));
    const withinDeadline = firstEmailAt.filter((at) => at <= deadlineAt).length;
    const lastEmailAt = firstEmailAt.length ? Math.max(...firstEmailAt) : undefined;
    const db = await databaseCounts(rig.db);
    let queued = 0;
    let lost = 0;
    for (const email of wanted.keys()) {
      if (accepted.has(email)) continue;
      // Not accepted: still owed by a task that will run (queued), or by nothing that will (lost).
      const status = db.taskStatusByEmail.get(email);
      if (status === 'pending' || status === 'running') queued++;
      else lost++;
    }
    const doubledRecipients = [...accepted.values()].filter((times) => times.length > 1).length;
    const requests = rig.standIn.acceptedRequests();
    const doubledKeys = report.doubledKeys(requests);

    // Delivery rate once the burst was over, and what it means for the rest.
    const windowEnd = Math.min(stoppedWaitingAt, deadlineAt);
    const afterLast = firstEmailAt.filter((at) => at > lastAnswerAt && at <= windowEnd).length;
    const rateAfterLastAnswer = windowEnd > lastAnswerAt ? afterLast / ((windowEnd - lastAnswerAt) / 1000) : Number.NaN;
    const missingAtDeadline = wanted.size - withinDeadline;
    const projectedAllAfterLastAnswerMs =
      allInTime || !(rateAfterLastAnswer > 0)
        ? undefined
        : windowEnd - lastAnswerAt + (missingAtDeadline / rateAfterLastAnswer) * 1000;
    const acceptedAt = requests.map((r) => r.at);
    const providerSpanMs = acceptedAt.length > 1 ? Math.max(...acceptedAt) - Math.min(...acceptedAt) : Number.NaN;
    const sizes = requests.map((r) => r.emails);
    const waitlist = WAITLIST_RACE
      ? await waitlistFigures(rig, created, { lastAnswerAt, deadlineAt, windowEnd })
      : undefined;

    return {
      burst: {
        ...report.burstAnswers(sent, params.registrations, wallMs),
        registrationsPerSec: round2(created.length / (wallMs / 1000)),
        stored: db.taskStatusByEmail.size,
        lastAnswerAt: new Date(lastAnswerAt).toISOString(),
      },
      emails: {
        expected: wanted.size,
        deadlineAfterLastAnswerS: params.deadlineAfterLastAnswerS,
        allDeliveredWithinDeadline: allInTime && withinDeadline === wanted.size,
        deliveredWithinDeadline: withinDeadline,
        delivered: accepted.size,
        notDelivered: wanted.size - accepted.size,
        queued,
        lost,
        doubled: doubledRecipients + doubledKeys,
        doubledRecipients,
        doubledKeys,
        // Signed: negative when the last email went out before the last answer.
        lastEmailAfterLastAnswerMs:
          lastEmailAt !== undefined && withinDeadline === wanted.size ? lastEmailAt - lastAnswerAt : null,
        deliveredPerSecAfterLastAnswer: round2(rateAfterLastAnswer),
        projectedAllDeliveredAfterLastAnswerMs:
          projectedAllAfterLastAnswerMs === undefined ? null : Math.round(projectedAllAfterLastAnswerMs),
        taskStatuses: db.taskStatuses,
        attemptOutcomes: db.attemptOutcomes,
      },
      provider: {
        ...report.providerCounts(rig.standIn),
        acceptedRequestsPerSec: round2((requests.length - 1) / (providerSpanMs / 1000)),
        emailsPerRequest: roundSummary(summarize(sizes)),
        batchSizes: report.batchHistogram(sizes),
        standInEventLoopDelayMs,
      },
      ...(waitlist ? { waitlist } : {}),
      serviceLogEvents,
      processes,
    };
  } finally {
    clearInterval(timer);
    loop.stop();
  }
}

type Measured = Awaited<ReturnType<typeof measure>>;

// ---------------------------------------------------------------- report

type Letter = NonNullable<Measured['waitlist']>['notices'];

/** One letter's delivery against the deadline, in words. */
function letterMeasured(name: string, l: Letter): string {
  if (l.lastAfterLastAnswerMs !== null) {
    return l.lastAfterLastAnswerMs <= 0
      ? `every ${name} before the last answer`
      : `last ${name} ${seconds(l.lastAfterLastAnswerMs)} after the last answer`;
  }
  return (
    `${count(l.deliveredWithinDeadline)} of ${count(l.owed)} ${name}s by then` +
    (l.projectedAllDeliveredAfterLastAnswerMs === null
      ? ''
      : ` (at ${l.deliveredPerSecAfterLastAnswer}/s all would take ≈ ${duration(l.projectedAllDeliveredAfterLastAnswerMs)})`)
  );
}

/** One source of the waitlist numbers, in words: "1–3,000, no gap or repeat" or what is wrong. */
function sequenceMeasured(check: ReturnType<typeof sequenceCheck> & { notMatchingTheAnswer?: number }): string {
  const wrong = [
    check.gaps ? `${count(check.gaps)} missing` : '',
    check.repeated ? `${count(check.repeated)} repeated` : '',
    check.outOfRange ? `${count(check.outOfRange)} out of range` : '',
    check.withoutNumber ? `${count(check.withoutNumber)} without a number` : '',
    check.notMatchingTheAnswer ? `${count(check.notMatchingTheAnswer)} not the answer's` : '',
  ].filter(Boolean);
  const range = check.min === null ? 'none' : `${count(check.min)}–${count(check.max ?? 0)}`;
  return `${count(check.count)}: ${range}${wrong.length ? `, ${wrong.join(', ')}` : ', no gap or repeat'}`;
}

/** The waitlist run's own targets (--waitlist): letters by status, delivery of each, numbers. */
function waitlistTargets(w: NonNullable<Measured['waitlist']>) {
  const deadline = `${params.deadlineAfterLastAnswerS} s`;
  const places = w.places ?? 0;
  const p = w.positions;
  const emailsOk =
    p.emails.repeated === 0 &&
    p.emails.outOfRange === 0 &&
    p.emails.withoutNumber === 0 &&
    p.emails.notMatchingTheAnswer === 0 &&
    (p.emails.count < p.expected || p.emails.gaps === 0);
  const dbOk =
    p.databaseTickets.ok &&
    p.databasePositions.ok &&
    p.databaseTickets.notMatchingTheAnswer === 0 &&
    p.databasePositions.notMatchingTheAnswer === 0;
  return [
    {
      target: `${count(places)} answered registered and ${count(p.expected)} waitlisted`,
      measured: `${count(w.answered.registered)} registered, ${count(w.answered.waitlisted)} waitlisted`,
      met: w.answered.registered === places && w.answered.waitlisted === p.expected,
    },
    {
      target: `all ${count(places)} confirmations and ${count(p.expected)} waitlist emails accepted within ${deadline} of the last answer`,
      measured: `${letterMeasured('confirmation', w.confirmations)}; ${letterMeasured('waitlist email', w.notices)}`,
      met:
        w.confirmations.owed === places &&
        w.notices.owed === p.expected &&
        w.confirmations.lastAfterLastAnswerMs !== null &&
        w.notices.lastAfterLastAnswerMs !== null,
    },
    {
      target: `waitlist numbers 1–${count(p.expected)}, no gap or repeat: in the 201 answers, the emails ("number N") and the database`,
      measured:
        `answers ${sequenceMeasured(p.answers)}; emails ${sequenceMeasured(p.emails)}; ` +
        `database tickets ${sequenceMeasured(p.databaseTickets)}, positions ${sequenceMeasured(p.databasePositions)}`,
      met: p.answers.ok && emailsOk && dbOk && p.emails.count === p.expected,
    },
  ];
}

function targets(m: Measured) {
  const e = m.emails;
  const deadline = `${params.deadlineAfterLastAnswerS} s`;
  const w = m.waitlist;
  const delivery = {
    target: `all ${count(params.registrations)} emails delivered within ${deadline} of the last answer`,
    measured: e.allDeliveredWithinDeadline
      ? (e.lastEmailAfterLastAnswerMs ?? 0) <= 0
        ? 'every email was accepted before the last answer'
        : `last email ${seconds(e.lastEmailAfterLastAnswerMs ?? 0)} after the last answer`
      : `${count(e.deliveredWithinDeadline)} of ${count(e.expected)} by then` +
        (e.projectedAllDeliveredAfterLastAnswerMs === null
          ? ''
          : `; at ${e.deliveredPerSecAfterLastAnswer} emails/s all would take ≈ ${duration(e.projectedAllDeliveredAfterLastAnswerMs)}, ` +
            `${Math.round(e.projectedAllDeliveredAfterLastAnswerMs / (params.deadlineAfterLastAnswerS * 1000))}× the target`),
    met: e.allDeliveredWithinDeadline && e.expected === params.registrations,
  };
  return [
    // With --waitlist its own delivery target (by letter) stands for the plain one.
    ...(w ? waitlistTargets(w) : [delivery]),
    {
      target: '0 lost',
      measured:
        `${e.lost}` +
        (e.queued
          ? ` (${count(e.queued)} not delivered yet when the run stopped waiting, their tasks still queued)`
          : ''),
      met: e.lost === 0,
    },
    w
      ? {
          target: '0 doubled: no address gets a second email of the same subject (nor the other letter)',
          measured:
            `${w.doubled} (address, subject) twice, ${w.wrongLetters} emails of a letter not owed, ` +
            `${e.doubledKeys} idempotency keys accepted more than once`,
          met: w.doubled === 0 && w.wrongLetters === 0 && e.doubledKeys === 0,
        }
      : {
          target: '0 doubled',
          measured: `${e.doubledRecipients} recipients, ${e.doubledKeys} idempotency keys accepted more than once`,
          met: e.doubled === 0,
        },
    {
      target: '0 provider requests answered 429',
      measured: `${m.provider.answered429} of ${count(m.provider.requests)}`,
      met: m.provider.answered429 === 0,
    },
    report.answeredTarget(m.burst),
  ];
}

/** The "## Waitlist" section (--waitlist): each letter's delivery and provider requests, the numbers. */
function waitlistSection(w: NonNullable<Measured['waitlist']>): string[] {
  const row = (name: string, l: Letter) =>
    `| ${name} | ${count(l.owed)} | ${count(l.deliveredWithinDeadline)} | ${count(l.delivered)} | ` +
    `${l.lastAfterLastAnswerMs === null ? (l.projectedAllDeliveredAfterLastAnswerMs === null ? '–' : `not in time; all ≈ ${duration(l.projectedAllDeliveredAfterLastAnswerMs)}`) : seconds(l.lastAfterLastAnswerMs)} | ` +
    `${l.deliveredPerSecAfterLastAnswer ?? '–'} | ${count(l.providerRequests)} | ${l.emailsPerRequest.p50 ?? '–'} / ${l.emailsPerRequest.max ?? '–'} | ${report.histogramLine(l.batchSizes)} |`;
  const p = w.positions;
  const numbers = (name: string, check: Parameters<typeof sequenceMeasured>[0]) =>
    `| ${name} | ${sequenceMeasured(check)} |`;
  return [
    '## Waitlist',
    '',
    `Answered: ${count(w.answered.registered)} registered, ${count(w.answered.waitlisted)} waitlisted. ` +
      `In the database: ${Object.entries(w.databaseStatuses)
        .map(([k, v]) => `${k} ${count(v)}`)
        .join(', ')}; the ${w.distance} distance's counters: ${w.distanceCounts
        .filter((c) => c.distance === w.distance)
        .map((c) => `taken ${count(c.taken)}, tickets ${count(c.tickets)}, departed ${c.departed}`)
        .join('')}.`,
    '',
    `| letter | owed | within ${params.deadlineAfterLastAnswerS} s of the last answer | by the end | last one after the last answer | per second after the last answer | provider requests | emails per request p50 / max | batch sizes |`,
    '|---|--:|--:|--:|--:|--:|--:|--:|---|',
    row('confirmation', w.confirmations),
    row('waitlist email', w.notices),
    '',
    `Doubled: ${w.doubled} (address, subject) accepted twice; ${w.wrongLetters} emails of a letter the address was not owed` +
      `${w.otherSubjects.length ? `; other subjects: ${w.otherSubjects.join(', ')}` : ''}.`,
    '',
    `| waitlist numbers (1–${count(p.expected)}) | count: range, gaps and repeats |`,
    '|---|---|',
    numbers('201 answers (`position`)', p.answers),
    numbers('waitlist emails ("number N")', p.emails),
    numbers('database: `waitlist_ticket`', p.databaseTickets),
    numbers('database: position (as the API counts it)', p.databasePositions),
    '',
  ];
}

function markdown(
  m: Measured,
  goals: ReturnType<typeof targets>,
  context: RunContext,
  timeline: TimelinePoint[],
): string {
  const e = m.emails;
  const p = m.provider;
  const b = m.burst;
  const rateNote = e.allDeliveredWithinDeadline
    ? `${seconds(e.lastEmailAfterLastAnswerMs ?? 0)}`
    : `not within ${params.deadlineAfterLastAnswerS} s (${count(e.expected - e.deliveredWithinDeadline)} still missing then)`;
  const w = m.waitlist;
  const lines = [
    w
      ? `# Drain benchmark with a waitlist: ${count(params.registrations)} sign-ups for ${count(w.places ?? 0)} places, provider at ${params.providerRatePerSec} requests/s`
      : `# Drain benchmark: ${count(params.registrations)} registrations in a burst, provider at ${params.providerRatePerSec} requests/s`,
    '',
    report.machineLine(context.info, context.postgres, context.load, context.runSeconds),
    '',
    `Settings: ${count(params.registrations)} × \`POST /api/registrations\` (unique emails${w ? `, all for the ${w.distance === 'half' ? 'half marathon' : w.distance} with \`"joinWaitlist": true\`` : ''}), round-robin over ` +
      `${params.processes} service processes (\`node dist/main.js\`, one PostgreSQL database), ` +
      `closed loop at concurrency ${params.concurrency}, from this process. Resend stand-in (this process): ` +
      `${params.providerRatePerSec} requests/s for its key (429 with \`retry-after\` and \`ratelimit-*\` above that), ` +
      `${params.latencyMs} ms per send. Services: ${report.settingsList(SERVICE_SETTINGS)}, ` +
      (w
        ? `the default race with \`"waitlist": { "offerTtl": "48h" }\` and ${count(w.places ?? 0)} places on the ${w.distance} distance (its other distances get no sign-ups), `
        : 'a race with room for everyone, ') +
      'everything else default. ' +
      `Waited at most ${params.deadlineAfterLastAnswerS} s after the last answer.`,
    '',
    ...targetsSection(goals),
    '## Burst',
    '',
    '| registrations | 201 | other | burst | registrations/s | response p50 / p95 / p99 | stored |',
    '|--:|--:|--:|--:|--:|--:|--:|',
    `| ${count(b.registrations)} | ${count(b.answered201)} | ${b.other}${b.notSent ? ` (+${b.notSent} not sent)` : ''} | ${seconds(b.durationMs ?? 0)} | ${b.registrationsPerSec} | ${b.responseMs.p50} / ${b.responseMs.p95} / ${b.responseMs.p99} ms | ${count(b.stored)} |`,
    '',
    ...(b.firstErrors.length ? [`First non-201 answers: ${b.firstErrors.join(' · ')}`, ''] : []),
    ...(w ? waitlistSection(w) : []),
    '## Delivery',
    '',
    '| | |',
    '|---|--:|',
    `| emails owed (201 answers) | ${count(e.expected)} |`,
    `| delivered within ${params.deadlineAfterLastAnswerS} s of the last answer | ${count(e.deliveredWithinDeadline)} |`,
    `| delivered by the end (the services' shutdown included) | ${count(e.delivered)} |`,
    `| time from the last answer to the last email | ${rateNote} |`,
    `| delivered per second after the last answer | ${e.deliveredPerSecAfterLastAnswer ?? '–'} |`,
    `| all delivered, at that rate, after the last answer | ${e.projectedAllDeliveredAfterLastAnswerMs === null ? '–' : `≈ ${duration(e.projectedAllDeliveredAfterLastAnswerMs)}`} |`,
    `| not delivered at the end: still queued · lost | ${count(e.queued)} · ${e.lost} |`,
    `| doubled: recipients · idempotency keys accepted more than once | ${e.doubledRecipients} · ${e.doubledKeys} |`,
    `| tasks at the end | ${Object.entries(e.taskStatuses)
      .map(([k, v]) => `${k} ${count(v)}`)
      .join(', ')} |`,
    `| attempts recorded | ${
      Object.entries(e.attemptOutcomes)
        .map(([k, v]) => `${k} ${count(v)}`)
        .join(', ') || 'none'
    } |`,
    '',
    '## Provider',
    '',
    `| requests | \`POST /emails\` | \`POST /emails/batch\` | accepted | answered 429 | other, not accepted | accepted requests/s (allowed ${params.providerRatePerSec}) | emails per request p50 / max |`,
    '|--:|--:|--:|--:|--:|--:|--:|--:|',
    `| ${count(p.requests)} | ${count(p.byPath.emails)} | ${count(p.byPath.batch)} | ${count(p.acceptedRequests)} | ${p.answered429} | ${p.otherNotAccepted} | ${p.acceptedRequestsPerSec ?? '–'} | ${p.emailsPerRequest.p50 ?? '–'} / ${p.emailsPerRequest.max ?? '–'} |`,
    '',
    `Batch sizes (emails per accepted request: requests): ${report.histogramLine(p.batchSizes)}.`,
    '',
    report.eventLoopLine(p.standInEventLoopDelayMs),
    '',
    report.logEventsLine(m.serviceLogEvents, LOG_DIR),
    '',
    ...report.processesSection(m.processes),
    '## Timeline (every 10 s from the first request)',
    '',
    `| s | answered | emails accepted${w ? ' | of them waitlist emails' : ''} | provider requests | 429s |`,
    `|--:|--:|--:|--:|--:${w ? '|--:' : ''}|`,
    ...timeline
      .filter((_, i) => i % 10 === 9 || i === timeline.length - 1)
      .map(
        (t) =>
          `| ${t.t} | ${count(t.answered)} | ${count(t.accepted)}${w ? ` | ${count(t.waitlistAccepted ?? 0)}` : ''} | ${count(t.providerRequests)} | ${t.refused429} |`,
      ),
    '',
  ];
  return lines.join('\n');
}

// ---------------------------------------------------------------- main

rigBench({
  name: 'drain',
  describe:
    (WAITLIST_RACE
      ? `waitlist: ${params.places} places on ${WAITLIST_DISTANCE}, every sign-up joins its waitlist when full; `
      : '') +
    `${params.registrations} registrations over ${params.processes} processes at concurrency ${params.concurrency}; ` +
    `provider ${params.providerRatePerSec} requests/s, ${params.latencyMs} ms; deadline ${params.deadlineAfterLastAnswerS} s after the last answer`,
  parameters: params,
  places: params.registrations,
  ...(WAITLIST_RACE ? { race: WAITLIST_RACE, results: RESULTS } : {}),
  serviceSettings: SERVICE_SETTINGS,
  outDir: OUT_DIR,
  logDir: LOG_DIR,
  async run(rig, runId) {
    console.log(`starting ${params.processes} service processes…`);
    await rigs.startServices(rig, SERVICE_ENV, params.processes, LOG_DIR);
    const timeline: TimelinePoint[] = [];
    const measured = await measure(rig, runId, timeline, { n: 0 });
    const goals = targets(measured);
    return {
      measured: { ...measured, timeline },
      targets: goals,
      markdown: (context) => markdown(measured, goals, context, timeline),
    };
  },
});
