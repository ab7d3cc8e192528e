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
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_RACE } from '../src/domain/race.js';
import { OUT_ROOT, outputDir } from '../tools/output.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../tools/postgres.js';
import { type ResendStandIn, startResendStandIn } from '../tools/resend-stand-in.js';
import { positiveInt } from './lib/args.js';
import type { Sample } from './lib/load.js';
import { runLoadOnThread } from './lib/load-thread.js';
import { machine } from './lib/machine.js';
import { progressLine } from './lib/progress.js';
import { runBench } from './lib/run.js';
import { bareAddress } from './lib/send-recorder.js';
import { peakRssMiB, type ServiceProcess, startServiceProcess } from './lib/service-process.js';
import { round2, roundSummary, summarize } from './lib/stats.js';
import { targetsSection } from './lib/targets.js';

// ---------------------------------------------------------------- parameters

const { values: flags } = parseArgs({
  options: {
    registrations: { type: 'string', default: '10000' },
    processes: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '64' },
    'provider-rate': { type: 'string', default: '5' },
    latency: { type: 'string', default: '20' },
    'deadline-after-last-answer': { type: 'string', default: '60' },
    timeout: { type: 'string' },
    out: { type: 'string' },
    'update-docs': { type: 'boolean' },
  },
  strict: true,
});

const params = {
  registrations: positiveInt('registrations', flags.registrations),
  processes: positiveInt('processes', flags.processes),
  concurrency: positiveInt('concurrency', flags.concurrency),
  providerRatePerSec: positiveInt('provider-rate', flags['provider-rate']),
  latencyMs: positiveInt('latency', flags.latency, 0),
  deadlineAfterLastAnswerS: positiveInt('deadline-after-last-answer', flags['deadline-after-last-answer']),
  // Room for start-up, the burst and the stop around the deadline; a run past it is stuck.
  timeoutS:
    flags.timeout === undefined
      ? positiveInt('deadline-after-last-answer', flags['deadline-after-last-answer']) + 240
      : positiveInt('timeout', flags.timeout),
};

const OUT_DIR = flags.out
  ? resolve(flags.out)
  : outputDir('drain', join(dirname(fileURLToPath(import.meta.url)), 'results'), flags['update-docs']);
// Logs are never committed, so they stay under out/ whatever --update-docs says (or beside --out DIR).
const LOG_DIR = flags.out ? join(OUT_DIR, 'logs') : resolve(OUT_ROOT, 'drain', 'logs');
/** For the results files, which may be committed: no absolute path from the machine that ran them. */
const shown = (path: string) => relative(process.cwd(), path) || '.';
const POLL_MS = 100;
const TIMELINE_MS = 1000;
// Short, so the run ends soon after the deadline: attempts still waiting for their send slot at SIGTERM
// are given back (no attempt burnt) once the grace is over. The default (10 s) would only make us wait.
const SHUTDOWN_GRACE_MS = 3000;
const KILL_AFTER_MS = SHUTDOWN_GRACE_MS + 12_000;

/** What every service gets besides the database and the provider; printed with the results. */
const SERVICE_SETTINGS = {
  HOST: '127.0.0.1',
  DEV_MODE: '0',
  EMAIL_RATE_LIMIT_PER_SEC: String(params.providerRatePerSec),
  // One client sends everything: the per-client registration limit would refuse most of it.
  RATE_LIMIT_PER_MINUTE: '0',
  SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
};

const sleep = (millis: number) => new Promise((r) => setTimeout(r, millis));
const seconds = (millis: number) => `${(millis / 1000).toFixed(1)} s`;
/** Seconds, and minutes too when it is long enough for them to be the easier figure. */
const duration = (millis: number) =>
  millis >= 120_000 ? `${Math.round(millis / 1000)} s (${Math.round(millis / 60_000)} min)` : seconds(millis);
const count = (n: number) => n.toLocaleString('en-US');

/** Thrown where the run notices it has been told to give up (--timeout, Ctrl-C). */
class GaveUp extends Error {}

// ---------------------------------------------------------------- the run

interface Rig {
  db: TestDatabase;
  standIn: ResendStandIn;
  services: ServiceProcess[];
  stop: AbortSignal;
}

interface TimelinePoint {
  /** Seconds since the burst's first request. */
  t: number;
  answered: number;
  /** Emails the stand-in accepted so far. */
  accepted: number;
  providerRequests: number;
  refused429: number;
}

function checkStop(signal: AbortSignal): void {
  if (signal.aborted) throw new GaveUp(String(signal.reason));
}

