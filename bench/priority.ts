// Benchmark (not a test): thousands of reminders fall due at one instant, and a burst of sign-ups comes
// right after — do the confirmations still go first? The target (the issue's words): "6,000 registered
// runners whose reminders all fall due at one instant, and a burst of 1,000 sign-ups right after it,
// against the stand-in at 5 requests/s. Target: every confirmation of the burst accepted by the provider
// within 5 s of its answer (p99), and all 6,000 reminders delivered after, 0 doubled, 0 answered 429."
//
//   npm run bench:priority [-- --reminders 6000 --registrations 1000 --processes 1 --concurrency 64
//                             --provider-rate 5 --latency 20 --due-in 6 --burst-after-ms 500
//                             --target-p99 5 --deadline 120 --timeout S --out DIR --update-docs]
//
// 1. A fresh PostgreSQL database (migrated); the Resend stand-in in this process at `--provider-rate`
//    requests a second (429 above that), `--latency` ms per send; a race with room for everyone.
// 2. The seed, in one statement: `--reminders` registered runners (strategy outbox, their distance
//    counters), each with a `send-reminder-email` task as the app writes a scheduled one — pending, its
//    key `reminder:<registration>:1d`, priority 10, its payload a small message to the runner — all due
//    at ONE instant T, `--due-in` s after the seed (the database's clock).
// 3. `--processes` services as real processes (bench/lib/service-process.ts) in production mode,
//    EMAIL_RATE_LIMIT_PER_SEC = the provider's rate. Their sweepers see the reminders at start and wake
//    at T.
// 4. At T + `--burst-after-ms`, while reminder batches are being sent: `--registrations` POST
//    /api/registrations with unique emails, round-robin over the processes, closed loop at `--concurrency`.
// 5. Wait until every confirmation and every reminder was accepted, or `--deadline` s after T. Then
//    stop the services (SIGTERM) and count from the stand-in (what it accepted, when, in which request),
//    the database and the services' logs: each confirmation's time from its answer to its acceptance
//    (p50/p95/p99/max), the reminders' timeline around the burst, doubled, 429s, batch sizes per kind,
//    releases. On stdout and in priority.{md,json} in out/priority/ (`--out DIR`, or the committed
//    bench/results/ with --update-docs); the services' JSON logs in out/priority/logs/.
//
// Needs PostgreSQL (127.0.0.1:5432 or TEST_POSTGRES_URL). Exits 0 unless something crashed (missed
// targets are reported, not fatal); 2 when it runs past `--timeout` s (default: due-in + deadline +
// 240 s), after stopping the services and dropping the database.
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseConfig } from '../src/config.js';
import { DEFAULT_RACE } from '../src/domain/race.js';
import { SEND_CONFIRMATION_EMAIL } from '../src/tasks/kinds/send-confirmation-email.js';
import { REMINDER_PRIORITY, reminderKey, SEND_REMINDER_EMAIL } from '../src/tasks/kinds/send-reminder-email.js';
import type { TestDatabase } from '../tools/postgres.js';
import { positiveInt } from './lib/args.js';
import type { Sample } from './lib/load.js';
import { progressLine } from './lib/progress.js';
import { type RunContext, rigBench } from './lib/rig-bench.js';
import * as report from './lib/rig-report.js';
import { bareAddress } from './lib/send-recorder.js';
import * as rigs from './lib/service-rig.js';
import { roundSummary, summarize } from './lib/stats.js';
import { type Target, targetsSection } from './lib/targets.js';

const { count } = report;

// ---------------------------------------------------------------- parameters

const { values: flags } = parseArgs({
  options: {
    reminders: { type: 'string', default: '6000' },
    registrations: { type: 'string', default: '1000' },
    ...rigs.rigOptions('1'),
    'due-in': { type: 'string', default: '6' },
    'burst-after-ms': { type: 'string', default: '500' },
    'target-p99': { type: 'string', default: '5' },
    deadline: { type: 'string', default: '120' },
  },
  strict: true,
});

