// Benchmark (not a test): the email strategies side by side, in one run, on one machine.
//
//   npm run bench:strategies [-- --latency 300 --requests 300 --concurrency 10 --drain 10000]
//
// 1. A fresh PostgreSQL database, the Resend stand-in with `--latency` ms per send, and the Node
//    service in this process.
// 2. Response time of sequential, wait-until and outbox under the same closed-loop load, interleaved
//    in rounds with a rotating order so machine noise hits all of them alike. After each strategy's
//    chunk we wait until the stand-in has accepted its emails, so one strategy's background sends do
//    not slow the next one's measurement. Also: time from request start until the email was accepted.
// 3. Drain rate: `--drain` due tasks inserted directly, then a service whose sweeper drains them
//    against a zero-latency stand-in; every task must produce exactly one accepted email.
// 4. A table on stdout, and strategies.{json,md} in out/strategies/ (or the committed bench/results/
//    with --update-docs). Needs PostgreSQL (127.0.0.1:5432 or TEST_POSTGRES_URL).
//
// Loopback only. Client, service and stand-in share this process (one event loop); PostgreSQL is a
// separate process. Exits 0 unless something crashed: missed targets are reported, not fatal.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildConfirmationEmail } from '../src/domain/confirmation-email.js';
import { DEFAULT_RACE } from '../src/domain/race.js';
import type { NodeService } from '../src/runtime/node/service.js';
import { outputDir } from '../tools/output.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../tools/postgres.js';
import { type ResendStandIn, startResendStandIn } from '../tools/resend-stand-in.js';
import { positiveInt } from './lib/args.js';
import { postgresCpuMsBetween, postgresCpuTicks } from './lib/cpu-time.js';
import { runLoad, type Sample } from './lib/load.js';
import { machine } from './lib/machine.js';
import { runBench } from './lib/run.js';
import { startBenchService } from './lib/service.js';
import { ms, round2, roundSummary, summarize } from './lib/stats.js';
import { targetsSection } from './lib/targets.js';

// ---------------------------------------------------------------- parameters

const { values: flags } = parseArgs({
  options: {
    latency: { type: 'string', default: '300' },
    requests: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '20' },
    drain: { type: 'string', default: '10000' },
    'task-concurrency': { type: 'string', default: '50' },
    'update-docs': { type: 'boolean' },
  },
  strict: true,
});

const params = {
  latencyMs: positiveInt('latency', flags.latency, 0),
  requests: positiveInt('requests', flags.requests),
  concurrency: positiveInt('concurrency', flags.concurrency),
  rounds: positiveInt('rounds', flags.rounds),
  warmup: positiveInt('warmup', flags.warmup, 0),
  drain: positiveInt('drain', flags.drain, 0),
  taskConcurrency: positiveInt('task-concurrency', flags['task-concurrency']),
};
if (params.requests % params.rounds !== 0) throw new Error('--requests must be a multiple of --rounds');

// out/strategies/ (untracked), or the committed bench/results/ with --update-docs.
const RESULTS_DIR = outputDir(
  'strategies',
  join(dirname(fileURLToPath(import.meta.url)), 'results'),
  flags['update-docs'],
);
const DRAIN_TIMEOUT_MS = 10 * 60_000;
const WATCHDOG_MS = 15 * 60_000;
const EMAIL_WAIT_MS = 30_000;
const INSERT_BATCH = 1000;
const EMAIL_FROM = 'Marathon <onboarding@resend.dev>';

interface Strategy {
  name: string;
  route: string;
}

const STRATEGIES: Strategy[] = [
  { name: 'sequential', route: '/api/marathon-sequential' },
  { name: 'wait-until', route: '/api/marathon-waituntil' },
  { name: 'outbox', route: '/api/registrations' },
];

// ---------------------------------------------------------------- phases

interface StrategyResult {
  strategy: Strategy;
  samples: Sample[];
  wallMs: number;
  roundP50s: number[];
  emailWaitTimeouts: number;
}

async function waitForEmails(standIn: ResendStandIn, expected: number): Promise<boolean> {
  try {
    await standIn.waitForAccepted(expected, EMAIL_WAIT_MS);
    return true;
  } catch {
    return false;
  }
}

