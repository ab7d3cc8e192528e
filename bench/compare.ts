// Compare the email strategies on what a runner sees and what reaches the runner.
//
//   npm run compare [-- --runtime node|workerd --runs 50 --latency 300 --failure-rate 0.2 --concurrency 5
//                      --out DIR --json r.json]
//   Needs PostgreSQL (127.0.0.1:5432 or TEST_POSTGRES_URL). Writes to out/compare/ unless --out DIR, or
//   --update-docs (the committed copies docs/strategies.md shows: docs/compare.md and docs/compare.svg for
//   Node, docs/compare-workerd.md and docs/compare-workerd.svg for workerd).
//
// 1. A fresh PostgreSQL database, the Resend stand-in (`--latency` ms per send) behind a recording
//    pass-through (so failed sends have times too), and the service: `--runtime node` (default) the Node
//    service in this process; `--runtime workerd` the API Worker and the email Worker (Service Binding
//    EMAIL, queue finishline-email and its dead-letter queue) in one Miniflare, built first with
//    `wrangler deploy --dry-run`, the database through Miniflare's local Hyperdrive. Same settings
//    for both. There the outbox delivers through the queue, as deployed (the consumer waits up to
//    max_batch_timeout, 1 s, for a batch to fill). The Cron sweeper is not run: retries go through
//    the queue.
//    The workflow strategy's instances run in the email Worker (its Workflow, REGISTRATION_WORKFLOW),
//    their steps retried after TASK_RETRY_BASE_MS, doubling.
//    A strategy whose route answers 501 `strategy_unavailable` (service-binding, queue and workflow need
//    the email Worker's bindings: on Node) is shown as n/a, not measured.
// 2. Per pass (failure rate 0 and then 0.2, or only `--failure-rate` when given; failures are HTTP 500s
//    from the stand-in), each strategy in turn: `--warmup` registrations (default: as many as `--runs`,
//    not counted) so connection pools fit its load, then `--runs` registrations at `--concurrency`, then a settle
//    window (no outbox task pending or running, then no send to the provider for `--settle` ms, default
//    2000 + latency on Node, 3000 + latency on workerd, where queue retries come back after whole
//    seconds) before counting, so every strategy's background work had its chance.
// 3. Per strategy and pass: response p50/p95; request start → email accepted (p50); emails lost (stored
//    or answered with success, no email accepted); doubled (more than one accepted); answered success
//    but not stored.
// 4. Tables on stdout; compare.md and compare.svg in the output folder; the raw results with `--json`.
//
// COMPARE_WORKERD_LOG=FILE keeps workerd's output (the Workers' JSON log lines) in FILE, e.g. to count
// which strategies logged their failed sends.
//
// Loopback only. Exits 0 unless something crashed (results that miss expectations are reported, not
// fatal); a watchdog (`--timeout` s) ends a run that hangs.
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { outputDir } from '../tools/output.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../tools/postgres.js';
import { type ResendStandIn, startResendStandIn } from '../tools/resend-stand-in.js';
import { positiveInt } from './lib/args.js';
import { renderCompareSvg } from './lib/compare-svg.js';
import {
  type CompareParameters,
  type CompareResults,
  type Expectation,
  type Pass,
  RUNTIMES,
  type Run,
  type Runtime,
  STRATEGIES,
  type StrategyName,
  type StrategyResult,
  type StrategySummary,
} from './lib/compare-types.js';
import { runLoad, type Sample, timedRequest } from './lib/load.js';
import { machine } from './lib/machine.js';
import { progressLine } from './lib/progress.js';
import { runBench } from './lib/run.js';
import { bareAddress, type SendRecorder, startSendRecorder } from './lib/send-recorder.js';
import { startBenchService } from './lib/service.js';
import { ms, round2, summarize } from './lib/stats.js';
import { startBenchWorkers, workersVersion } from './lib/workers.js';

// ---------------------------------------------------------------- parameters