const dueInS = positiveInt('due-in', flags['due-in']);
const deadlineS = positiveInt('deadline', flags.deadline);
const params = {
  reminders: positiveInt('reminders', flags.reminders),
  registrations: positiveInt('registrations', flags.registrations),
  ...rigs.rigParams(flags),
  /** From the seed to T, the instant every reminder falls due; the services start in between. */
  dueInS,
  /** From T to the burst's first request. */
  burstAfterMs: positiveInt('burst-after-ms', flags['burst-after-ms'], 0),
  /** The target: p99 of (confirmation accepted − its registration answered), in seconds. */
  targetP99S: positiveInt('target-p99', flags['target-p99']),
  /** Waiting for the emails stops this long after T. */
  deadlineS,
  timeoutS: flags.timeout === undefined ? dueInS + deadlineS + 240 : positiveInt('timeout', flags.timeout),
};

const { outDir: OUT_DIR, logDir: LOG_DIR } = rigs.resultDirs(
  'priority',
  join(dirname(fileURLToPath(import.meta.url)), 'results'),
  flags,
);
const POLL_MS = 100;
const SERVICE_SETTINGS = rigs.serviceSettings(params.providerRatePerSec);
/** What the services make of those settings (their defaults for the rest): the seed's max_attempts and sender. */
const SERVICE_CONFIG = parseConfig(SERVICE_SETTINGS);
const REMINDER_OFFSET = '1d';

const seconds = (millis: number) => `${(millis / 1000).toFixed(1)} s`;
/** Milliseconds as seconds with two decimals, or "–" when there is no value (or it is infinite). */
const s2 = (millis: number | null | undefined) =>
  millis === null || millis === undefined || !Number.isFinite(millis) ? '–' : `${(millis / 1000).toFixed(2)} s`;

// ---------------------------------------------------------------- the seed

/**
 * `--reminders` registered runners and their reminders, due at one instant `--due-in` s from now (the
 * database's clock), in ONE statement: the registrations, their distance counters and their tasks, written
 * as the app writes a scheduled task (src/tasks/sql/enqueue.ts: pending, attempts 0, its key and priority).
 * Returns T in epoch milliseconds and the runners' addresses.
 */
async function seedReminders(db: TestDatabase, runId: string): Promise<{ dueAt: number; emails: string[] }> {
  const ids = Array.from({ length: params.reminders }, () => randomUUID());
  const emails = ids.map((_, i) => `${runId}-r${i}@example.com`);
  const distances = ids.map((_, i) => DEFAULT_RACE.distances[i % DEFAULT_RACE.distances.length]?.id ?? 'half');
  const keys = ids.map((id) => reminderKey(id, REMINDER_OFFSET));
  const subject = `${DEFAULT_RACE.name}: one day to go`;
  const text = `Hi,\n\n${DEFAULT_RACE.name} starts tomorrow at ${DEFAULT_RACE.place}. Sleep well!\n\n— ${DEFAULT_RACE.senderName}\n`;
  const html = `<!DOCTYPE html><html lang="en"><body><p>${DEFAULT_RACE.name} starts tomorrow at ${DEFAULT_RACE.place}. Sleep well!</p></body></html>`;
  const [row] = await db.query<{ due_at: number; tasks: number }>(
    `WITH seeded AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS s(id, email, distance, key)
     ),
     runners AS (
       INSERT INTO registrations (id, race_id, first_name, last_name, email, email_normalized, address, distance, strategy)
       SELECT id, $5, 'Seeded', 'Runner', email, lower(email), 'Seed Lane 1', distance, 'outbox' FROM seeded
     ),
     places AS (
       INSERT INTO distance_counts (race_id, distance, taken)
       SELECT $5, distance, count(*) FROM seeded GROUP BY distance
     ),
     due AS (SELECT now() + $6 * interval '1 millisecond' AS at),
     reminders AS (
       INSERT INTO tasks (id, kind, payload, status, attempts, max_attempts, run_at, registration_id, priority, key)
       SELECT gen_random_uuid(), $7,
              jsonb_build_object('from', $8::text, 'to', email, 'subject', $9::text, 'html', $10::text, 'text', $11::text),
              'pending', 0, $12, due.at, id, $13, key
       FROM seeded, due
       RETURNING id
     )
     SELECT extract(epoch FROM (SELECT at FROM due)) * 1000 AS due_at, (SELECT count(*) FROM reminders)::int AS tasks`,
    [
      ids,
      emails,
      distances,
      keys,
      DEFAULT_RACE.id,
      params.dueInS * 1000,
      SEND_REMINDER_EMAIL,
      SERVICE_CONFIG.emailFrom,
      subject,
      html,
      text,
      SERVICE_CONFIG.taskMaxAttempts,
      REMINDER_PRIORITY,
    ],
  );
  if (!row || row.tasks !== params.reminders) throw new Error(`the seed wrote ${row?.tasks} reminders`);
  return { dueAt: Number(row.due_at), emails: emails.map((e) => e.toLowerCase()) };
}