async function measureStrategies(service: NodeService, standIn: ResendStandIn, runId: string) {
  const emailFor = (strategy: Strategy, phase: string, i: number) =>
    `${runId}-${strategy.name}-${phase}-${i}@example.com`;
  let expectedEmails = 0;
  let indexBase = 0;

  // Warm-up: JIT, connection pools, keep-alive sockets, statement paths.
  for (const strategy of STRATEGIES) {
    const emails = Array.from({ length: params.warmup }, (_, i) => emailFor(strategy, 'warmup', i));
    const { samples } = await runLoad(service.url + strategy.route, emails, params.concurrency, indexBase);
    indexBase += emails.length;
    const ok = samples.filter((s) => s.status >= 200 && s.status < 300).length;
    if (ok !== samples.length) console.warn(`warm-up ${strategy.name}: ${samples.length - ok} errors`);
    expectedEmails += ok;
    await waitForEmails(standIn, expectedEmails);
  }

  const results = new Map<string, StrategyResult>(
    STRATEGIES.map((s) => [s.name, { strategy: s, samples: [], wallMs: 0, roundP50s: [], emailWaitTimeouts: 0 }]),
  );
  const perRound = params.requests / params.rounds;
  for (let round = 0; round < params.rounds; round++) {
    const order = STRATEGIES.map((_, k) => STRATEGIES[(k + round) % STRATEGIES.length] as Strategy);
    for (const strategy of order) {
      const result = results.get(strategy.name) as StrategyResult;
      const emails = Array.from({ length: perRound }, (_, i) => emailFor(strategy, `r${round}`, i));
      const { samples, wallMs } = await runLoad(service.url + strategy.route, emails, params.concurrency, indexBase);
      indexBase += emails.length;
      result.samples.push(...samples);
      result.wallMs += wallMs;
      result.roundP50s.push(summarize(samples.map((s) => s.durationMs)).p50);
      expectedEmails += samples.filter((s) => s.status >= 200 && s.status < 300).length;
      // Not measured: let this chunk's background sends finish before the next strategy's chunk.
      if (!(await waitForEmails(standIn, expectedEmails))) result.emailWaitTimeouts++;
    }
    process.stdout.write(`  round ${round + 1}/${params.rounds} done\n`);
  }

  // Time from request start until the stand-in accepted that runner's email (matched by recipient).
  const acceptedAt = new Map<string, number>();
  for (const email of standIn.accepted()) {
    for (const to of email.to) if (!acceptedAt.has(to.toLowerCase())) acceptedAt.set(to.toLowerCase(), email.createdAt);
  }
  return STRATEGIES.map((strategy) => {
    const r = results.get(strategy.name) as StrategyResult;
    const ok = r.samples.filter((s) => s.status >= 200 && s.status < 300);
    const errors = r.samples.length - ok.length;
    const statuses: Record<string, number> = {};
    for (const s of r.samples) statuses[String(s.status)] = (statuses[String(s.status)] ?? 0) + 1;
    const toAccepted: number[] = [];
    let missingEmails = 0;
    for (const s of ok) {
      const at = acceptedAt.get(s.email.toLowerCase());
      if (at === undefined) missingEmails++;
      else toAccepted.push(at - s.startedAtEpochMs);
    }
    return {
      strategy: strategy.name,
      route: strategy.route,
      requests: r.samples.length,
      ok: ok.length,
      errors,
      statuses,
      firstErrors: r.samples
        .filter((s) => s.error)
        .slice(0, 3)
        .map((s) => `${s.status} ${s.error}`),
      // Latency over all requests (errors included: they are answers too, and are counted above).
      latency: summarize(r.samples.map((s) => s.durationMs)),
      requestsPerSec: ok.length / (r.wallMs / 1000),
      roundP50s: r.roundP50s,
      emailAccepted: summarize(toAccepted),
      missingEmails,
      emailWaitTimeouts: r.emailWaitTimeouts,
    };
  });
}