const { values: flags } = parseArgs({
  options: {
    runtime: { type: 'string', default: 'node' },
    runs: { type: 'string', default: '50' },
    latency: { type: 'string', default: '300' },
    'failure-rate': { type: 'string' },
    concurrency: { type: 'string', default: '5' },
    settle: { type: 'string' },
    warmup: { type: 'string' },
    out: { type: 'string' },
    'update-docs': { type: 'boolean' },
    json: { type: 'string' },
    timeout: { type: 'string', default: '600' },
  },
  strict: true,
});

/** `0.2` or `20%`. */
function rate(raw: string): number {
  const text = raw.trim();
  const value = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (text === '' || !Number.isFinite(value) || value < 0 || value > 1)
    throw new Error('--failure-rate must be a share in [0, 1] (0.2) or a percentage (20%)');
  return value;
}

function runtimeFlag(raw: string): Runtime {
  const found = RUNTIMES.find((r) => r === raw);
  if (!found) throw new Error(`--runtime must be one of ${RUNTIMES.join(', ')}`);
  return found;
}

const DEFAULT_FAILURE_RATES = [0, 0.2];
const latencyMs = positiveInt('latency', flags.latency, 0);
const runtime = runtimeFlag(flags.runtime);
// The quiet time that ends a settle window. On workerd a queued email that failed comes back after a
// whole second (Queues' delays) plus up to a second for its batch to fill: a longer quiet time.
const DEFAULT_SETTLE_MS = runtime === 'workerd' ? 3000 : 2000;
const params: CompareParameters = {
  runtime,
  runs: positiveInt('runs', flags.runs),
  latencyMs,
  concurrency: positiveInt('concurrency', flags.concurrency),
  failureRates: flags['failure-rate'] === undefined ? DEFAULT_FAILURE_RATES : [rate(flags['failure-rate'])],
  settleMs: flags.settle === undefined ? DEFAULT_SETTLE_MS + latencyMs : positiveInt('settle', flags.settle, 0),
  // Default: as many as the measured runs (see runPass).
  warmup: flags.warmup === undefined ? positiveInt('runs', flags.runs) : positiveInt('warmup', flags.warmup, 0),
};
const OUT_DIR = flags.out ? resolve(flags.out) : outputDir('compare', 'docs', flags['update-docs']);
/** compare.md / compare.svg for Node; compare-workerd.* for workerd (both live in docs/). */
const BASE_NAME = runtime === 'node' ? 'compare' : `compare-${runtime}`;
const JSON_PATH = flags.json === undefined ? undefined : resolve(flags.json);
const WATCHDOG_MS = positiveInt('timeout', flags.timeout) * 1000;
// Outbox retries are fast here, so its tasks finish within seconds; past this, count what is there.
const TASKS_WAIT_MS = 60_000;
/** Past this a settle window ends even if sends keep coming (queue retries that never stop). */
const QUIET_WAIT_MS = 60_000;

const SERVICE_ENV = {
  EMAIL_RATE_LIMIT_PER_SEC: '1000',
  TASK_RETRY_BASE_MS: '50',
  TASK_RETRY_MAX_MS: '500',
  TASK_SWEEP_INTERVAL_MS: '100',
  TASK_TIMEOUT_MS: '2000',
  TASK_LEASE_MS: '10000',
};

// workerd's output (the Workers' JSON log lines): kept only when COMPARE_WORKERD_LOG names a file.
const WORKERD_LOG_PATH = process.env.COMPARE_WORKERD_LOG;
const workerdLines: string[] = [];
const workerdLog = WORKERD_LOG_PATH ? (line: string) => void workerdLines.push(line) : undefined;

const pct = (r: number) => `${Math.round(r * 1000) / 10} %`;
const sleep = (millis: number) => new Promise((r) => setTimeout(r, millis));

// ---------------------------------------------------------------- measuring

interface Rig {
  db: TestDatabase;
  standIn: ResendStandIn;
  recorder: SendRecorder;
  /** The service's base URL (Node, or the API Worker in Miniflare). */
  url: string;
}

async function unfinishedTasks(db: TestDatabase): Promise<number> {
  const rows = await db.query<{ n: string }>(`SELECT count(*) AS n FROM tasks WHERE status IN ('pending', 'running')`);
  return Number(rows[0]?.n ?? 0);
}