// ---------------------------------------------------------------- the run

type Kind = 'confirmation' | 'reminder' | 'other';

/** Every accepted email, classified by its recipient: a burst's sign-up (confirmation) or a seeded runner. */
function acceptedByKind(rig: rigs.Rig, confirmations: Set<string>, reminders: Set<string>) {
  const at: Record<Kind, Map<string, number[]>> = { confirmation: new Map(), reminder: new Map(), other: new Map() };
  const keyKind = new Map<string, Kind>();
  for (const email of rig.standIn.accepted()) {
    for (const to of email.to.map(bareAddress)) {
      const kind: Kind = confirmations.has(to) ? 'confirmation' : reminders.has(to) ? 'reminder' : 'other';
      at[kind].set(to, [...(at[kind].get(to) ?? []), email.createdAt]);
      if (email.idempotencyKey) keyKind.set(email.idempotencyKey, kind);
    }
  }
  return { at, keyKind };
}

/** Waits until every confirmation and every reminder was accepted, or the deadline. */
async function waitForEmails(rig: rigs.Rig, confirmations: Set<string>, reminders: Set<string>, dueAt: number) {
  const progress = progressLine();
  const deadlineAt = dueAt + params.deadlineS * 1000;
  for (;;) {
    rigs.checkStop(rig.stop);
    const { at } = acceptedByKind(rig, confirmations, reminders);
    const c = at.confirmation.size;
    const r = at.reminder.size;
    const status = `${c}/${confirmations.size} confirmations, ${r}/${reminders.size} reminders, ${seconds(Date.now() - dueAt)} after T`;
    if (c >= confirmations.size && r >= reminders.size) {
      progress.done(`delivery: all accepted: ${status}`);
      return;
    }
    if (Date.now() >= deadlineAt) {
      progress.done(`delivery: stopped waiting at the deadline (${params.deadlineS} s after T): ${status}`);
      return;
    }
    progress.update(`delivery: ${status}, ${rig.standIn.refusedByRateLimit()} × 429`);
    await rigs.sleep(POLL_MS);
  }
}

async function databaseCounts(db: TestDatabase) {
  /** `{ kind: { value: n } }` from rows of kind, value and count. */
  const byKind = async (sql: string) => {
    const out: Record<string, Record<string, number>> = {};
    for (const r of await db.query<{ kind: string; value: string; n: string }>(sql))
      out[r.kind] = { ...out[r.kind], [r.value]: Number(r.n) };
    return out;
  };
  return {
    taskStatuses: await byKind(
      `SELECT kind, status AS value, count(*) AS n FROM tasks GROUP BY kind, status ORDER BY kind, status`,
    ),
    attemptOutcomes: await byKind(
      `SELECT t.kind, a.outcome AS value, count(*) AS n FROM task_attempts a JOIN tasks t ON t.id = a.task_id
        GROUP BY t.kind, a.outcome ORDER BY t.kind, a.outcome`,
    ),
  };
}

/** What the services' logs say: batches sent (size), tasks released (why), the send budget pushed back. */
async function fromLogs(paths: string[], keyKind: Map<string, Kind>) {
  const events: Record<string, number> = {};
  const released: Record<string, number> = {};
  const sentSizes: Record<string, number[]> = {};
  for (const line of await report.logLines(paths)) {
    events[line.event] = (events[line.event] ?? 0) + 1;
    if (line.event === 'task.released') {
      const why = `${String(line.kind)}: ${String(line.why)}`;
      released[why] = (released[why] ?? 0) + 1;
    }
    if (line.event === 'batch.sent' || line.event === 'batch.failed') {
      const kind = `${keyKind.get(String(line.batchId)) ?? 'not accepted'} (${line.event})`;
      sentSizes[kind] = [...(sentSizes[kind] ?? []), Number(line.size)];
    }
  }
  return {
    events,
    released,
    batches: Object.fromEntries(
      Object.entries(sentSizes).map(([kind, sizes]) => [kind, { n: sizes.length, p50: summarize(sizes).p50 }]),
    ),
  };
}

