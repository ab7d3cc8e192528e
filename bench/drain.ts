// Benchmark (not a test): a burst of registrations through several service processes, then how long
// the outbox needs to deliver every confirmation through a provider that allows only a few requests a
// second (issue 11, point 4). The target: all 10,000 delivered within 60 s of the last answer, none
// lost, none doubled, no request answered 429.
//
//   npm run bench:drain [-- --registrations 10000 --processes 3 --concurrency 64 --provider-rate 5
//                          --latency 20 --deadline-after-last-answer 60 --timeout 300 --out DIR]
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
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { TestDatabase } from '../tools/postgres.js';
import type { ResendStandIn } from '../tools/resend-stand-in.js';
import { positiveInt } from './lib/args.js';
import type { Sample } from './lib/load.js';
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
  },
  strict: true,
});

const params = {
  registrations: positiveInt('registrations', flags.registrations),
  ...rigs.rigParams(flags),
  deadlineAfterLastAnswerS: positiveInt('deadline-after-last-answer', flags['deadline-after-last-answer']),
  // Room for start-up, the burst and the stop around the deadline; a run past it is stuck.
  timeoutS:
    flags.timeout === undefined
      ? positiveInt('deadline-after-last-answer', flags['deadline-after-last-answer']) + 240
      : positiveInt('timeout', flags.timeout),
};

const { outDir: OUT_DIR, logDir: LOG_DIR } = rigs.resultDirs(
  'drain',
  join(dirname(fileURLToPath(import.meta.url)), 'results'),
  flags,
);
const POLL_MS = 100;
const TIMELINE_MS = 1000;

/** What every service gets besides the database and the provider; printed with the results. */
const SERVICE_SETTINGS = rigs.serviceSettings(params.providerRatePerSec);

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
}

/** Recipients (lower-case) of the accepted emails among `wanted`, with when each was first accepted. */
function deliveredAt(standIn: ResendStandIn, wanted: Set<string>): Map<string, number[]> {
  const at = new Map<string, number[]>();
  for (const email of standIn.accepted()) {
    for (const to of email.to.map(bareAddress)) {
      if (wanted.has(to)) at.set(to, [...(at.get(to) ?? []), email.createdAt]);
    }
  }
  return at;
}

/** Waits until every wanted recipient has an email, or the deadline. Returns whether all arrived. */
async function drain(rig: rigs.Rig, wanted: Set<string>, lastAnswerAt: number, deadlineAt: number): Promise<boolean> {
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
    });
  const timer = setInterval(sample, TIMELINE_MS);
  timer.unref();
  const loop = report.watchEventLoop();
  try {
    const emails = Array.from({ length: params.registrations }, (_, i) => `${runId}-${i}@example.com`);
    const { sent, wallMs } = await rigs.burst(rig, emails, params.concurrency, (done) => {
      answered.n = done;
    });
    const created = sent.filter((s) => s.status === 201);
    const answerEnd = (s: Sample) => s.startedAtEpochMs + s.durationMs;
    // The last 201 marks the end of the burst (the last answer of any kind when there was none).
    const lastAnswerAt = sent.length ? Math.max(...(created.length ? created : sent).map(answerEnd)) : Date.now();
    const deadlineAt = lastAnswerAt + params.deadlineAfterLastAnswerS * 1000;
    const wanted = new Set(created.map((s) => s.email.toLowerCase()));

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
    for (const email of wanted) {
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

function targets(m: Measured) {
  const e = m.emails;
  const deadline = `${params.deadlineAfterLastAnswerS} s`;
  return [
    {
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
    },
    {
      target: '0 lost',
      measured:
        `${e.lost}` +
        (e.queued
          ? ` (${count(e.queued)} not delivered yet when the run stopped waiting, their tasks still queued)`
          : ''),
      met: e.lost === 0,
    },
    {
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
  const lines = [
    `# Drain benchmark: ${count(params.registrations)} registrations in a burst, provider at ${params.providerRatePerSec} requests/s`,
    '',
    report.machineLine(context.info, context.postgres, context.load, context.runSeconds),
    '',
    `Settings: ${count(params.registrations)} × \`POST /api/registrations\` (unique emails), round-robin over ` +
      `${params.processes} service processes (\`node dist/main.js\`, one PostgreSQL database), ` +
      `closed loop at concurrency ${params.concurrency}, from this process. Resend stand-in (this process): ` +
      `${params.providerRatePerSec} requests/s for its key (429 with \`retry-after\` and \`ratelimit-*\` above that), ` +
      `${params.latencyMs} ms per send. Services: ${report.settingsList(SERVICE_SETTINGS)}, a race with room for everyone, everything else default. ` +
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
    '| s | answered | emails accepted | provider requests | 429s |',
    '|--:|--:|--:|--:|--:|',
    ...timeline
      .filter((_, i) => i % 10 === 9 || i === timeline.length - 1)
      .map(
        (t) =>
          `| ${t.t} | ${count(t.answered)} | ${count(t.accepted)} | ${count(t.providerRequests)} | ${t.refused429} |`,
      ),
    '',
  ];
  return lines.join('\n');
}

// ---------------------------------------------------------------- main

rigBench({
  name: 'drain',
  describe:
    `${params.registrations} registrations over ${params.processes} processes at concurrency ${params.concurrency}; ` +
    `provider ${params.providerRatePerSec} requests/s, ${params.latencyMs} ms; deadline ${params.deadlineAfterLastAnswerS} s after the last answer`,
  parameters: params,
  places: params.registrations,
  serviceSettings: SERVICE_SETTINGS,
  outDir: OUT_DIR,
  logDir: LOG_DIR,
  async run(rig, runId) {
    console.log(`starting ${params.processes} service processes…`);
    await rigs.startServices(rig, SERVICE_SETTINGS, params.processes, LOG_DIR);
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
