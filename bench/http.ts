// Benchmark (not a test): the project's HTTP throughput against a bare Hono + node-postgres service
// running the same SQL (bench/reference/bare-service.ts), side by side in one run (issue 13).
//
//   npm run bench:http [-- --duration 10 --rounds 3 --connections 32 --count 2000 --settle 30 --cpu-prof
//                          --route outbox|wait-until --bare-client fetch|node-http]
//
// 1. Both services are built with esbuild into out/http/build/ and run with plain node as child
//    processes of their own (no tsx loader measured; RSS per service), each against its own fresh
//    PostgreSQL database and its own Resend stand-in (zero latency, in this process). The project runs
//    with EMAIL_RATE_LIMIT_PER_SEC=0, RATE_LIMIT_PER_MINUTE=0 and STRATEGY_ROUTES=on.
// 2. Load: autocannon (on a worker thread, so the stand-ins keep this thread), `--connections`
//    connections, `--duration` s per chunk, interleaved rounds (project, bare, project, bare, … with
//    the order alternating by round) on POST /api/registrations and POST /api/marathon-waituntil. Every
//    request has its own email (autocannon's [<id>] replacement). After each chunk the bench waits until
//    that service's stand-in accepted every email of it, so background sends do not bleed into the next
//    chunk. Per chunk, the CPU time the service and PostgreSQL used (background sends included) per
//    2xx answer: on this machine the service and the database share 2 cores, so requests/s follow it.
//    Memory: each service's RSS right after the last chunk, and again after `--settle` s without load.
// 3. Database work: `--count` outbox registrations per side again, through a counting proxy in front
//    of PostgreSQL (bench/lib/pg-counting-proxy.ts): statements and round trips per registration and
//    per delivered email, by kind.
// 4. A table on stdout, and http.{json,md} in out/http/ (or the committed bench/results/ with
//    --update-docs); http-bare-node-http.{json,md} when the bare reference sends with node:http
//    (`--bare-client node-http`, as the project does) instead of fetch. `--cpu-prof` also writes a V8 CPU profile of each service (timed phase) to
//    out/http/profiles/<project|bare>/. Needs PostgreSQL (127.0.0.1:5432 or TEST_POSTGRES_URL).
//
// Loopback only, 2 cores shared by load generator, stand-ins, both services and PostgreSQL: read the
// ratio between the two, not the absolute numbers. Exits 0 unless something crashed.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { DEFAULT_RACE } from '../src/domain/race.js';
import { OUT_ROOT, outputDir } from '../tools/output.js';
import { createTestDatabase, POSTGRES_ADMIN_URL, requirePostgres, type TestDatabase } from '../tools/postgres.js';
import { type ResendStandIn, startResendStandIn } from '../tools/resend-stand-in.js';
import { positiveInt } from './lib/args.js';
import { postgresCpuMsBetween, postgresCpuTicks, processCpuMs } from './lib/cpu-time.js';
import { machine } from './lib/machine.js';
import { type CountingProxy, startCountingProxy } from './lib/pg-counting-proxy.js';
import { runBench } from './lib/run.js';
import {
  peakRssMiB,
  rssMiB,
  type ServiceProcess,
  START_NODE_FLAGS,
  startServiceProcess,
} from './lib/service-process.js';
import { round2 } from './lib/stats.js';
import { type Target, targetsSection } from './lib/targets.js';

// ---------------------------------------------------------------- parameters

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '3' },
    count: { type: 'string', default: '2000' },
    settle: { type: 'string', default: '30' },
    // Development: one route only (outbox or wait-until); the report then covers only that one.
    route: { type: 'string' },
    // The bare reference's email client: fetch (a plain implementation's choice) or node-http (the
    // project's: keep-alive node:http), to see what the project's own work costs beside the client.
    'bare-client': { type: 'string', default: 'fetch' },
    'cpu-prof': { type: 'boolean' },
    'update-docs': { type: 'boolean' },
  },
  strict: true,
});