async function measure(rig: rigs.Rig, runId: string, reminderEmails: string[], dueAt: number) {
  const loop = report.watchEventLoop();
  try {
    const burstAt = dueAt + params.burstAfterMs;
    console.log(
      `\nreminders due in ${seconds(dueAt - Date.now())}; the burst of ${params.registrations} registrations ` +
        `${params.burstAfterMs} ms after…`,
    );
    await rigs.sleep(Math.max(0, burstAt - Date.now()));
    rigs.checkStop(rig.stop);
    const burstStartedAt = Date.now();
    const emails = Array.from({ length: params.registrations }, (_, i) => `${runId}-c${i}@example.com`);
    const { sent, wallMs } = await rigs.burst(rig, emails, params.concurrency);
    const created = sent.filter((s) => s.status === 201);
    const answeredAt = (s: Sample) => s.startedAtEpochMs + s.durationMs;
    const wantedConfirmations = new Set(created.map((s) => s.email.toLowerCase()));
    const wantedReminders = new Set(reminderEmails);

    console.log(
      `\ndelivery of ${wantedConfirmations.size} confirmations and ${wantedReminders.size} reminders at ` +
        `${params.providerRatePerSec} provider requests/s…`,
    );
    await waitForEmails(rig, wantedConfirmations, wantedReminders, dueAt);

    console.log('\nstopping the services (SIGTERM)…');
    const processes = await rigs.stopServices(rig.services);
    const standInEventLoopDelayMs = loop.stop();

    // Everything below is counted after the services stopped, so nothing changes while we count.
    const { at, keyKind } = acceptedByKind(rig, wantedConfirmations, wantedReminders);
    const first = (times: number[] | undefined) => (times ? Math.min(...times) : Number.POSITIVE_INFINITY);
    const sinceT = (epochMs: number) => (Number.isFinite(epochMs) ? Math.round(epochMs - dueAt) : null);

    // Confirmations: from each 201 answer to its email's acceptance (never accepted: infinitely late).
    const waits = created.map((s) => first(at.confirmation.get(s.email.toLowerCase())) - answeredAt(s));
    const wait = summarize(waits);
    const confirmationTimes = [...at.confirmation.values()].map((t) => first(t));
    const lastConfirmationAt = confirmationTimes.length ? Math.max(...confirmationTimes) : Number.NaN;
    const firstAnswerAt = created.length ? Math.min(...created.map(answeredAt)) : Number.NaN;
    const lastAnswerAt = created.length ? Math.max(...created.map(answeredAt)) : Number.NaN;

    // Reminders: when, and where they stand against the burst.
    const reminderTimes = [...at.reminder.values()].map((t) => first(t)).sort((a, b) => a - b);
    const deadlineAt = dueAt + params.deadlineS * 1000;
    const remindersInTime = reminderTimes.filter((t) => t <= deadlineAt).length;
    const before = (t: number) => reminderTimes.filter((r) => r < t).length;
    const remindersBeforeBurst = before(firstAnswerAt);
    const remindersBeforeLastConfirmation = Number.isFinite(lastConfirmationAt)
      ? before(lastConfirmationAt)
      : reminderTimes.length;

    // Doubled: an address with two emails of its kind, or an Idempotency-Key accepted twice.
    const doubled = (m: Map<string, number[]>) => [...m.values()].filter((t) => t.length > 1).length;
    const requests = rig.standIn.acceptedRequests();

    // The provider's requests by kind, and how the burst's window was shared.
    const requestKind = (r: { idempotencyKey: string | null }) =>
      (r.idempotencyKey && keyKind.get(r.idempotencyKey)) || 'other';
    const sizesOf = (kind: Kind) => requests.filter((r) => requestKind(r) === kind).map((r) => r.emails);
    const inWindow = (kind: Kind) =>
      requests.filter((r) => requestKind(r) === kind && r.at >= firstAnswerAt && r.at <= lastConfirmationAt).length;

    const db = await databaseCounts(rig.db);
    const logs = await fromLogs(
      rig.services.map((s) => s.logPath),
      keyKind,
    );

    // Per second from T: answers, and emails and requests of each kind the stand-in accepted.
    const lastAt = Math.max(dueAt, ...reminderTimes.filter(Number.isFinite), ...confirmationTimes, lastAnswerAt || 0);
    const timeline = Array.from({ length: Math.ceil((lastAt - dueAt + 1) / 1000) }, (_, k) => {
      const from = dueAt + k * 1000;
      const inSecond = (t: number) => t >= from && t < from + 1000;
      return {
        s: k,
        answered: created.filter((x) => inSecond(answeredAt(x))).length,
        confirmationsAccepted: confirmationTimes.filter(inSecond).length,
        remindersAccepted: reminderTimes.filter(inSecond).length,
        confirmationRequests: requests.filter((r) => requestKind(r) === 'confirmation' && inSecond(r.at)).length,
        reminderRequests: requests.filter((r) => requestKind(r) === 'reminder' && inSecond(r.at)).length,
      };
    });

    return {
      dueAt: new Date(dueAt).toISOString(),
      burst: {
        ...report.burstAnswers(sent, params.registrations, wallMs),
        startedAfterTMs: Math.round(burstStartedAt - dueAt),
        firstAnswerAfterTMs: sinceT(firstAnswerAt),
        lastAnswerAfterTMs: sinceT(lastAnswerAt),
      },
      confirmations: {
        expected: created.length,
        accepted: at.confirmation.size,
        notAccepted: created.length - at.confirmation.size,
        // From the 201 answer to the stand-in's acceptance; null where some were never accepted.
        acceptedAfterAnswerMs: roundSummary(wait),
        withinTarget: waits.filter((w) => w <= params.targetP99S * 1000).length,
        lastAcceptedAfterTMs: sinceT(lastConfirmationAt),
        doubled: doubled(at.confirmation),
      },
      reminders: {
        expected: wantedReminders.size,
        delivered: at.reminder.size,
        deliveredWithinDeadline: remindersInTime,
        firstAcceptedAfterTMs: sinceT(reminderTimes[0] ?? Number.NaN),
        lastAcceptedAfterTMs: sinceT(reminderTimes.at(-1) ?? Number.NaN),
        beforeFirstAnswer: remindersBeforeBurst,
        betweenFirstAnswerAndLastConfirmation: remindersBeforeLastConfirmation - remindersBeforeBurst,
        afterLastConfirmation: reminderTimes.length - remindersBeforeLastConfirmation,
        doubled: doubled(at.reminder),
      },
      otherEmails: at.other.size,
      doubledKeys: report.doubledKeys(requests),
      provider: {
        ...report.providerCounts(rig.standIn),
        confirmationBatchSizes: report.batchHistogram(sizesOf('confirmation')),
        reminderBatchSizes: report.batchHistogram(sizesOf('reminder')),
        confirmationEmailsPerRequest: roundSummary(summarize(sizesOf('confirmation'))),
        reminderEmailsPerRequest: roundSummary(summarize(sizesOf('reminder'))),
        // Between the burst's first answer and its last confirmation's acceptance: who got the slots.
        burstWindowRequests: { confirmation: inWindow('confirmation'), reminder: inWindow('reminder') },
        standInEventLoopDelayMs,
      },
      tasks: db,
      serviceLogs: logs,
      processes,
      timeline,
    };
  } finally {
    loop.stop();
  }
}