/** A race whose caps hold the whole burst (the default race has 7,000 places), same distances. */
async function writeRaceConfig(dir: string): Promise<string> {
  const race = {
    ...DEFAULT_RACE,
    distances: DEFAULT_RACE.distances.map((d) => ({ ...d, cap: Math.max(d.cap, params.registrations) })),
  };
  const path = join(dir, 'race.json');
  await writeFile(path, JSON.stringify(race));
  return path;
}

async function startServices(rig: Omit<Rig, 'services'>, racePath: string, started: ServiceProcess[]) {
  await mkdir(LOG_DIR, { recursive: true });
  const env = {
    ...SERVICE_SETTINGS,
    DATABASE_URL: rig.db.url,
    RESEND_API_KEY: rig.standIn.apiKey,
    RESEND_BASE_URL: rig.standIn.url,
    RACE_CONFIG: racePath,
    // Set, so no process prints a generated one.
    ADMIN_TOKEN: randomBytes(32).toString('hex'),
  };
  // All at once, as a deploy would: migrations run under an advisory lock, so they wait for each other.
  const results = await Promise.allSettled(
    Array.from({ length: params.processes }, (_, k) =>
      startServiceProcess(env, join(LOG_DIR, `service-${k + 1}.log`), { signal: rig.stop }).then((s) => {
        started.push(s);
        return s;
      }),
    ),
  );
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  // In the order asked for, so service-1.log is the first URL of the round-robin.
  return results.map((r) => (r as PromiseFulfilledResult<ServiceProcess>).value);
}

async function burst(rig: Rig, runId: string, answered: { n: number }) {
  const emails = Array.from({ length: params.registrations }, (_, i) => `${runId}-${i}@example.com`);
  const urls = rig.services.map((s) => `${s.url}/api/registrations`);
  const progress = progressLine();
  const start = performance.now();
  // On a thread of its own, so the client's work does not delay the stand-in on this thread.
  const { samples, wallMs } = await runLoadOnThread(
    { urls, emails, concurrency: params.concurrency },
    (done) => {
      answered.n = done;
      const rate = done / ((performance.now() - start) / 1000);
      progress.update(`burst: ${done}/${params.registrations} answered, ${rate.toFixed(0)}/s`);
    },
    rig.stop,
  );
  const sent = samples.filter((s): s is Sample => s !== undefined);
  progress.done(`burst: ${sent.length}/${params.registrations} answered in ${seconds(wallMs)}`);
  checkStop(rig.stop);
  return { sent, wallMs };
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
async function drain(rig: Rig, wanted: Set<string>, lastAnswerAt: number, deadlineAt: number): Promise<boolean> {
  const progress = progressLine();
  for (;;) {
    checkStop(rig.stop);
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
    await sleep(POLL_MS);
  }
}

async function stopServices(services: ServiceProcess[]) {
  // Peak memory first: /proc forgets a process once it is gone.
  const peaks = await Promise.all(services.map((s) => peakRssMiB(s.pid)));
  const exits = await Promise.all(services.map((s) => s.stop(KILL_AFTER_MS)));
  return services.map((s, k) => ({
    service: k + 1,
    pid: s.pid,
    peakRssMiB: peaks[k],
    exitCode: exits[k]?.code ?? null,
    exitSignal: exits[k]?.signal ?? null,
    log: shown(s.logPath),
  }));
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

/** How often each event appears in the services' JSON logs (what the engine did: released, retried…). */
async function logEvents(paths: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const path of paths) {
    const text = await readFile(path, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      const event = /"event":"([^"]+)"/.exec(line)?.[1];
      if (event) counts[event] = (counts[event] ?? 0) + 1;
    }
  }
  return counts;
}

/** Emails per accepted request, in buckets that tell "one per request" from "full batches". */
function batchHistogram(sizes: number[]): { emails: string; requests: number }[] {
  const buckets: [string, number, number][] = [
    ['1', 1, 1],
    ['2–9', 2, 9],
    ['10–49', 10, 49],
    ['50–99', 50, 99],
    ['100', 100, Number.POSITIVE_INFINITY],
  ];
  return buckets.map(([emails, min, max]) => ({ emails, requests: sizes.filter((n) => n >= min && n <= max).length }));
}