const params = {
  durationS: positiveInt('duration', flags.duration),
  rounds: positiveInt('rounds', flags.rounds),
  connections: positiveInt('connections', flags.connections),
  warmupS: positiveInt('warmup', flags.warmup, 0),
  count: positiveInt('count', flags.count, 0),
  settleS: positiveInt('settle', flags.settle, 0),
};

if (flags['bare-client'] !== 'fetch' && flags['bare-client'] !== 'node-http')
  throw new Error('--bare-client must be fetch or node-http');
const BARE_CLIENT = flags['bare-client'];
/** Result files: http.{md,json}, or http-bare-node-http.{md,json} for the other client. */
const RESULTS_NAME = BARE_CLIENT === 'fetch' ? 'http' : `http-bare-${BARE_CLIENT}`;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = outputDir('http', join(ROOT, 'bench', 'results'), flags['update-docs']);
// Three levels below the root, as src/adapters/db/ is: the bundle finds ../../../migrations and node_modules.
const BUILD_DIR = resolve(ROOT, OUT_ROOT, 'http', 'build');
const LOG_DIR = resolve(ROOT, OUT_ROOT, 'http', 'logs');
const PROFILE_DIR = resolve(ROOT, OUT_ROOT, 'http', 'profiles');
const WATCHDOG_MS = 20 * 60_000;
const EMAIL_WAIT_MS = 60_000;
const CAP = 2_000_000_000;

const ALL_ROUTES = [
  { name: 'outbox', path: '/api/registrations' },
  { name: 'wait-until', path: '/api/marathon-waituntil' },
] as const;
type RouteName = (typeof ALL_ROUTES)[number]['name'];
const ROUTES = ALL_ROUTES.filter((r) => flags.route === undefined || r.name === flags.route);
if (ROUTES.length === 0) throw new Error('--route must be outbox or wait-until');
type SideName = 'project' | 'bare';

// ---------------------------------------------------------------- build

/** Both services as esbuild bundles (npm packages stay external, resolved from the root's node_modules). */
async function buildServices() {
  await mkdir(BUILD_DIR, { recursive: true });
  const entries = {
    project: join(ROOT, 'src', 'runtime', 'node', 'main.ts'),
    bare: join(ROOT, 'bench', 'reference', 'bare-service.ts'),
  };
  for (const [name, entry] of Object.entries(entries)) {
    await build({
      entryPoints: [entry],
      outfile: join(BUILD_DIR, `${name}.mjs`),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      logLevel: 'warning',
    });
  }
  return { project: join(BUILD_DIR, 'project.mjs'), bare: join(BUILD_DIR, 'bare.mjs') };
}

// ---------------------------------------------------------------- sides

interface Side {
  name: SideName;
  db: TestDatabase;
  standIn: ResendStandIn;
  bundle: string;
  service?: ServiceProcess;
  /** Emails this side's answers promised (2xx on either route), so far. */
  expectedEmails: number;
  emailWaitTimeouts: number;
}

function envFor(side: Side, databaseUrl: string, racePath: string): Record<string, string> {
  const common = {
    DATABASE_URL: databaseUrl,
    RESEND_API_KEY: side.standIn.apiKey,
    RESEND_BASE_URL: side.standIn.url,
    HOST: '127.0.0.1',
  };
  if (side.name === 'bare') return { ...common, RACE_ID: DEFAULT_RACE.id, CAP: String(CAP), BARE_CLIENT };
  return {
    ...common,
    RACE_CONFIG: racePath,
    EMAIL_RATE_LIMIT_PER_SEC: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    STRATEGY_ROUTES: 'on',
    ADMIN_TOKEN: randomBytes(32).toString('hex'),
  };
}