type Measured = Awaited<ReturnType<typeof measure>>;

// ---------------------------------------------------------------- report

function targets(m: Measured): Target[] {
  const c = m.confirmations;
  const r = m.reminders;
  const p99 = c.acceptedAfterAnswerMs.p99;
  return [
    {
      target: `every confirmation of the burst accepted within ${params.targetP99S} s of its answer (p99)`,
      measured:
        `p99 ${p99 === null ? 'never (some were not accepted)' : s2(p99)}; ` +
        `${count(c.withinTarget)} of ${count(c.expected)} within ${params.targetP99S} s, max ${s2(c.acceptedAfterAnswerMs.max)}`,
      met: p99 !== null && p99 <= params.targetP99S * 1000 && c.expected > 0,
    },
    {
      target: `every confirmation of the burst accepted`,
      measured: `${count(c.accepted)} of ${count(c.expected)}`,
      met: c.notAccepted === 0 && c.expected > 0,
    },
    {
      target: `all ${count(params.reminders)} reminders delivered, after the confirmations`,
      measured:
        `${count(r.deliveredWithinDeadline)} within ${params.deadlineS} s of T, the last ${s2(r.lastAcceptedAfterTMs)} after T; ` +
        `${count(r.afterLastConfirmation)} after the burst's last confirmation, ` +
        `${count(r.beforeFirstAnswer + r.betweenFirstAnswerAndLastConfirmation)} before it ` +
        `(${count(r.beforeFirstAnswer)} before the burst's first answer)`,
      met: r.deliveredWithinDeadline === params.reminders,
    },
    {
      target: '0 doubled',
      measured: `${c.doubled} confirmation and ${r.doubled} reminder recipients with two emails; ${m.doubledKeys} idempotency keys accepted more than once`,
      met: c.doubled + r.doubled + m.doubledKeys === 0,
    },
    {
      target: '0 provider requests answered 429',
      measured: `${m.provider.answered429} of ${count(m.provider.requests)}`,
      met: m.provider.answered429 === 0,
    },
    report.answeredTarget(m.burst),
  ];
}