/** When the provider last saw a send start or end (Date.now()), or 0. */
function lastSendActivity(recorder: SendRecorder): number {
  let last = 0;
  for (const s of recorder.sends()) last = Math.max(last, s.startedAt, s.endedAt);
  return last;
}

/**
 * No outbox task pending or running (or TASKS_WAIT_MS passed), then no send started or ended for
 * `quietMs` (or QUIET_WAIT_MS passed): the work no table records — a queued email waiting for its
 * retry, a send still under way — had its chance too. Returns the tasks left.
 */
async function settle(rig: Rig, quietMs: number): Promise<number> {
  const deadline = Date.now() + TASKS_WAIT_MS;
  let left = await unfinishedTasks(rig.db);
  while (left > 0 && Date.now() < deadline) {
    await sleep(50);
    left = await unfinishedTasks(rig.db);
  }
  const quietFrom = Date.now();
  const quietDeadline = quietFrom + QUIET_WAIT_MS;
  while (Date.now() < quietDeadline && Date.now() - Math.max(quietFrom, lastSendActivity(rig.recorder)) < quietMs)
    await sleep(50);
  return unfinishedTasks(rig.db);
}

/**
 * One request to the strategy's route: a 501 `strategy_unavailable` means its binding is missing here
 * (the Workers-only strategies on Node). Returns why it is unavailable, or undefined.
 */
async function unavailable(url: string, email: string): Promise<string | undefined> {
  const probe = await timedRequest(url, email, 0);
  if (probe.status !== 501 || !probe.error?.includes('strategy_unavailable')) return undefined;
  return 'Workers only';
}

const ok = (status: number) => status >= 200 && status < 300;

function summarizeRuns(runs: Run[]): StrategySummary {
  const statuses: Record<string, number> = {};
  for (const r of runs) statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
  const response = summarize(runs.map((r) => r.responseMs));
  const email = summarize(runs.flatMap((r) => (r.emailMs === null ? [] : [r.emailMs])));
  return {
    runs: runs.length,
    statuses,
    responseP50: round2(response.p50),
    responseP95: round2(response.p95),
    emailP50: round2(email.p50),
    emailP95: round2(email.p95),
    delivered: runs.filter((r) => r.acceptedEmails === 1).length,
    lost: runs.filter((r) => (r.stored || ok(r.status)) && r.acceptedEmails === 0).length,
    doubled: runs.filter((r) => r.acceptedEmails > 1).length,
    answeredNotStored: runs.filter((r) => ok(r.status) && !r.stored).length,
    storedButAnsweredError: runs.filter((r) => r.stored && !ok(r.status)).length,
    sendAttempts: runs.reduce((n, r) => n + r.sends.length, 0),
    sendsCutOff: runs.reduce((n, r) => n + r.sends.filter((a) => a.status === 0).length, 0),
  };
}

/** Joins the answers with the database, the provider's accepted emails and the recorded sends. */
async function collectRuns(rig: Rig, samples: Sample[]): Promise<Run[]> {
  const emails = samples.map((s) => s.email.toLowerCase());
  const storedRows = await rig.db.query<{ email: string }>(
    `SELECT email_normalized AS email FROM registrations WHERE email_normalized = ANY($1::text[])`,
    [emails],
  );
  const stored = new Set(storedRows.map((r) => r.email));
  const wanted = new Set(emails);
  const accepted = new Map<string, number[]>();
  for (const e of rig.standIn.accepted()) {
    for (const to of e.to.map(bareAddress)) {
      if (wanted.has(to)) accepted.set(to, [...(accepted.get(to) ?? []), e.createdAt]);
    }
  }
  const sends = new Map<string, { startedAt: number; endedAt: number; status: number }[]>();
  for (const s of rig.recorder.sends()) {
    for (const to of s.to) if (wanted.has(to)) sends.set(to, [...(sends.get(to) ?? []), s]);
  }
  return samples.map((s, index) => {
    const email = s.email.toLowerCase();
    const times = accepted.get(email) ?? [];
    const first = times.length ? Math.min(...times) : undefined;
    return {
      index,
      email,
      startedAt: s.startedAtEpochMs,
      responseMs: round2(s.durationMs) ?? 0,
      status: s.status,
      stored: stored.has(email),
      acceptedEmails: times.length,
      emailMs: first === undefined ? null : first - s.startedAtEpochMs,
      sends: (sends.get(email) ?? []).map((a) => ({
        startMs: a.startedAt - s.startedAtEpochMs,
        endMs: a.endedAt - s.startedAtEpochMs,
        status: a.status,
      })),
    };
  });
}