async function measure(rig: Rig, runId: string, timeline: TimelinePoint[], answered: { n: number }) {
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
  // The stand-in runs on this thread: if its event loop lags, requests look bunched to its rate
  // windows and its timestamps are late. Reported, so a reader can tell.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  try {
    const { sent, wallMs } = await burst(rig, runId, answered);
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
    const processes = await stopServices(rig.services);
    clearInterval(timer);
    loopDelay.disable();
    sample(); // the end, however short the run
    const serviceLogEvents = await logEvents(rig.services.map((s) => s.logPath));

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
    const keyUses = new Map<string, number>();
    for (const r of requests)
      if (r.idempotencyKey) keyUses.set(r.idempotencyKey, (keyUses.get(r.idempotencyKey) ?? 0) + 1);
    const doubledKeys = [...keyUses.values()].filter((n) => n > 1).length;
    const statuses: Record<string, number> = {};
    for (const s of sent) statuses[String(s.status)] = (statuses[String(s.status)] ?? 0) + 1;

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
        registrations: params.registrations,
        sent: sent.length,
        statuses,
        answered201: created.length,
        other: sent.length - created.length,
        notSent: params.registrations - sent.length,
        firstErrors: sent
          .filter((s) => s.status !== 201)
          .slice(0, 3)
          .map((s) => `${s.status} ${s.error ?? ''}`.trim()),
        durationMs: round2(wallMs),
        registrationsPerSec: round2(created.length / (wallMs / 1000)),
        responseMs: roundSummary(summarize(sent.map((s) => s.durationMs))),
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
        requests: rig.standIn.requestCount(),
        byPath: rig.standIn.requestCountByPath(),
        acceptedRequests: requests.length,
        answered429: rig.standIn.refusedByRateLimit(),
        // Replays of an idempotent request, 409s, validation errors: answered, but nothing new accepted.
        otherNotAccepted: rig.standIn.requestCount() - requests.length - rig.standIn.refusedByRateLimit(),
        acceptedRequestsPerSec: round2((requests.length - 1) / (providerSpanMs / 1000)),
        emailsPerRequest: roundSummary(summarize(sizes)),
        batchSizes: batchHistogram(sizes),
        standInEventLoopDelayMs: { p99: round2(loopDelay.percentile(99) / 1e6), max: round2(loopDelay.max / 1e6) },
      },
      serviceLogEvents,
      processes,
    };
  } finally {
    clearInterval(timer);
    loopDelay.disable();
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
    {
      target: `all ${count(params.registrations)} registrations answered 201`,
      measured: `${count(m.burst.answered201)}; other ${JSON.stringify(
        Object.fromEntries(Object.entries(m.burst.statuses).filter(([s]) => s !== '201')),
      )}${m.burst.notSent ? `, ${m.burst.notSent} not sent` : ''}`,
      met: m.burst.answered201 === params.registrations,
    },
  ];
}