const kv = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${count(v)}`)
    .join(', ') || 'none';

function markdown(m: Measured, goals: Target[], context: RunContext & { upBeforeTMs: number }): string {
  const { burst: b, confirmations: c, reminders: r, provider: p } = m;
  const w = c.acceptedAfterAnswerMs;
  const lines = [
    `# Priority benchmark: ${count(params.reminders)} reminders due at one instant, then ${count(params.registrations)} sign-ups, provider at ${params.providerRatePerSec} requests/s`,
    '',
    report.machineLine(context.info, context.postgres, context.load, context.runSeconds),
    '',
    `Settings: ${count(params.reminders)} registered runners seeded with SQL, each with a \`${SEND_REMINDER_EMAIL}\` task ` +
      `(pending, priority ${REMINDER_PRIORITY}, key \`reminder:<registration>:${REMINDER_OFFSET}\`, max_attempts ${SERVICE_CONFIG.taskMaxAttempts}), ` +
      `all due at one instant T, ${params.dueInS} s after the seed. ${params.processes} service process${params.processes === 1 ? '' : 'es'} ` +
      `(\`node dist/main.js\`, one PostgreSQL database) started in between (up ${s2(context.upBeforeTMs)} before T). At T + ${params.burstAfterMs} ms: ` +
      `${count(params.registrations)} × \`POST /api/registrations\` (unique emails; each writes a \`${SEND_CONFIRMATION_EMAIL}\` task, priority 0), ` +
      `round-robin, closed loop at concurrency ${params.concurrency}, from this process. Resend stand-in (this process): ` +
      `${params.providerRatePerSec} requests/s for its key (429 with \`retry-after\` above that), ${params.latencyMs} ms per send. ` +
      `Services: ${report.settingsList(SERVICE_SETTINGS)}, a race with room for everyone, everything else default. ` +
      `Waited at most ${params.deadlineS} s after T.`,
    '',
    ...targetsSection(goals),
    '## Burst',
    '',
    '| registrations | 201 | other | first request after T | burst | response p50 / p95 / p99 | answers (after T) |',
    '|--:|--:|--:|--:|--:|--:|--:|',
    `| ${count(b.registrations)} | ${count(b.answered201)} | ${b.sent - b.answered201}${b.notSent ? ` (+${b.notSent} not sent)` : ''} | ${s2(b.startedAfterTMs)} | ${seconds(b.durationMs ?? 0)} | ${b.responseMs.p50} / ${b.responseMs.p95} / ${b.responseMs.p99} ms | ${s2(b.firstAnswerAfterTMs)} – ${s2(b.lastAnswerAfterTMs)} |`,
    '',
    ...(b.firstErrors.length ? [`First non-201 answers: ${b.firstErrors.join(' · ')}`, ''] : []),
    '## Confirmations of the burst: from the answer to the provider',
    '',
    `| owed (201) | accepted | accepted − answer p50 / p95 / p99 / max | within ${params.targetP99S} s | last accepted (after T) | doubled |`,
    '|--:|--:|--:|--:|--:|--:|',
    `| ${count(c.expected)} | ${count(c.accepted)} | ${s2(w.p50)} / ${s2(w.p95)} / ${s2(w.p99)} / ${s2(w.max)} | ${count(c.withinTarget)} | ${s2(c.lastAcceptedAfterTMs)} | ${c.doubled} |`,
    '',
    '## Reminders',
    '',
    "| seeded | delivered | first · last accepted (after T) | before the burst's first answer | between it and the last confirmation | after the last confirmation | doubled |",
    '|--:|--:|--:|--:|--:|--:|--:|',
    `| ${count(r.expected)} | ${count(r.delivered)} | ${s2(r.firstAcceptedAfterTMs)} · ${s2(r.lastAcceptedAfterTMs)} | ${count(r.beforeFirstAnswer)} | ${count(r.betweenFirstAnswerAndLastConfirmation)} | ${count(r.afterLastConfirmation)} | ${r.doubled} |`,
    '',
    ...(m.otherEmails ? [`Emails to neither a seeded runner nor the burst: ${m.otherEmails}.`, ''] : []),
    '## Provider',
    '',
    `| requests | \`POST /emails\` | \`POST /emails/batch\` | accepted | answered 429 | other, not accepted | idempotency keys accepted twice |`,
    '|--:|--:|--:|--:|--:|--:|--:|',
    `| ${count(p.requests)} | ${count(p.byPath.emails)} | ${count(p.byPath.batch)} | ${count(p.acceptedRequests)} | ${p.answered429} | ${p.otherNotAccepted} | ${m.doubledKeys} |`,
    '',
    `Emails per accepted request (requests): confirmations ${report.histogramLine(p.confirmationBatchSizes)} ` +
      `(p50 ${p.confirmationEmailsPerRequest.p50 ?? '–'}); reminders ${report.histogramLine(p.reminderBatchSizes)} ` +
      `(p50 ${p.reminderEmailsPerRequest.p50 ?? '–'}).`,
    '',
    `From the burst's first answer to its last confirmation's acceptance the provider accepted ` +
      `${p.burstWindowRequests.confirmation} confirmation and ${p.burstWindowRequests.reminder} reminder requests.`,
    '',
    report.eventLoopLine(p.standInEventLoopDelayMs),
    '',
    '## What the services did',
    '',
    report.logEventsLine(m.serviceLogs.events, LOG_DIR),
    '',
    `Batches in the logs (kind by the stand-in's record of the batch id: batches, p50 size): ${
      Object.entries(m.serviceLogs.batches)
        .map(([kind, s]) => `${kind} ${count(s.n)} (p50 ${s.p50})`)
        .join(', ') || 'none'
    }. Tasks released (\`task.released\`, by kind and why): ${kv(m.serviceLogs.released)}.`,
    '',
    '| kind | tasks at the end | attempts recorded |',
    '|---|---|---|',
    ...[SEND_CONFIRMATION_EMAIL, SEND_REMINDER_EMAIL].map(
      (kind) =>
        `| \`${kind}\` | ${kv(m.tasks.taskStatuses[kind] ?? {})} | ${kv(m.tasks.attemptOutcomes[kind] ?? {})} |`,
    ),
    '',
    ...report.processesSection(m.processes),
    '## Timeline (per second from T; emails and requests the stand-in accepted)',
    '',
    '| s after T | registrations answered | confirmations | confirmation requests | reminders | reminder requests |',
    '|--:|--:|--:|--:|--:|--:|',
    ...m.timeline.map(
      (t) =>
        `| ${t.s} | ${count(t.answered)} | ${count(t.confirmationsAccepted)} | ${t.confirmationRequests} | ${count(t.remindersAccepted)} | ${t.reminderRequests} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

// ---------------------------------------------------------------- main

rigBench({
  name: 'priority',
  describe:
    `${params.reminders} reminders due at one instant, then ${params.registrations} registrations over ` +
    `${params.processes} process${params.processes === 1 ? '' : 'es'} at concurrency ${params.concurrency}; ` +
    `provider ${params.providerRatePerSec} requests/s, ${params.latencyMs} ms; target p99 ${params.targetP99S} s`,
  parameters: params,
  places: params.reminders + params.registrations,
  serviceSettings: SERVICE_SETTINGS,
  outDir: OUT_DIR,
  logDir: LOG_DIR,
  async run(rig, runId) {
    console.log(`seeding ${params.reminders} runners and their reminders…`);
    const { dueAt, emails } = await seedReminders(rig.db, runId);
    console.log(`starting ${params.processes} service process${params.processes === 1 ? '' : 'es'}…`);
    await rigs.startServices(rig, SERVICE_SETTINGS, params.processes, LOG_DIR);
    const upBeforeTMs = Math.round(dueAt - Date.now());
    // Still fine (their first sweep claims what is due), but the run no longer starts as described.
    if (upBeforeTMs < 0)
      console.error(`warning: the services were up only ${seconds(-upBeforeTMs)} after T: raise --due-in`);
    const measured = await measure(rig, runId, emails, dueAt);
    const goals = targets(measured);
    return {
      measured: { servicesUpBeforeTMs: upBeforeTMs, ...measured },
      targets: goals,
      markdown: (context) => markdown(measured, goals, { ...context, upBeforeTMs }),
    };
  },
});