async function startSide(side: Side, databaseUrl: string, racePath: string, label: string, profile = false) {
  await mkdir(LOG_DIR, { recursive: true });
  // The project runs with the Node flags `npm start` gives it; the bare reference with Node's defaults.
  const flags = side.name === 'project' ? START_NODE_FLAGS : [];
  const profiling = profile ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE_DIR, side.name)}`] : [];
  const args = [...flags, ...profiling, side.bundle];
  return startServiceProcess(envFor(side, databaseUrl, racePath), join(LOG_DIR, `${side.name}-${label}.log`), {
    args,
  });
}

async function waitForEmails(side: Side): Promise<void> {
  try {
    await side.standIn.waitForAccepted(side.expectedEmails, EMAIL_WAIT_MS);
  } catch {
    side.emailWaitTimeouts++;
  }
}

// ---------------------------------------------------------------- load

interface Chunk {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  p50: number;
  p99: number;
  rps: number;
  /** The service's CPU time over the chunk and its background sends, per 2xx answer (µs). */
  cpuUsPerOk: number;
  /** PostgreSQL's CPU time (all its processes) over the same span, per 2xx answer (µs). */
  pgCpuUsPerOk: number;
}

function registrationTemplate(): string {
  // [<id>] becomes a unique id per request (autocannon's idReplacement): one runner per request.
  return JSON.stringify({
    firstName: 'Bench',
    lastName: 'Runner',
    email: 'http-[<id>]@example.com',
    address: '1 Benchmark Lane',
    distance: 'half',
  });
}

async function load(url: string, durationS: number): Promise<Omit<Chunk, 'cpuUsPerOk' | 'pgCpuUsPerOk'>> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: registrationTemplate(),
    idReplacement: true,
    connections: params.connections,
    duration: durationS,
    // A thread of its own: the stand-ins on this thread must not wait for the load generator.
    workers: 1,
    timeout: 30,
  });
  const ok = result['2xx'];
  return {
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: ok / result.duration,
  };
}

// ---------------------------------------------------------------- phases

type Chunks = Record<SideName, Record<RouteName, Chunk[]>>;

async function measure(sides: Record<SideName, Side>): Promise<Chunks> {
  const chunks: Chunks = {
    project: { outbox: [], 'wait-until': [] },
    bare: { outbox: [], 'wait-until': [] },
  };
  const run = async (side: Side, route: (typeof ALL_ROUTES)[number], durationS: number): Promise<Chunk> => {
    const pid = side.service?.pid as number;
    const cpuBefore = await processCpuMs(pid);
    const pgBefore = await postgresCpuTicks();
    const chunk = await load(`${side.service?.url}${route.path}`, durationS);
    side.expectedEmails += chunk.ok;
    // Not timed: this chunk's background sends finish before the next chunk starts. Their CPU time
    // counts: it is part of each registration's work.
    await waitForEmails(side);
    const cpuAfter = await processCpuMs(pid);
    const pgMs = postgresCpuMsBetween(pgBefore, await postgresCpuTicks());
    const cpu = cpuBefore === undefined || cpuAfter === undefined ? Number.NaN : cpuAfter - cpuBefore;
    const perOk = (ms: number) => (chunk.ok > 0 ? (ms * 1000) / chunk.ok : Number.NaN);
    return { ...chunk, cpuUsPerOk: perOk(cpu), pgCpuUsPerOk: perOk(pgMs) };
  };
  if (params.warmupS > 0) {
    for (const route of ROUTES) {
      for (const side of [sides.project, sides.bare]) await run(side, route, params.warmupS);
    }
    process.stderr.write('  warm-up done\n');
  }
  for (let round = 0; round < params.rounds; round++) {
    for (const route of ROUTES) {
      const order = round % 2 === 0 ? [sides.project, sides.bare] : [sides.bare, sides.project];
      for (const side of order) {
        const chunk = await run(side, route, params.durationS);
        chunks[side.name][route.name].push(chunk);
        process.stderr.write(
          `  round ${round + 1}/${params.rounds} ${route.name} ${side.name}: ${chunk.rps.toFixed(0)}/s, p50 ${chunk.p50} ms, p99 ${chunk.p99} ms, CPU ${chunk.cpuUsPerOk.toFixed(0)} µs/answer (PostgreSQL ${chunk.pgCpuUsPerOk.toFixed(0)})${chunk.non2xx + chunk.errors ? `, ${chunk.non2xx} non-2xx, ${chunk.errors} errors` : ''}\n`,
        );
      }
    }
  }
  return chunks;
}

/** Over the rounds: requests/s from the totals; p50 and p99 the median of the rounds' values. */
function aggregate(list: Chunk[]) {
  const sum = (f: (c: Chunk) => number) => list.reduce((s, c) => s + f(c), 0);
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  };
  return {
    requests: sum((c) => c.requests),
    ok: sum((c) => c.ok),
    non2xx: sum((c) => c.non2xx),
    errors: sum((c) => c.errors),
    timeouts: sum((c) => c.timeouts),
    rps: sum((c) => c.ok) / sum((c) => c.durationS),
    cpuUsPerOk: sum((c) => c.cpuUsPerOk * c.ok) / sum((c) => c.ok),
    pgCpuUsPerOk: sum((c) => c.pgCpuUsPerOk * c.ok) / sum((c) => c.ok),
    p50: median(list.map((c) => c.p50)),
    p99: median(list.map((c) => c.p99)),
    roundRps: list.map((c) => Math.round(c.rps)),
    roundP99: list.map((c) => c.p99),
  };
}
type Aggregate = ReturnType<typeof aggregate>;

/** `--count` outbox registrations through a counting proxy, on a fresh process of each side. */
async function countStatements(side: Side, racePath: string, proxy: CountingProxy) {
  const url = new URL(side.db.url);
  url.host = `127.0.0.1:${proxy.port}`;
  const service = await startSide(side, url.toString(), racePath, 'count');
  try {
    proxy.reset(); // start-up (migrations, the first sweep) is not the registrations' work
    const acceptedBefore = side.standIn.acceptedCount();
    const requestsBefore = side.standIn.requestCount();
    const result = await autocannon({
      url: `${service.url}/api/registrations`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: registrationTemplate(),
      idReplacement: true,
      connections: params.connections,
      amount: params.count,
      workers: 1,
      timeout: 30,
    });
    const registered = result['2xx'];
    side.expectedEmails = acceptedBefore + registered;
    await waitForEmails(side);
    // The last completion writes follow the last accepted send: give them a moment, then stop the
    // service (graceful: it drains its work first).
    await new Promise((r) => setTimeout(r, 500));
    await service.stop(15_000);
    const counts = proxy.counts();
    return {
      registered,
      delivered: side.standIn.acceptedCount() - acceptedBefore,
      providerRequests: side.standIn.requestCount() - requestsBefore,
      counts,
    };
  } finally {
    if (!service.exit()) await service.stop(5000);
  }
}
type Counted = Awaited<ReturnType<typeof countStatements>>;

// ---------------------------------------------------------------- report

const f0 = (v: number) => v.toFixed(0);
const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);

function resultTable(results: Record<SideName, Record<RouteName, Aggregate>>, rss: Record<SideName, Rss>): string[] {
  const lines = [
    '| route | service | requests/s | ×bare | p50 ms | p99 ms | ×bare p99 | CPU µs per answer: service · PostgreSQL | non-2xx | errors | RSS MiB: after · idle (peak) |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const route of ROUTES) {
    for (const side of ['project', 'bare'] as const) {
      const r = results[side][route.name];
      const b = results.bare[route.name];
      lines.push(
        `| ${route.path} | ${side} | ${f0(r.rps)} | ${ratio(r.rps, b.rps).toFixed(2)} | ${r.p50} | ${r.p99} | ${ratio(r.p99, b.p99).toFixed(2)} | ${f0(r.cpuUsPerOk)} · ${f0(r.pgCpuUsPerOk)} | ${r.non2xx} | ${r.errors + r.timeouts} | ${rss[side].after ?? '–'} · ${rss[side].settled ?? '–'} (${rss[side].peak ?? '–'}) |`,
      );
    }
  }
  return lines;
}

function countsTable(counted: Record<SideName, Counted>): string[] {
  const kinds = new Set([...Object.keys(counted.project.counts.byKind), ...Object.keys(counted.bare.counts.byKind)]);
  const per = (n: number, d: number) => (d > 0 ? (n / d).toFixed(3) : '–');
  const lines = [
    '| | project | bare |',
    '|---|--:|--:|',
    `| registrations answered 2xx | ${counted.project.registered} | ${counted.bare.registered} |`,
    `| emails accepted by the provider | ${counted.project.delivered} | ${counted.bare.delivered} |`,
    `| provider requests | ${counted.project.providerRequests} | ${counted.bare.providerRequests} |`,
    `| statements per registration | ${per(counted.project.counts.statements, counted.project.registered)} | ${per(counted.bare.counts.statements, counted.bare.registered)} |`,
    `| round trips per registration | ${per(counted.project.counts.roundTrips, counted.project.registered)} | ${per(counted.bare.counts.roundTrips, counted.bare.registered)} |`,
    `| statements parsed per registration (not prepared) | ${per(counted.project.counts.parses, counted.project.registered)} | ${per(counted.bare.counts.parses, counted.bare.registered)} |`,
    `| statements per delivered email | ${per(counted.project.counts.statements, counted.project.delivered)} | ${per(counted.bare.counts.statements, counted.bare.delivered)} |`,
  ];
  for (const kind of [...kinds].sort()) {
    lines.push(
      `| · ${kind} (total) | ${counted.project.counts.byKind[kind] ?? 0} | ${counted.bare.counts.byKind[kind] ?? 0} |`,
    );
  }
  return lines;
}

interface Rss {
  /** Right after the last round (its background sends done). */
  after: number | undefined;
  /** After `--settle` s without load: V8 gives unused heap back once a process has been idle a while. */
  settled: number | undefined;
  peak: number | undefined;
}

function targets(results: Record<SideName, Record<RouteName, Aggregate>>, rss: Rss): Target[] {
  const goals: Target[] = [];
  for (const route of ROUTES) {
    const p = results.project[route.name];
    const b = results.bare[route.name];
    goals.push({
      target: `${route.path}: requests/s ≥ 1.0× the bare reference`,
      measured: `${f0(p.rps)} vs ${f0(b.rps)} (${ratio(p.rps, b.rps).toFixed(2)}×)`,
      met: p.rps >= b.rps,
    });
    goals.push({
      target: `${route.path}: p99 ≤ 1.5× the bare reference`,
      measured: `${p.p99} vs ${b.p99} ms (${ratio(p.p99, b.p99).toFixed(2)}×)`,
      met: p.p99 <= 1.5 * b.p99,
    });
    goals.push({
      target: `${route.path}: no errors, no non-2xx`,
      measured: `${p.non2xx} non-2xx, ${p.errors + p.timeouts} errors`,
      met: p.non2xx + p.errors + p.timeouts === 0,
    });
  }
  const underMb = (mib: number | undefined) => mib !== undefined && mib * 1.048576 <= 150;
  goals.push({
    target: 'project service RSS right after the run ≤ 150 MB',
    measured: `${rss.after ?? '–'} MiB (peak ${rss.peak ?? '–'} MiB)`,
    met: underMb(rss.after),
  });
  if (rss.settled !== undefined) {
    goals.push({
      target: `project service RSS after the run, once idle ${params.settleS} s, ≤ 150 MB`,
      measured: `${rss.settled} MiB`,
      met: underMb(rss.settled),
    });
  }
  return goals;
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  await requirePostgres('npm run bench:http');
  const runStart = performance.now();
  const info = machine();
  console.log(
    `finishline HTTP benchmark — ${info.cpu}, ${info.cores} cores, Node ${info.node}\n` +
      `${params.rounds} rounds of ${params.durationS} s per route and service, ${params.connections} connections, warm-up ${params.warmupS} s, count ${params.count}`,
  );
  const loadAtStart = os.loadavg()[0] as number;
  const bundles = await buildServices();
  const raceDir = await mkdtemp(join(os.tmpdir(), 'finishline-http-'));
  const racePath = join(raceDir, 'race.json');
  await writeFile(
    racePath,
    JSON.stringify({ ...DEFAULT_RACE, distances: DEFAULT_RACE.distances.map((d) => ({ ...d, cap: CAP })) }),
  );
  const sides: Partial<Record<SideName, Side>> = {};
  let proxy: CountingProxy | undefined;
  try {
    for (const name of ['project', 'bare'] as const) {
      sides[name] = {
        name,
        db: await createTestDatabase(`fl_http_${name}`),
        standIn: await startResendStandIn({ latencyMs: 0 }),
        bundle: bundles[name],
        expectedEmails: 0,
        emailWaitTimeouts: 0,
      };
    }
    const all = sides as Record<SideName, Side>;
    for (const side of Object.values(all)) {
      side.service = await startSide(side, side.db.url, racePath, 'timed', flags['cpu-prof']);
    }
    console.log('\ntimed rounds…');
    const chunks = await measure(all);
    const pidOf = (side: Side) => side.service?.pid as number;
    const after = { project: await rssMiB(pidOf(all.project)), bare: await rssMiB(pidOf(all.bare)) };
    if (params.settleS > 0) {
      console.log(`\nidle for ${params.settleS} s, then reading the services' memory again…`);
      await new Promise((resolve) => setTimeout(resolve, params.settleS * 1000));
    }
    const rss = {} as Record<SideName, Rss>;
    for (const side of Object.values(all)) {
      const pid = pidOf(side);
      rss[side.name] = {
        after: after[side.name],
        settled: params.settleS > 0 ? await rssMiB(pid) : undefined,
        peak: await peakRssMiB(pid),
      };
      await side.service?.stop(15_000);
      side.service = undefined;
    }
    const results = {
      project: { outbox: aggregate(chunks.project.outbox), 'wait-until': aggregate(chunks.project['wait-until']) },
      bare: { outbox: aggregate(chunks.bare.outbox), 'wait-until': aggregate(chunks.bare['wait-until']) },
    };

    let counted: Record<SideName, Counted> | undefined;
    if (params.count > 0) {
      console.log(`\ncounting statements over ${params.count} outbox registrations per service…`);
      const admin = new URL(POSTGRES_ADMIN_URL);
      proxy = await startCountingProxy({ host: admin.hostname, port: Number(admin.port || 5432) });
      counted = {
        project: await countStatements(all.project, racePath, proxy),
        bare: await countStatements(all.bare, racePath, proxy),
      };
    }

    const totalMs = performance.now() - runStart;
    const load = { start: round2(loadAtStart), end: round2(os.loadavg()[0] as number) };
    const goals = targets(results, rss.project);
    const emailTimeouts = all.project.emailWaitTimeouts + all.bare.emailWaitTimeouts;
    const out: string[] = [];
    out.push(
      '# HTTP benchmark: the project against a bare Hono + node-postgres service',
      '',
      `Machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB RAM, ${info.os}, Node ${info.node}. Date: ${info.date}. ` +
        `Load average (1 min) ${load.start} at the start, ${load.end} at the end: the machine is shared, so read the ratios to the bare reference, measured alongside, rather than the absolute rates.`,
      '',
      `Parameters: autocannon ${autocannonVersion()}, ${params.connections} connections, ${params.rounds} rounds of ${params.durationS} s per route and service, ` +
        `interleaved (project, bare / bare, project by round), ${params.warmupS} s warm-up each; unique email per request; ` +
        'each service a child process of its own (built with esbuild, run with plain `node`, no tsx loader), ' +
        'with its own fresh PostgreSQL 15 database (loopback) and its own zero-latency Resend stand-in; ' +
        'the project with EMAIL_RATE_LIMIT_PER_SEC=0, RATE_LIMIT_PER_MINUTE=0, STRATEGY_ROUTES=on and its JSON request log to a file. ' +
        `Load generator and stand-ins share the benchmark process (autocannon on a worker thread). Run took ${(totalMs / 1000).toFixed(0)} s.`,
      '',
      'The bare reference (bench/reference/bare-service.ts): Hono + @hono/node-server + a pg Pool of 10 (the project’s size), ' +
        'a shape check instead of validation, the project’s registration statement (with the task for the outbox route), ' +
        `then one POST /emails per email (${BARE_CLIENT === 'fetch' ? 'with fetch' : 'over node:http with keep-alive, as the project sends (--bare-client node-http)'}) and, for the outbox, one completion statement per task; no batches, tracing or log.`,
      '',
      '## Throughput and latency',
      '',
      ...resultTable(results, rss),
      '',
      `requests/s from the totals of all rounds; p50 and p99 are the median of the rounds' values. ` +
        `Per round — ${ROUTES.map((r) => `${r.name}: project ${results.project[r.name].roundRps.join(', ')}/s (p99 ${results.project[r.name].roundP99.join(', ')} ms), bare ${results.bare[r.name].roundRps.join(', ')}/s (p99 ${results.bare[r.name].roundP99.join(', ')} ms)`).join('; ')}.`,
      '',
      emailTimeouts
        ? `**${emailTimeouts} chunks ended with emails still unaccepted after ${EMAIL_WAIT_MS / 1000} s.**`
        : 'Every email the answers promised was accepted by the stand-in before the next chunk started.',
      '',
    );
    if (counted) {
      out.push(
        `## Database work per outbox registration (${params.count} registrations per service, counted at the wire)`,
        '',
        ...countsTable(counted),
        '',
        'Statements: Execute messages and simple queries; round trips: waits for ReadyForQuery (Sync, simple query). ' +
          'Counted from the service being ready until it stopped gracefully after the last email (its sweeper included).',
        '',
      );
    }
    out.push(...targetsSection(goals));
    const markdown = out.join('\n');
    console.log(`\n${markdown}`);

    await mkdir(RESULTS_DIR, { recursive: true });
    const roundAggregate = (a: Aggregate) => ({ ...a, rps: round2(a.rps) });
    const json = {
      machine: info,
      loadAverage: load,
      parameters: { ...params, autocannon: autocannonVersion(), build: 'esbuild bundle, plain node' },
      runSeconds: Math.round(totalMs / 100) / 10,
      results: {
        project: {
          outbox: roundAggregate(results.project.outbox),
          'wait-until': roundAggregate(results.project['wait-until']),
        },
        bare: { outbox: roundAggregate(results.bare.outbox), 'wait-until': roundAggregate(results.bare['wait-until']) },
      },
      rssMiB: rss,
      chunks,
      statements: counted,
      emailWaitTimeouts: emailTimeouts,
      targets: goals,
    };
    const jsonPath = join(RESULTS_DIR, `${RESULTS_NAME}.json`);
    const mdPath = join(RESULTS_DIR, `${RESULTS_NAME}.md`);
    await writeFile(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
    await writeFile(mdPath, `${markdown}\n`);
    console.log(`results: ${jsonPath}\n         ${mdPath}`);
    return 0;
  } finally {
    for (const side of Object.values(sides)) {
      await side.service?.stop(5000).catch(() => {});
      await side.standIn.close().catch(() => {});
      await side.db.drop().catch((error) => console.error(`could not drop ${side.db.name}: ${String(error)}`));
    }
    await proxy?.close();
    await rm(raceDir, { recursive: true, force: true }).catch(() => {});
  }
}

function autocannonVersion(): string {
  return (createRequire(import.meta.url)('autocannon/package.json') as { version: string }).version;
}

runBench('benchmark', main, WATCHDOG_MS);