type StrategyReport = Awaited<ReturnType<typeof measureStrategies>>[number];

async function insertDueTasks(db: TestDatabase, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; offset < count; offset += INSERT_BATCH) {
    const n = Math.min(INSERT_BATCH, count - offset);
    const values: string[] = [];
    const args: unknown[] = [];
    for (let k = 0; k < n; k++) {
      const i = offset + k;
      const id = crypto.randomUUID();
      ids.push(id);
      const payload = buildConfirmationEmail(DEFAULT_RACE, EMAIL_FROM, {
        registrationId: crypto.randomUUID(),
        firstName: 'Drain',
        email: `drain-${i}@example.com`,
        distance: DEFAULT_RACE.distances[i % DEFAULT_RACE.distances.length]?.id ?? 'half',
      });
      args.push(id, JSON.stringify(payload));
      values.push(
        `($${2 * k + 1}::uuid, 'send-confirmation-email', $${2 * k + 2}::jsonb, 'pending', 0, 10, now(), NULL)`,
      );
    }
    await db.query(
      `INSERT INTO tasks (id, kind, payload, status, attempts, max_attempts, run_at, registration_id)
       VALUES ${values.join(', ')}`,
      args,
    );
  }
  return ids;
}

/** Per-sweep breakdown of the drain, from the attempt rows the engine wrote. */
async function analyzeSweeps(db: TestDatabase, taskIds: string[]) {
  const rows = await db.query<{ start: string; send_end: string; recorded: string; attempts: string }>(
    `SELECT extract(epoch FROM a.started_at) * 1000 AS start,
            extract(epoch FROM a.started_at) * 1000 + a.duration_ms AS send_end,
            extract(epoch FROM t.updated_at) * 1000 AS recorded,
            t.attempts AS attempts
       FROM task_attempts a JOIN tasks t ON t.id = a.task_id
      WHERE t.id = ANY($1::uuid[])
      ORDER BY a.started_at`,
    [taskIds],
  );
  const tasks = rows.map((r) => ({
    start: Number(r.start),
    sendEnd: Number(r.send_end),
    recorded: Number(r.recorded),
    attempts: Number(r.attempts),
  }));
  interface Sweep {
    start: number;
    sendEnd: number;
    recordedEnd: number;
    size: number;
  }
  // Sweeps never overlap: the next claim runs only after every task of the previous sweep was recorded.
  // So a task that starts after the current sweep's latest completion statement belongs to the next one.
  const sweeps: Sweep[] = [];
  let current: Sweep | undefined;
  for (const t of tasks) {
    if (!current || t.start > current.recordedEnd) {
      current = { start: t.start, sendEnd: t.sendEnd, recordedEnd: t.recorded, size: 0 };
      sweeps.push(current);
    }
    current.size++;
    current.sendEnd = Math.max(current.sendEnd, t.sendEnd);
    current.recordedEnd = Math.max(current.recordedEnd, t.recorded);
  }
  const send: number[] = [];
  const record: number[] = [];
  const between: number[] = [];
  const cycle: number[] = [];
  for (let i = 0; i + 1 < sweeps.length; i++) {
    const s = sweeps[i] as Sweep;
    const next = sweeps[i + 1] as Sweep;
    send.push(s.sendEnd - s.start);
    record.push(Math.max(0, s.recordedEnd - s.sendEnd));
    between.push(next.start - Math.max(s.sendEnd, s.recordedEnd));
    cycle.push(next.start - s.start);
  }
  const first = tasks[0];
  const last = tasks.reduce((m, t) => Math.max(m, t.recorded, t.sendEnd), Number.NEGATIVE_INFINITY);
  return {
    attemptRows: tasks.length,
    tasksWithMoreThanOneAttempt: tasks.filter((t) => t.attempts > 1).length,
    perAttemptSendMs: summarize(tasks.map((t) => t.sendEnd - t.start)),
    sweeps: sweeps.length,
    sweepSize: summarize(sweeps.map((s) => s.size)),
    // First attempt start → last completion, from the database's own records.
    activeDrainMs: first ? last - first.start : Number.NaN,
    sweepCycleMs: summarize(cycle),
    sweepSendPhaseMs: summarize(send),
    sweepRecordPhaseMs: summarize(record),
    sweepClaimGapMs: summarize(between),
  };
}