async function runPass(rig: Rig, runId: string, failureRate: number, passNo: number): Promise<Pass> {
  rig.standIn.setFaults({ error500: failureRate });
  const label = `pass ${passNo}/${params.failureRates.length} (${pct(failureRate)} failures)`;
  const strategies: StrategyResult[] = [];
  let unfinished = 0;
  for (const strategy of STRATEGIES) {
    const line = progressLine();
    const head = `${label}  ${strategy.name.padEnd(16)}`;
    const route = rig.url + strategy.route;
    const why = await unavailable(route, `${runId}-p${passNo}-probe-${strategy.name}@example.com`);
    if (why) {
      strategies.push({
        strategy: strategy.name,
        route: strategy.route,
        unavailable: why,
        summary: summarizeRuns([]),
        runs: [],
      });
      line.done(`${head} n/a (${why}: its route answers 501 strategy_unavailable here)`);
      continue;
    }
    if (params.warmup > 0) {
      // Warm this strategy up with its own load first: connection pools (service → provider) grow to what
      // its background sends need, so no strategy pays for the previous one's smaller pool.
      const warm = Array.from(
        { length: params.warmup },
        (_, i) => `${runId}-p${passNo}-warm-${strategy.name}-${i}@example.com`,
      );
      await runLoad(route, warm, params.concurrency, 0, (_, done) =>
        line.update(`${head} warm-up ${done}/${params.warmup}`),
      );
      line.update(`${head} warm-up done, waiting for its emails…`, true);
      // Node: its sends end within the latency. Workerd: queued ones wait for their batch (up to 1 s) too.
      await settle(rig, latencyMs + (params.runtime === 'workerd' ? 1500 : 200));
    }
    const emails = Array.from(
      { length: params.runs },
      (_, i) => `${runId}-p${passNo}-${strategy.name}-${i}@example.com`,
    );
    const { samples } = await runLoad(route, emails, params.concurrency, passNo * 100_000, (_, done) =>
      line.update(`${head} ${done}/${params.runs}`, done === params.runs),
    );
    line.update(`${head} ${params.runs}/${params.runs}  settling…`, true);
    const settleStart = performance.now();
    const left = await settle(rig, params.settleMs);
    unfinished = Math.max(unfinished, left);
    const runs = await collectRuns(rig, samples);
    const summary = summarizeRuns(runs);
    strategies.push({ strategy: strategy.name, route: strategy.route, summary, runs });
    line.done(
      `${head} ${params.runs}/${params.runs}  p50 ${ms(summary.responseP50 ?? Number.NaN)} ms, lost ${summary.lost}, doubled ${summary.doubled}` +
        ` (settled in ${((performance.now() - settleStart) / 1000).toFixed(1)} s${left ? `, ${left} tasks unfinished` : ''})`,
    );
  }
  rig.standIn.setFaults({});
  return { failureRate, unfinishedTasks: unfinished, strategies };
}

// ---------------------------------------------------------------- expectations