function markdown(
  m: Measured,
  goals: ReturnType<typeof targets>,
  context: { info: ReturnType<typeof machine>; postgres: string; load: number[]; runSeconds: number },
  timeline: TimelinePoint[],
): string {
  const { info } = context;
  const e = m.emails;
  const p = m.provider;
  const b = m.burst;
  const rateNote = e.allDeliveredWithinDeadline
    ? `${seconds(e.lastEmailAfterLastAnswerMs ?? 0)}`
    : `not within ${params.deadlineAfterLastAnswerS} s (${count(e.expected - e.deliveredWithinDeadline)} still missing then)`;
  const lines = [
    `# Drain benchmark: ${count(params.registrations)} registrations in a burst, provider at ${params.providerRatePerSec} requests/s`,
    '',
    `Machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB RAM, ${info.os}, Node ${info.node}, ` +
      `PostgreSQL ${context.postgres} on loopback; load average at start ${context.load.map((l) => l.toFixed(2)).join(' / ')}. ` +
      `Date: ${info.date}. Run took ${context.runSeconds.toFixed(1)} s.`,
    '',
    `Settings: ${count(params.registrations)} × \`POST /api/registrations\` (unique emails), round-robin over ` +
      `${params.processes} service processes (\`node dist/main.js\`, one PostgreSQL database), ` +
      `closed loop at concurrency ${params.concurrency}, from this process. Resend stand-in (this process): ` +
      `${params.providerRatePerSec} requests/s for its key (429 with \`retry-after\` and \`ratelimit-*\` above that), ` +
      `${params.latencyMs} ms per send. Services: ${Object.entries(SERVICE_SETTINGS)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}, a race with room for everyone, everything else default. ` +
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
    `Batch sizes (emails per accepted request: requests): ${p.batchSizes
      .map((bucket) => `${bucket.emails}: ${count(bucket.requests)}`)
      .join(' · ')}.`,
    '',
    `The stand-in's event loop (this process's main thread; the load ran on a worker thread) lagged at most ` +
      `${p.standInEventLoopDelayMs.max} ms (p99 ${p.standInEventLoopDelayMs.p99} ms), about how late it may have seen a request.`,
    '',
    `Services' log events: ${
      Object.entries(m.serviceLogEvents)
        .filter(([event]) => event !== 'request')
        .map(([event, n]) => `\`${event}\` ${count(n)}`)
        .join(', ') || 'none'
    } (logs: ${shown(LOG_DIR)}/).`,
    '',
    '## Processes',
    '',
    '| service | pid | peak RSS | exit |',
    '|--:|--:|--:|---|',
    ...m.processes.map(
      (s) =>
        `| ${s.service} | ${s.pid} | ${s.peakRssMiB === undefined ? '–' : `${s.peakRssMiB} MiB`} | ${s.exitSignal ?? s.exitCode} |`,
    ),
    '',
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

async function main(): Promise<number> {
  await requirePostgres('npm run bench:drain');
  const runStart = performance.now();
  const runId = `d${Date.now().toString(36)}`;
  const info = machine();
  const load = os.loadavg();
  console.log(
    `finishline drain benchmark — ${info.cpu}, ${info.cores} cores, Node ${info.node}\n` +
      `${params.registrations} registrations over ${params.processes} processes at concurrency ${params.concurrency}; ` +
      `provider ${params.providerRatePerSec} requests/s, ${params.latencyMs} ms; deadline ${params.deadlineAfterLastAnswerS} s after the last answer`,
  );

  // Given up (--timeout, Ctrl-C): the phases notice at their next step, and the finally below cleans up.
  const giveUp = new AbortController();
  const timeout = setTimeout(
    () => giveUp.abort(`still running after ${params.timeoutS} s (--timeout)`),
    params.timeoutS * 1000,
  );
  timeout.unref();
  const onInterrupt = () => giveUp.abort('interrupted');
  process.once('SIGINT', onInterrupt);

  const db = await createTestDatabase('fl_drain');
  const raceDir = await mkdtemp(join(os.tmpdir(), 'finishline-drain-'));
  let standIn: ResendStandIn | undefined;
  const started: ServiceProcess[] = [];
  try {
    // "15.20 (Debian 15.20-0+deb12u1)" → "15.20".
    const postgres =
      (await db.query<{ server_version: string }>('SHOW server_version'))[0]?.server_version.split(' ')[0] ?? '?';
    standIn = await startResendStandIn({ rateLimitPerSec: params.providerRatePerSec, latencyMs: params.latencyMs });
    const racePath = await writeRaceConfig(raceDir);
    console.log(`starting ${params.processes} service processes…`);
    const services = await startServices({ db, standIn, stop: giveUp.signal }, racePath, started);
    const rig: Rig = { db, standIn, services, stop: giveUp.signal };

    const timeline: TimelinePoint[] = [];
    const measured = await measure(rig, runId, timeline, { n: 0 });
    const goals = targets(measured);
    const runSeconds = (performance.now() - runStart) / 1000;
    const md = markdown(measured, goals, { info, postgres, load, runSeconds }, timeline);
    console.log(`\n${md}`);

    await mkdir(OUT_DIR, { recursive: true });
    const json = {
      machine: info,
      postgres,
      loadAverageAtStart: load.map(round2),
      parameters: params,
      serviceSettings: SERVICE_SETTINGS,
      runSeconds: round2(runSeconds),
      targets: goals,
      ...measured,
      timeline,
    };
    const jsonPath = join(OUT_DIR, 'drain.json');
    const mdPath = join(OUT_DIR, 'drain.md');
    await writeFile(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
    await writeFile(mdPath, md);
    console.log(`results: ${jsonPath}\n         ${mdPath}\nservice logs: ${LOG_DIR}`);
    return 0;
  } catch (error) {
    if (!giveUp.signal.aborted) throw error;
    console.error(
      `\nbench:drain gave up: ${String(giveUp.signal.reason)}; stopping the services and dropping the database`,
    );
    return giveUp.signal.reason === 'interrupted' ? 130 : 2;
  } finally {
    clearTimeout(timeout);
    process.off('SIGINT', onInterrupt);
    // Services first (they hold connections to the database and send to the stand-in).
    await Promise.all(started.map((s) => s.stop(KILL_AFTER_MS).catch(() => {})));
    await standIn?.close().catch(() => {});
    await rm(raceDir, { recursive: true, force: true }).catch(() => {});
    await db.drop().catch((error) => console.error(`could not drop ${db.name}: ${String(error)}`));
  }
}

// The last resort, if the clean give-up above itself hangs: exit 2 (the services get SIGTERM on exit).
runBench('bench:drain', main, (params.timeoutS + 60) * 1000);