async function measureClaimQuery(db: TestDatabase) {
  // The sweeper's claim selection on the full backlog (before the drain service starts): what finding
  // one batch costs the database. The row locks end with the statement.
  const rows = await db.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, FORMAT TEXT)
     SELECT id FROM tasks
      WHERE (status = 'pending' AND run_at <= now()) OR (status = 'running' AND lease_expires_at < now())
      ORDER BY run_at LIMIT 20 FOR UPDATE SKIP LOCKED`,
  );
  const plan = rows.map((r) => r['QUERY PLAN']);
  const time = plan.find((l) => l.startsWith('Execution Time'));
  return { executionTime: time ?? 'unknown', plan: plan.slice(0, 12) };
}

/** Share of one core; processes born during the interval count from zero. Assumes 100 ticks per second. */
function postgresCpuPercent(
  before: Map<number, number>,
  after: Map<number, number> | undefined,
  intervalMs: number,
): number | undefined {
  if (!after || after.size === 0) return undefined;
  return (postgresCpuMsBetween(before, after) / intervalMs) * 100;
}

async function measureDrain(db: TestDatabase, standIn: ResendStandIn) {
  standIn.reset(); // counts start from zero; reset also sets latency 0
  standIn.setLatency(0);
  const insertStart = performance.now();
  const ids = await insertDueTasks(db, params.drain);
  const insertMs = performance.now() - insertStart;
  const claimQuery = await measureClaimQuery(db);

  const pendingLeft = async () =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM tasks WHERE status <> 'succeeded'`))[0]?.n);

  const timeline: { atMs: number; left: number }[] = [];
  const postgresBefore = await postgresCpuTicks();
  const cpuBefore = process.cpuUsage();
  const eluBefore = performance.eventLoopUtilization();
  const start = performance.now();
  const service = await startBenchService(db.url, standIn, {
    EMAIL_RATE_LIMIT_PER_SEC: '0',
    TASK_CONCURRENCY: String(params.taskConcurrency),
    TASK_SWEEP_INTERVAL_MS: '50',
  });
  const startupMs = performance.now() - start;
  // What the code under test actually parsed (src/ changes while this bench exists): task and email knobs.
  const effectiveConfig = Object.fromEntries(
    Object.entries(service.config).filter(([k]) => k.startsWith('task') || k.startsWith('email')),
  );
  let timedOut = false;
  let drainMs: number;
  let postgresAfter: Map<number, number> | undefined;
  try {
    for (;;) {
      const left = await pendingLeft();
      const at = performance.now() - start;
      timeline.push({ atMs: Math.round(at), left });
      if (left === 0) {
        drainMs = at;
        break;
      }
      if (at > DRAIN_TIMEOUT_MS) {
        timedOut = true;
        drainMs = at;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    // Before stop(): the service's backends still exist, so their CPU time can still be read.
    postgresAfter = await postgresCpuTicks();
  } finally {
    await service.stop();
  }
  const cpu = process.cpuUsage(cpuBefore);
  const postgresCpuPercentOfOneCore = postgresCpuPercent(postgresBefore, postgresAfter, drainMs);
  // This process (client, service, stand-in) on the CPU, and how busy its one event loop was.
  const nodeCpuPercentOfOneCore = ((cpu.user + cpu.system) / 1000 / drainMs) * 100;
  const eventLoopUtilization = performance.eventLoopUtilization(eluBefore).utilization;

  // Exactly once, per email: each task's recipient (drain-<i>@example.com) accepted once. Emails go in
  // batches, so the Idempotency-Key is a batch id, not a task id; the recipient names the task.
  const accepted = standIn.accepted();
  const perRecipient = new Map<string, number>();
  for (const e of accepted) for (const to of e.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
  const owed = new Set(ids.map((_, i) => `drain-${i}@example.com`));
  const duplicateKeys = [...perRecipient.values()].filter((n) => n > 1).length;
  const foreignKeys = [...perRecipient.keys()].filter((to) => !owed.has(to)).length;
  const missingKeys = [...owed].filter((to) => !perRecipient.has(to)).length;
  const statusRows = await db.query<{ status: string; n: string }>(
    `SELECT status, count(*) AS n FROM tasks WHERE id = ANY($1::uuid[]) GROUP BY status ORDER BY status`,
    [ids],
  );
  const sweeps = await analyzeSweeps(db, ids);
  return {
    tasks: params.drain,
    effectiveConfig,
    nodeCpuPercentOfOneCore,
    postgresCpuPercentOfOneCore,
    eventLoopUtilization,
    insertMs,
    startupMs,
    drainMs,
    timedOut,
    tasksPerSec: params.drain / (drainMs / 1000),
    tasksPerSecActive: params.drain / (sweeps.activeDrainMs / 1000),
    acceptedCount: standIn.acceptedCount(),
    duplicateKeys,
    foreignKeys,
    missingKeys,
    exactlyOnce:
      !timedOut &&
      standIn.acceptedCount() === params.drain &&
      duplicateKeys === 0 &&
      foreignKeys === 0 &&
      missingKeys === 0,
    statuses: Object.fromEntries(statusRows.map((r) => [r.status, Number(r.n)])),
    claimQuery,
    sweeps,
    timeline: timeline.filter((_, i) => i % 5 === 0 || i === timeline.length - 1),
  };
}

// ---------------------------------------------------------------- report

function targets(reports: StrategyReport[]) {
  const by = (name: string) => reports.find((r) => r.strategy === name) as StrategyReport;
  const outbox = by('outbox').latency.p50;
  const waitUntil = by('wait-until').latency.p50;
  const sequential = by('sequential').latency.p50;
  const overhead = outbox / waitUntil - 1;
  const speedup = sequential / outbox;
  return [
    {
      target: 'outbox p50 ≤ wait-until p50 + 10 %',
      measured: `outbox ${ms(outbox)} ms vs wait-until ${ms(waitUntil)} ms (${overhead >= 0 ? '+' : ''}${(overhead * 100).toFixed(1)} %)`,
      met: overhead <= 0.1,
    },
    {
      target: `outbox p50 ≥ 10× faster than sequential (provider latency ${params.latencyMs} ms)`,
      measured: `sequential ${ms(sequential)} ms / outbox ${ms(outbox)} ms = ${speedup.toFixed(1)}×`,
      met: speedup >= 10,
    },
  ];
}

function strategyTable(reports: StrategyReport[]): string[] {
  const header =
    '| strategy | route | ok | errors | p50 ms | p95 ms | p99 ms | mean ms | req/s | email accepted after request start p50 / p95 ms |';
  const rule = '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|';
  const lines = reports.map(
    (r) =>
      `| ${r.strategy} | \`POST ${r.route}\` | ${r.ok} | ${r.errors} | ${ms(r.latency.p50)} | ${ms(r.latency.p95)} | ${ms(r.latency.p99)} | ${ms(r.latency.mean)} | ${r.requestsPerSec.toFixed(1)} | ${ms(r.emailAccepted.p50)} / ${ms(r.emailAccepted.p95)}${r.missingEmails ? ` (${r.missingEmails} missing)` : ''} |`,
  );
  return [header, rule, ...lines];
}

type DrainReport = Awaited<ReturnType<typeof measureDrain>>;

function drainLines(d: DrainReport): string[] {
  const s = d.sweeps;
  return [
    `| tasks | wall time (incl. service start) | tasks/s | active drain (first attempt → last record) | tasks/s (active) | accepted | exactly once |`,
    '|--:|--:|--:|--:|--:|--:|---|',
    `| ${d.tasks} | ${(d.drainMs / 1000).toFixed(2)} s${d.timedOut ? ' (TIMED OUT)' : ''} | ${d.tasksPerSec.toFixed(0)} | ${(s.activeDrainMs / 1000).toFixed(2)} s | ${d.tasksPerSecActive.toFixed(0)} | ${d.acceptedCount} | ${d.exactlyOnce ? 'yes' : `NO (doubled ${d.duplicateKeys}, missing ${d.missingKeys}, foreign ${d.foreignKeys})`} |`,
    '',
    `Where the drain time goes (${s.sweeps} sweeps, size p50 ${s.sweepSize.p50}, max ${s.sweepSize.max}; ${s.attemptRows} attempt rows, ${s.tasksWithMoreThanOneAttempt} tasks needed more than one attempt):`,
    '',
    '| per sweep | p50 ms | p95 ms | mean ms |',
    '|---|--:|--:|--:|',
    `| whole cycle (sweep start → next sweep start) | ${ms(s.sweepCycleMs.p50)} | ${ms(s.sweepCycleMs.p95)} | ${ms(s.sweepCycleMs.mean)} |`,
    `| send phase (first attempt start → last send done) | ${ms(s.sweepSendPhaseMs.p50)} | ${ms(s.sweepSendPhaseMs.p95)} | ${ms(s.sweepSendPhaseMs.mean)} |`,
    `| record phase (last send done → last completion statement began) | ${ms(s.sweepRecordPhaseMs.p50)} | ${ms(s.sweepRecordPhaseMs.p95)} | ${ms(s.sweepRecordPhaseMs.mean)} |`,
    `| claim gap (→ next sweep's first attempt) | ${ms(s.sweepClaimGapMs.p50)} | ${ms(s.sweepClaimGapMs.p95)} | ${ms(s.sweepClaimGapMs.mean)} |`,
    `| one send, per attempt | ${ms(s.perAttemptSendMs.p50)} | ${ms(s.perAttemptSendMs.p95)} | ${ms(s.perAttemptSendMs.mean)} |`,
    '',
    `During the drain this Node process (client, service and stand-in) used ${d.nodeCpuPercentOfOneCore.toFixed(0)} % of one core; event-loop utilization ${(d.eventLoopUtilization * 100).toFixed(0)} %. ` +
      (d.postgresCpuPercentOfOneCore === undefined
        ? 'PostgreSQL CPU: not measurable here.'
        : `PostgreSQL processes used ${d.postgresCpuPercentOfOneCore.toFixed(0)} % of one core (of ${os.cpus().length}).`),
    '',
    `Drain service config as parsed: ${Object.entries(d.effectiveConfig)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ')}.`,
    '',
    `Insert of ${d.tasks} tasks: ${(d.insertMs / 1000).toFixed(2)} s. Drain service start: ${d.startupMs.toFixed(0)} ms. Claim query on the full backlog (EXPLAIN ANALYZE, rolled back): ${d.claimQuery.executionTime}.`,
  ];
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  await requirePostgres('npm run bench:strategies');
  const runStart = performance.now();
  const runId = `b${Date.now().toString(36)}`;
  const info = machine();
  console.log(
    `finishline strategies benchmark — ${info.cpu}, ${info.cores} cores, Node ${info.node}\n` +
      `provider latency ${params.latencyMs} ms, ${params.requests} requests per strategy in ${params.rounds} rounds, concurrency ${params.concurrency}, warm-up ${params.warmup}, drain ${params.drain}`,
  );

  const db = await createTestDatabase('fl_bench');
  const standIn = await startResendStandIn({ latencyMs: params.latencyMs });
  let service: NodeService | undefined;
  try {
    service = await startBenchService(db.url, standIn, {
      EMAIL_RATE_LIMIT_PER_SEC: '10000',
      TASK_CONCURRENCY: String(params.taskConcurrency),
    });

    console.log('\nresponse times…');
    const phase2Start = performance.now();
    const phase2Elu = performance.eventLoopUtilization();
    const reports = await measureStrategies(service, standIn, runId);
    const phase2Ms = performance.now() - phase2Start;
    const phase2Busy = performance.eventLoopUtilization(phase2Elu).utilization;
    await service.stop(); // its sweeper must not take part in the drain
    service = undefined;

    console.log(`\ndrain of ${params.drain} due tasks…`);
    const drain = params.drain > 0 ? await measureDrain(db, standIn) : undefined;
    const totalMs = performance.now() - runStart;
    const goals = targets(reports);

    const anyErrors = reports.some((r) => r.errors > 0 || r.missingEmails > 0);
    const out: string[] = [];
    out.push(`# Strategies benchmark`, '');
    out.push(
      `Machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB RAM, ${info.os}, Node ${info.node}. Date: ${info.date}.`,
      '',
      `Parameters: provider (Resend stand-in) latency ${params.latencyMs} ms; ${params.requests} requests per strategy, ` +
        `interleaved in ${params.rounds} rounds of ${params.requests / params.rounds} with a rotating order; closed loop, concurrency ${params.concurrency}; ` +
        `${params.warmup} warm-up requests per strategy; unique email per request; PostgreSQL 15 on loopback; ` +
        `client, service and stand-in in one Node process. Run took ${(totalMs / 1000).toFixed(1)} s (response-time phase ${(phase2Ms / 1000).toFixed(1)} s, ` +
        `event-loop utilization ${(phase2Busy * 100).toFixed(0)} %). TASK_CONCURRENCY=${params.taskConcurrency}.`,
      '',
      '## Response time',
      '',
      ...strategyTable(reports),
      '',
      anyErrors
        ? `**This run had errors:** ${reports
            .filter((r) => r.errors || r.missingEmails)
            .map(
              (r) =>
                `${r.strategy}: ${r.errors} non-2xx ${JSON.stringify(r.statuses)}, ${r.missingEmails} emails never accepted; first: ${r.firstErrors.join(' | ')}`,
            )
            .join('; ')}`
        : 'No errors: every request answered 2xx and every email was accepted.',
      '',
      `p50 per round (ms): ${reports.map((r) => `${r.strategy} ${r.roundP50s.map((v) => v.toFixed(1)).join(' ')}`).join(' · ')}`,
      '',
      ...targetsSection(goals),
    );
    if (drain) {
      out.push(
        `## Drain: ${drain.tasks} due tasks, zero-latency provider, sweeper every 50 ms`,
        '',
        ...drainLines(drain),
        '',
      );
    }
    const markdown = out.join('\n');
    console.log(`\n${markdown}`);

    await mkdir(RESULTS_DIR, { recursive: true });
    const json = {
      machine: info,
      parameters: params,
      runSeconds: Math.round(totalMs / 100) / 10,
      responsePhaseEventLoopUtilization: round2(phase2Busy),
      strategies: reports.map((r) => ({
        ...r,
        latency: roundSummary(r.latency),
        emailAccepted: roundSummary(r.emailAccepted),
        requestsPerSec: round2(r.requestsPerSec),
        roundP50s: r.roundP50s.map(round2),
      })),
      targets: goals,
      drain: drain && {
        ...drain,
        insertMs: round2(drain.insertMs),
        startupMs: round2(drain.startupMs),
        drainMs: round2(drain.drainMs),
        tasksPerSec: round2(drain.tasksPerSec),
        tasksPerSecActive: round2(drain.tasksPerSecActive),
        nodeCpuPercentOfOneCore: round2(drain.nodeCpuPercentOfOneCore),
        postgresCpuPercentOfOneCore: drain.postgresCpuPercentOfOneCore && round2(drain.postgresCpuPercentOfOneCore),
        eventLoopUtilization: round2(drain.eventLoopUtilization),
        sweeps: Object.fromEntries(
          Object.entries(drain.sweeps).map(([k, v]) => [k, typeof v === 'number' ? round2(v) : roundSummary(v)]),
        ),
      },
    };
    const jsonPath = join(RESULTS_DIR, 'strategies.json');
    const mdPath = join(RESULTS_DIR, 'strategies.md');
    await writeFile(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
    await writeFile(mdPath, `${markdown}\n`);
    console.log(`results: ${jsonPath}\n         ${mdPath}`);
    return 0;
  } finally {
    await service?.stop().catch(() => {});
    await standIn.close().catch(() => {});
    await db.drop().catch((error) => console.error(`could not drop ${db.name}: ${String(error)}`));
  }
}

runBench('benchmark', main, WATCHDOG_MS);