function expectations(passes: Pass[], runtime: Runtime): Expectation[] {
  /** The strategy's summary in this pass; undefined when it could not run here (n/a). */
  const get = (pass: Pass, name: StrategyName) => {
    const found = pass.strategies.find((s) => s.strategy === name);
    return found && !found.unavailable ? found.summary : undefined;
  };
  const list: Expectation[] = [];
  const each = (
    name: StrategyName,
    what: string,
    pick: (s: StrategySummary) => number,
    test: (n: number) => boolean,
  ) => {
    const values = passes.flatMap((p) => {
      const s = get(p, name);
      return s ? [{ p, n: pick(s) }] : [];
    });
    if (values.length === 0) return; // not measured on this runtime
    list.push({
      claim: `${name}: ${what}`,
      met: values.every((v) => test(v.n)),
      detail: values.map((v) => `${pct(v.p.failureRate)}: ${v.n}`).join(', '),
    });
  };
  const none = (n: number) => n === 0;
  each('fire-and-forget', 'never doubles', (s) => s.doubled, none);
  each('parallel', 'never doubles', (s) => s.doubled, none);
  each('outbox', 'loses nothing', (s) => s.lost, none);
  each('outbox', 'doubles nothing', (s) => s.doubled, none);
  each('service-binding', 'never doubles', (s) => s.doubled, none);
  // Once enqueued, Queues retries the email; its registration id is the Idempotency-Key.
  each('queue', 'loses nothing', (s) => s.lost, none);
  each('queue', 'doubles nothing', (s) => s.doubled, none);
  // The Workflow retries its steps; the store step finds its own row, the send step reuses its key.
  each('workflow', 'loses nothing', (s) => s.lost, none);
  each('workflow', 'doubles nothing', (s) => s.doubled, none);
  for (const pass of passes) {
    if (pass.failureRate === 0) {
      // On Workers the runtime may cancel fire-and-forget's send after the answer: its losses at 0 %
      // are what this runtime did to it, reported rather than expected either way.
      const mayLose = runtime === 'workerd' ? new Set<string>(['fire-and-forget']) : new Set<string>();
      const lost = pass.strategies.filter((s) => s.summary.lost > 0 && !mayLose.has(s.strategy));
      const ff = get(pass, 'fire-and-forget');
      list.push({
        claim:
          runtime === 'workerd'
            ? 'at 0 % failures no strategy but fire-and-forget loses an email'
            : 'at 0 % failures no strategy loses an email',
        met: lost.length === 0,
        detail:
          (lost.length ? lost.map((s) => `${s.strategy} ${s.summary.lost}`).join(', ') : 'none lost') +
          (mayLose.size && ff ? `; fire-and-forget lost ${ff.lost} of ${ff.runs}` : ''),
      });
    } else {
      const lossy: StrategyName[] = ['sequential', 'fire-and-forget', 'wait-until', 'parallel', 'service-binding'];
      for (const name of lossy) {
        const s = get(pass, name);
        if (!s) continue;
        list.push({
          claim: `${name} loses emails at ${pct(pass.failureRate)} failures`,
          met: s.lost > 0,
          detail: `${s.lost} of ${s.runs} lost`,
        });
      }
      const seq = get(pass, 'sequential') as StrategySummary;
      list.push({
        claim: `sequential answers 502 for exactly the emails it lost (${pct(pass.failureRate)})`,
        met: (seq.statuses['502'] ?? 0) === seq.lost && seq.storedButAnsweredError === seq.lost,
        detail: `${seq.statuses['502'] ?? 0} × 502, ${seq.lost} lost, ${seq.storedButAnsweredError} stored but answered an error`,
      });
    }
  }
  return list;
}

// ---------------------------------------------------------------- report

const cell = (v: number | null) => (v === null ? '–' : ms(v));

function statusText(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, n]) => `${n}× ${status === '0' ? 'none' : status}`)
    .join(', ');
}

/** A Markdown table with padded columns: readable on a terminal as well as rendered. */
function table(header: string[], rows: string[][], right: boolean[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((v, c) => (right[c] ? v.padStart(widths[c] ?? 0) : v.padEnd(widths[c] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (right[c] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)];
}

function passTable(pass: Pass): string[] {
  return table(
    [
      'strategy',
      'answers',
      'response p50 ms',
      'response p95 ms',
      'email accepted p50 ms',
      'lost',
      'doubled',
      'answered, not stored',
      'sends',
    ],
    pass.strategies.map(({ strategy, unavailable, summary: s }) =>
      unavailable
        ? [strategy, `n/a (${unavailable})`, '–', '–', '–', '–', '–', '–', '–']
        : [
            strategy,
            statusText(s.statuses),
            cell(s.responseP50),
            cell(s.responseP95),
            cell(s.emailP50),
            String(s.lost),
            String(s.doubled),
            String(s.answeredNotStored),
            s.sendsCutOff ? `${s.sendAttempts} (${s.sendsCutOff} cut off)` : String(s.sendAttempts),
          ],
    ),
    [false, false, true, true, true, true, true, true, true],
  );
}

function markdown(results: CompareResults): string {
  const { machine: m, parameters: p } = results;
  const workerd = p.runtime === 'workerd';
  const service = workerd
    ? `Service: the API Worker and the email Worker (bundles from \`wrangler deploy --dry-run\`) in one Miniflare, ${results.service}; ` +
      'the API Worker reaches PostgreSQL 15 on loopback through the local Hyperdrive binding and calls the email Worker over the Service Binding EMAIL ' +
      '(service-binding) and the queue EMAIL_QUEUE (queue, and the outbox: its tasks are announced to the queue and sent by the consumer, ' +
      'max_batch_size 100, max_batch_timeout 1 s, max_retries 10, as in wrangler.email.jsonc; the Cron sweeper is not run, retries go through the queue), ' +
      "and creates the workflow strategy's instances through REGISTRATION_WORKFLOW (the Workflow in the email Worker: a store step, then a send step, " +
      'each retried after TASK_RETRY_BASE_MS, doubling, up to TASK_MAX_ATTEMPTS attempts). '
    : 'Service: the Node service, PostgreSQL 15 on loopback. ';
  const out = [
    `# Strategies compared${workerd ? ' in workerd' : ''}: response time and what reaches the runner`,
    '',
    `![Waterfall of a typical request per strategy, and response time and lost emails per strategy](${BASE_NAME}.svg)`,
    '',
    `Generated by \`npm run compare -- --runtime ${p.runtime}\` on ${m.date}: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}. ` +
      `Run took ${results.runSeconds.toFixed(1)} s; load average (1 min) ${results.loadAverage.map((l) => l.toFixed(1)).join(' at the start, ')} at the end ` +
      '(on a shared machine other work competes for the CPU: the higher the load, the more the times are inflated).',
    '',
    `Parameters: ${p.runs} runs per strategy and pass; Resend stand-in latency ${p.latencyMs} ms; concurrency ${p.concurrency}; ` +
      `provider failures (HTTP 500) per pass: ${p.failureRates.map(pct).join(', ')}; ${p.warmup} warm-up requests per strategy and pass, right before its measured runs (not counted); ` +
      `settle window: until no outbox task is pending or running, then until no send started or ended for ${p.settleMs} ms. ` +
      `${service}Settings: ${Object.entries(SERVICE_ENV)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}, RATE_LIMIT_PER_MINUTE=0, STRATEGY_ROUTES=on${workerd ? ', DEV_MODE=0' : ''}. ` +
      (workerd
        ? 'Client, stand-in, recording pass-through and Miniflare share one Node process; workerd runs beside it.'
        : 'Client, service, stand-in and the recording pass-through share one Node process.'),
    '',
  ];
  for (const pass of results.passes) {
    out.push(`## ${pct(pass.failureRate)} provider failures`, '', ...passTable(pass), '');
    if (pass.unfinishedTasks) out.push(`**${pass.unfinishedTasks} outbox tasks were still unfinished.**`, '');
  }
  out.push(
    '## Expectations',
    '',
    ...table(
      ['claim', 'met', 'measured'],
      results.expectations.map((e) => [e.claim, e.met ? 'yes' : '**no**', e.detail]),
      [false, false, false],
    ),
    '',
    '## How it is measured',
    '',
    '- **response**: request start → the whole answer read, at the client.',
    "- **email accepted**: request start → the stand-in's `createdAt` of the first email accepted for that runner (delivered runners only).",
    "- **lost**: a registration stored in the database, or answered with success (parallel answers before it stores), for which no email was accepted by the end of the settle window. Sequential's 502 `email_failed` answers are lost emails of stored registrations.",
    '- **doubled**: runners with more than one accepted email.',
    "- **answered, not stored**: answered 2xx, but no registration row after the settle window (parallel's weakness; with unique emails and the database up it does not happen here).",
    '- **sends**: POST /emails the service made for these runners, retries included (recorded by a pass-through in front of the stand-in). **Cut off**: the service hung up before the provider answered (the pass-through then drops its upstream request, but a request the stand-in has received in full is still carried out, as an HTTP server does: its email is accepted unless that send was drawn to fail).',
    '- "Loses emails at 20 % failures" is a matter of chance: with 50 runs a strategy that drops every failed send loses none with probability 0.8^50 ≈ 0.0014 %; with 10 runs, 11 %.',
    "- **n/a**: the route answered 501 `strategy_unavailable`: service-binding, queue and workflow need the email Worker's bindings, which only the Workers have (`npm run compare -- --runtime workerd`).",
    "- Every runner has a unique email. The waterfall shows the run whose response time is closest to the pass's p50; its lower lane the same among the runs whose first send failed and that had the fewest failed sends.",
    '',
  );
  return out.join('\n');
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  await requirePostgres('npm run compare');
  const runStart = performance.now();
  const loadAtStart = loadavg()[0] ?? 0;
  const runId = `c${Date.now().toString(36)}`;
  const info = machine();
  console.log(
    `finishline strategies compared — ${info.cpu}, ${info.cores} cores, Node ${info.node}\n` +
      `${params.runs} runs per strategy, provider latency ${params.latencyMs} ms, concurrency ${params.concurrency}, ` +
      `failures ${params.failureRates.map(pct).join(' then ')}\n`,
  );

  const db = await createTestDatabase('fl_compare');
  let standIn: ResendStandIn | undefined;
  let recorder: SendRecorder | undefined;
  let service: { url: string; stop(): Promise<void> } | undefined;
  try {
    standIn = await startResendStandIn({ latencyMs: params.latencyMs });
    recorder = await startSendRecorder(standIn.url);
    const provider = { url: recorder.url, apiKey: standIn.apiKey };
    if (params.runtime === 'workerd') {
      console.log('building both Workers (wrangler deploy --dry-run) and starting them in Miniflare…');
      service = await startBenchWorkers(db.url, provider, SERVICE_ENV, workerdLog);
    } else service = await startBenchService(db.url, provider, SERVICE_ENV);
    const rig: Rig = { db, standIn, recorder, url: service.url };

    const passes: Pass[] = [];
    for (const [k, failureRate] of params.failureRates.entries())
      passes.push(await runPass(rig, runId, failureRate, k + 1));
    await service.stop();
    service = undefined;

    const results: CompareResults = {
      machine: info,
      service: params.runtime === 'workerd' ? workersVersion() : `Node ${info.node}`,
      loadAverage: [round2(loadAtStart) ?? 0, round2(loadavg()[0] ?? 0) ?? 0],
      parameters: params,
      runSeconds: round2((performance.now() - runStart) / 1000) ?? 0,
      passes,
      expectations: expectations(passes, params.runtime),
    };
    for (const pass of passes) {
      console.log(`\n${pct(pass.failureRate)} provider failures\n`);
      console.log(passTable(pass).join('\n'));
    }
    console.log('\nexpectations');
    for (const e of results.expectations) console.log(`  ${e.met ? 'ok  ' : 'MISS'} ${e.claim} (${e.detail})`);

    await mkdir(OUT_DIR, { recursive: true });
    const mdPath = join(OUT_DIR, `${BASE_NAME}.md`);
    const svgPath = join(OUT_DIR, `${BASE_NAME}.svg`);
    await writeFile(mdPath, markdown(results));
    await writeFile(svgPath, renderCompareSvg(results));
    const written = [mdPath, svgPath];
    if (JSON_PATH) {
      await mkdir(dirname(JSON_PATH), { recursive: true });
      await writeFile(JSON_PATH, `${JSON.stringify(results, null, 2)}\n`);
      written.push(JSON_PATH);
    }
    if (WORKERD_LOG_PATH) {
      await writeFile(WORKERD_LOG_PATH, `${workerdLines.join('\n')}\n`);
      written.push(WORKERD_LOG_PATH);
    }
    console.log(`\nwrote ${written.join(', ')} in ${results.runSeconds.toFixed(1)} s`);
    return 0;
  } finally {
    await service?.stop().catch(() => {});
    await recorder?.close().catch(() => {});
    await standIn?.close().catch(() => {});
    await db.drop().catch((error) => console.error(`could not drop ${db.name}: ${String(error)}`));
  }
}

runBench('compare', main, WATCHDOG_MS);
