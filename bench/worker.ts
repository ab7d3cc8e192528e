// Benchmark (not a test): the Worker's upload, its cold start and its throughput beside a bare Hono
// Worker. The targets: the upload at most 200 KiB gzip, as `wrangler deploy` counts it; GET /healthz
// and GET /openapi.json at 0.8× or more of the requests/s of the bare Hono Worker.
//
//   npm run bench:worker [-- --instances 10 --no-profile --rounds 3 --duration 5 --connections 16
//                           --warmup 2 --out DIR --update-docs]
//
// 1. The bundle: `wrangler deploy --dry-run` (the same build `npm run deploy` uploads); its "Total
//    Upload" line (raw and gzip), and what is in it: the bundle's bytes attributed to packages through
//    its source map, each package's share gzipped on its own (an estimate: gzip finds less to share
//    within one package than across the whole file, so the shares add up to a little more than the total).
// 2. The script's startup as workerd profiles it: `wrangler check startup` (a CPU profile of loading
//    the Worker; its span, and the CPU samples in the bundle's own code). `--no-profile` skips it.
// 3. Cold start: `--instances` times, a fresh Miniflare (a new workerd process) running the bundle with
//    a Hyperdrive binding to a fresh PostgreSQL database, as the workerd tests start it
//    (test/support/targets.ts), timed from `new Miniflare()` to the first answer of GET /healthz;
//    interleaved with an empty Worker on the same settings, so what workerd itself needs to start is
//    measured beside it and the difference is ours. `--instances 0` skips it.
// 4. Throughput beside a bare Hono Worker (bench/reference/bare-worker.ts: Hono, secureHeaders, two
//    routes), bundled the same way (`wrangler deploy --dry-run` with wrangler.jsonc, the reference as the
//    entry), each in a Miniflare (a workerd process) of its own on the same compatibility settings,
//    the project's with production vars (DEV_MODE=0, a Resend stand-in in this process, no rate limits).
//    autocannon over loopback (on a worker thread) on GET /healthz and GET /openapi.json: `--rounds`
//    interleaved rounds of `--duration` s per route and Worker, the order alternating by round, after a
//    `--warmup` s chunk each. Then POST /api/registrations on the project's Worker (a unique email per
//    request, to a fresh database through Hyperdrive): requests/s and workerd's CPU time per registration,
//    its background send included (the chunk's emails are waited for before CPU is read). CPU per
//    answer is the workerd process' CPU time (/proc, Linux) over a chunk divided by its 2xx answers;
//    `--rounds 0` skips the section.
//
// Results on stdout and in worker.{md,json} in out/worker/ (`--out DIR`, or the committed
// bench/results/ with --update-docs). Needs PostgreSQL (127.0.0.1:5432 or TEST_POSTGRES_URL). Exits 0
// unless something crashed (a missed target is reported, not fatal).
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { Miniflare } from 'miniflare';
import { DEFAULT_RACE } from '../src/domain/race.js';
import { outputDir } from '../tools/output.js';
import { createTestDatabase, requirePostgres } from '../tools/postgres.js';
import { type ResendStandIn, startResendStandIn } from '../tools/resend-stand-in.js';
import { startWorkers } from '../tools/workerd.js';
import { positiveInt } from './lib/args.js';
import { childProcesses, processCpuMs } from './lib/cpu-time.js';
import { machine } from './lib/machine.js';
import { progressLine } from './lib/progress.js';
import { runBench } from './lib/run.js';
import { ms, round2, roundSummary, summarize } from './lib/stats.js';
import { type Target, targetsSection } from './lib/targets.js';

const { values: flags } = parseArgs({
  options: {
    instances: { type: 'string', default: '10' },
    'no-profile': { type: 'boolean' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    warmup: { type: 'string', default: '2' },
    out: { type: 'string' },
    'update-docs': { type: 'boolean' },
  },
  strict: true,
});

const params = {
  instances: positiveInt('instances', flags.instances, 0),
  profile: !flags['no-profile'],
  rounds: positiveInt('rounds', flags.rounds, 0),
  durationS: positiveInt('duration', flags.duration),
  connections: positiveInt('connections', flags.connections),
  warmupS: positiveInt('warmup', flags.warmup, 0),
};
const OUT_DIR = flags.out
  ? resolve(flags.out)
  : outputDir('worker', join(dirname(fileURLToPath(import.meta.url)), 'results'), flags['update-docs']);
const TARGET_GZIP_KIB = 200;
/** Requests/s of GET /healthz and GET /openapi.json, as a share of the bare Hono Worker's. */
const TARGET_RATIO = 0.8;
const TOP_CONTRIBUTORS = 15;
/** As in wrangler.jsonc and test/support/targets.ts. */
const COMPATIBILITY = {
  compatibilityDate: '2026-04-20',
  compatibilityFlags: ['nodejs_compat', 'nodejs_compat_do_not_populate_process_env'],
};

const run = promisify(execFile);
const kib = (bytes: number) => bytes / 1024;
const fixed1 = (v: number) => v.toFixed(1);

// ---------------------------------------------------------------- the bundle

interface Bundle {
  dir: string;
  path: string;
  /** What wrangler printed: "Total Upload: X KiB / gzip: Y KiB". */
  uploadKiB: number;
  gzipKiB: number;
}

/** wrangler.jsonc's Worker, or the same build with `entry` as its main module (the bare reference). */
async function build(dir: string, entry?: string): Promise<Bundle> {
  const { stdout } = await run('npx', ['wrangler', 'deploy', ...(entry ? [entry] : []), '--dry-run', '--outdir', dir], {
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const total = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(stdout);
  if (!total) throw new Error(`wrangler printed no "Total Upload" line:\n${stdout}`);
  const file = entry ? `${basename(entry).replace(/\.ts$/, '')}.js` : 'main.js';
  return { dir, path: join(dir, file), uploadKiB: Number(total[1]), gzipKiB: Number(total[2]) };
}

interface Contributor {
  name: string;
  bytes: number;
  gzipBytes: number;
}

/** node_modules/@scope/name/… → "@scope/name"; our own files by their first folder under src/. */
function owner(source: string): string {
  // Drizzle ships source maps that name its sources "../src/…" from files one folder deeper than
  // that: through wrangler's merge they come out as node_modules/src/…. No other package here does.
  if (source.includes('node_modules/src/')) return 'drizzle-orm';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (pkg) return pkg[1] as string;
  const ours = /(?:^|\/)(src\/[^/]+)/.exec(source);
  return ours ? (ours[1] as string) : source.replace(/^(\.\.\/)+/, '');
}

/**
 * Each character of the bundle goes to the package its source map says it came from (Node's own
 * source map reader: the entry at or before each position).
 */
async function contributors(bundle: Bundle): Promise<Contributor[]> {
  const code = await readFile(bundle.path, 'utf8');
  const payload = JSON.parse(await readFile(`${bundle.path}.map`, 'utf8'));
  const map = new SourceMap(payload);
  const parts = new Map<string, string[]>();
  const lines = code.split('\n');
  lines.forEach((line, lineNumber) => {
    let start = 0;
    let current = '(unmapped)';
    const flush = (end: number) => {
      if (end <= start) return;
      const list = parts.get(current) ?? [];
      list.push(line.slice(start, end));
      parts.set(current, list);
      start = end;
    };
    for (let column = 0; column < line.length; column++) {
      const entry = map.findEntry(lineNumber, column) as { originalSource?: string };
      const name = entry.originalSource ? owner(entry.originalSource) : '(unmapped)';
      if (name !== current) {
        flush(column);
        current = name;
      }
    }
    flush(line.length);
  });
  return [...parts]
    .map(([name, texts]) => {
      const text = texts.join('\n');
      return { name, bytes: Buffer.byteLength(text), gzipBytes: gzipSync(text).length };
    })
    .sort((a, b) => b.gzipBytes - a.gzipBytes);
}

// ---------------------------------------------------------------- startup profile

interface StartupProfile {
  /** From the profile's first to its last sample. */
  spanMs: number;
  /** CPU samples whose function is in the bundle (the script's own top-level code and what it calls). */
  bundleMs: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { url: string } }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

async function profileStartup(dir: string): Promise<StartupProfile> {
  const outfile = join(dir, 'startup.cpuprofile');
  await run('npx', ['wrangler', 'check', 'startup', '--outfile', outfile], {
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const profile = JSON.parse(await readFile(outfile, 'utf8')) as CpuProfile;
  // The bundle's frames carry its file name; workerd's own are "node:…", "node-internal:…" or nameless.
  const ours = (url: string) => url !== '' && !/^node(-internal)?:/.test(url);
  const inBundle = new Set(profile.nodes.filter((n) => ours(n.callFrame.url)).map((n) => n.id));
  let bundleMicros = 0;
  // timeDeltas[i] is the time before sample i; the time a sample stands for is the next delta.
  profile.samples.forEach((id, i) => {
    if (inBundle.has(id)) bundleMicros += profile.timeDeltas[i + 1] ?? 0;
  });
  return { spanMs: (profile.endTime - profile.startTime) / 1000, bundleMs: bundleMicros / 1000 };
}

// ---------------------------------------------------------------- cold start

interface ColdStart {
  /** new Miniflare() until it is ready to serve (workerd started, the script loaded). */
  readyMs: number;
  /** From ready to the first answer of GET /healthz (the first request's own work). */
  firstResponseMs: number;
  totalMs: number;
}

const EMPTY_WORKER = 'export default { fetch() { return Response.json({ status: "ok" }); } };';

async function coldStart(worker: { scriptPath: string } | { script: string }, databaseUrl: string): Promise<ColdStart> {
  const started = performance.now();
  const output: string[] = [];
  const mf = new Miniflare({
    ...worker,
    modules: true,
    ...COMPATIBILITY,
    hyperdrives: { HYPERDRIVE: databaseUrl },
    // Production settings, as wrangler.jsonc's vars: nothing the bench needs to turn on.
    bindings: { DEV_MODE: '0' },
    host: '127.0.0.1',
    port: 0,
    // Kept for the error: workerd says there why it did not start.
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
      for (const stream of [stdout, stderr]) stream.on('data', (chunk: Buffer | string) => output.push(String(chunk)));
    },
  });
  try {
    const url = await mf.ready.catch((error) => {
      throw new Error(`workerd did not start: ${output.join('').trim() || String(error)}`);
    });
    const ready = performance.now();
    const response = await fetch(new URL('/healthz', url));
    const body = (await response.json()) as { status?: string };
    if (response.status !== 200 || body.status !== 'ok') throw new Error(`GET /healthz answered ${response.status}`);
    const answered = performance.now();
    return { readyMs: ready - started, firstResponseMs: answered - ready, totalMs: answered - started };
  } finally {
    // dispose() rethrows a failed start: the error above says more.
    await mf.dispose().catch(() => {});
  }
}

// ---------------------------------------------------------------- throughput beside a bare Hono Worker

const THROUGHPUT_ROUTES = ['/healthz', '/openapi.json'] as const;
type ThroughputRoute = (typeof THROUGHPUT_ROUTES)[number];
type Side = 'finishline' | 'bare';
/** Places enough for every registration of the run. */
const CAP = 2_000_000_000;
const EMAIL_WAIT_MS = 60_000;

interface Served {
  url: string;
  /** The workerd process serving it (its CPU time is read around each chunk). */
  pid: number;
  stop(): Promise<void>;
}

/** `start`ed with the workerd process it started (Miniflare runs one per instance). */
async function withPid(start: () => Promise<{ url: string; stop(): Promise<void> }>): Promise<Served> {
  const before = new Set(await childProcesses('workerd'));
  const started = await start();
  const pid = (await childProcesses('workerd')).find((p) => !before.has(p));
  if (pid === undefined) {
    await started.stop().catch(() => {});
    throw new Error('could not find the workerd process Miniflare started (CPU time is read from /proc: Linux only)');
  }
  return { url: started.url.replace(/\/$/, ''), pid, stop: started.stop };
}

/** The bare Worker in a Miniflare of its own; its output is drained, the last of it kept for errors. */
async function startBare(scriptPath: string) {
  let tail = '';
  const mf = new Miniflare({
    scriptPath,
    modules: true,
    ...COMPATIBILITY,
    host: '127.0.0.1',
    port: 0,
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
      for (const stream of [stdout, stderr]) {
        stream.on('data', (chunk: Buffer | string) => {
          tail = (tail + String(chunk)).slice(-4000);
        });
      }
    },
  });
  const url = await mf.ready.catch(async (error) => {
    await mf.dispose().catch(() => {});
    throw new Error(`workerd did not start: ${tail.trim() || String(error)}`);
  });
  return { url: url.toString(), stop: () => mf.dispose() };
}

interface Chunk {
  ok: number;
  non2xx: number;
  errors: number;
  durationS: number;
  rps: number;
  p50: number;
  p99: number;
  /** workerd's CPU time over the chunk (and, for registrations, their background sends) per 2xx answer. */
  cpuUsPerOk: number;
}

function registrationTemplate(): string {
  // [<id>] becomes a unique id per request (autocannon's idReplacement): one runner per request.
  return JSON.stringify({
    firstName: 'Bench',
    lastName: 'Runner',
    email: 'worker-[<id>]@example.com',
    address: '1 Benchmark Lane',
    distance: 'half',
  });
}

async function loadChunk(
  served: Served,
  path: string,
  durationS: number,
  options: { post?: boolean; afterLoad?: (ok: number) => Promise<void> } = {},
): Promise<Chunk> {
  const cpuBefore = await processCpuMs(served.pid);
  const result = await autocannon({
    url: `${served.url}${path}`,
    connections: params.connections,
    duration: durationS,
    // A thread of its own: the Resend stand-in and Miniflare's Hyperdrive proxy keep this one.
    workers: 1,
    timeout: 30,
    ...(options.post
      ? {
          method: 'POST' as const,
          headers: { 'content-type': 'application/json' },
          body: registrationTemplate(),
          idReplacement: true,
        }
      : {}),
  });
  const ok = result['2xx'];
  await options.afterLoad?.(ok);
  const cpuAfter = await processCpuMs(served.pid);
  const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : Number.NaN;
  return {
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    durationS: result.duration,
    rps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUsPerOk: ok > 0 ? (cpuMs * 1000) / ok : Number.NaN,
  };
}

interface Throughput {
  /** Per route, per Worker: one chunk per round. */
  routes: Record<ThroughputRoute, Record<Side, Chunk[]>>;
  registrations: Chunk[];
}

/** Requests/s over all rounds (2xx answers over the time they took), and CPU per answer likewise. */
function totals(chunks: Chunk[]) {
  const ok = chunks.reduce((s, c) => s + c.ok, 0);
  const seconds = chunks.reduce((s, c) => s + c.durationS, 0);
  const cpuUs = chunks.reduce((s, c) => s + c.cpuUsPerOk * c.ok, 0);
  return {
    ok,
    rps: ok / seconds,
    cpuUsPerOk: cpuUs / ok,
    failed: chunks.reduce((s, c) => s + c.non2xx + c.errors, 0),
    p50: summarize(chunks.map((c) => c.p50)).p50,
    p99: Math.max(...chunks.map((c) => c.p99)),
  };
}

function ratioOf(t: Throughput, route: ThroughputRoute): number {
  return totals(t.routes[route].finishline).rps / totals(t.routes[route].bare).rps;
}

async function measureThroughput(
  bundlePath: string,
  barePath: string,
  databaseUrl: string,
  progress: ReturnType<typeof progressLine>,
): Promise<Throughput> {
  const standIn: ResendStandIn = await startResendStandIn();
  const race = { ...DEFAULT_RACE, distances: DEFAULT_RACE.distances.map((d) => ({ ...d, cap: CAP })) };
  const servers: Partial<Record<Side, Served>> = {};
  try {
    // As the workerd tests start it (tools/workerd.ts: Hyperdrive to the database, the same
    // compatibility settings), in production, as wrangler.jsonc deploys it, with the provider's
    // stand-in and no limits that one client would run into. Its log lines are dropped.
    servers.finishline = await withPid(() =>
      startWorkers({
        bundles: { api: bundlePath, email: '' },
        databaseUrl,
        env: {
          DEV_MODE: '0',
          RESEND_API_KEY: standIn.apiKey,
          RESEND_BASE_URL: standIn.url,
          RATE_LIMIT_PER_MINUTE: '0',
          EMAIL_RATE_LIMIT_PER_SEC: '0',
          RACE_CONFIG: JSON.stringify(race),
        },
        // Like the bare Worker, reached directly: no asset router (a Worker of its own in workerd) in front.
        assets: false,
      }),
    );
    servers.bare = await withPid(() => startBare(barePath));
    const sides = servers as Record<Side, Served>;
    const routes = Object.fromEntries(
      THROUGHPUT_ROUTES.map((r) => [r, { finishline: [] as Chunk[], bare: [] as Chunk[] }]),
    ) as Throughput['routes'];
    if (params.warmupS > 0) {
      progress.update('throughput: warming up…', true);
      for (const route of THROUGHPUT_ROUTES)
        for (const side of ['finishline', 'bare'] as const) await loadChunk(sides[side], route, params.warmupS);
    }
    for (let round = 0; round < params.rounds; round++) {
      const order: Side[] = round % 2 === 0 ? ['finishline', 'bare'] : ['bare', 'finishline'];
      for (const route of THROUGHPUT_ROUTES) {
        for (const side of order) {
          progress.update(`throughput: round ${round + 1} of ${params.rounds}, ${side} ${route}…`, true);
          routes[route][side].push(await loadChunk(sides[side], route, params.durationS));
        }
      }
    }
    const registrations: Chunk[] = [];
    let expected = 0;
    // Each chunk's emails are sent in waitUntil after the answers: waited for, so their CPU counts
    // where it belongs and does not spill into the next chunk.
    const afterLoad = async (ok: number) => {
      expected += ok;
      await standIn.waitForAccepted(expected, EMAIL_WAIT_MS);
    };
    if (params.warmupS > 0)
      await loadChunk(sides.finishline, '/api/registrations', params.warmupS, { post: true, afterLoad });
    for (let round = 0; round < params.rounds; round++) {
      progress.update(`throughput: POST /api/registrations, round ${round + 1} of ${params.rounds}…`, true);
      registrations.push(
        await loadChunk(sides.finishline, '/api/registrations', params.durationS, { post: true, afterLoad }),
      );
    }
    return { routes, registrations };
  } finally {
    for (const served of Object.values(servers)) await served?.stop().catch(() => {});
    await standIn.close();
  }
}

// ---------------------------------------------------------------- report

interface Measured {
  bundle: { uploadKiB: number; gzipKiB: number; mainJsBytes: number };
  contributors: Contributor[];
  startup: StartupProfile | undefined;
  coldStart: { bundle: ColdStart[]; emptyWorker: ColdStart[] };
  throughput: Throughput | undefined;
}

function targets(m: Measured): Target[] {
  return [
    {
      target: `Worker upload ≤ ${TARGET_GZIP_KIB} KiB gzip (wrangler's "Total Upload")`,
      measured: `${fixed1(m.bundle.gzipKiB)} KiB gzip (${fixed1(m.bundle.uploadKiB)} KiB)`,
      met: m.bundle.gzipKiB <= TARGET_GZIP_KIB,
    },
    ...(m.throughput
      ? THROUGHPUT_ROUTES.map((route) => {
          const ratio = ratioOf(m.throughput as Throughput, route);
          return {
            target: `GET ${route} ≥ ${TARGET_RATIO}× the requests/s of a bare Hono Worker (workerd, side by side)`,
            measured: `${ratio.toFixed(2)}×`,
            met: ratio >= TARGET_RATIO,
          };
        })
      : []),
  ];
}

function throughputLines(t: Throughput): string[] {
  const rps = (v: number) => Math.round(v).toString();
  const us = (v: number) => (Number.isFinite(v) ? Math.round(v).toString() : '–');
  const perRound = (route: ThroughputRoute) =>
    t.routes[route].finishline
      .map((c, i) => (c.rps / (t.routes[route].bare[i]?.rps ?? Number.NaN)).toFixed(2))
      .join(', ');
  const reg = t.registrations.length > 0 ? totals(t.registrations) : undefined;
  return [
    `## Throughput beside a bare Hono Worker (workerd, ${params.rounds} interleaved rounds of ${params.durationS} s, ${params.connections} connections)`,
    '',
    'Each Worker in a workerd process of its own (Miniflare), the same compatibility date and flags, both bundled by ' +
      '`wrangler deploy --dry-run` with wrangler.jsonc; the bare one is bench/reference/bare-worker.ts (Hono, ' +
      "`secureHeaders`, two routes; its /openapi.json sends the project's document, built once). finishline runs " +
      "with production vars (DEV_MODE=0). requests/s: 2xx answers over all rounds; CPU: the workerd process' " +
      "CPU time per answer (it includes Miniflare's entry Worker, the same for both). Load generator and both " +
      'Workers share this machine over loopback: read the ratio, not the absolute numbers.',
    '',
    '| route | finishline req/s | bare Hono req/s | ratio | ratio per round | finishline CPU µs/answer | bare CPU µs/answer | finishline p99 ms | bare p99 ms |',
    '|---|--:|--:|--:|---|--:|--:|--:|--:|',
    ...THROUGHPUT_ROUTES.map((route) => {
      const f = totals(t.routes[route].finishline);
      const b = totals(t.routes[route].bare);
      return `| GET ${route} | ${rps(f.rps)} | ${rps(b.rps)} | ${(f.rps / b.rps).toFixed(2)}× | ${perRound(route)} | ${us(f.cpuUsPerOk)} | ${us(b.cpuUsPerOk)} | ${f.p99} | ${b.p99} |`;
    }),
    '',
    ...(reg
      ? [
          `POST /api/registrations on finishline (a unique runner per request, PostgreSQL through Hyperdrive, the ` +
            `confirmation sent in waitUntil to a Resend stand-in): ${rps(reg.rps)} requests/s, ` +
            `**${us(reg.cpuUsPerOk)} µs of workerd CPU per registration** (its background send included), ` +
            `p50 ${reg.p50} ms, p99 ${reg.p99} ms${reg.failed ? `, ${reg.failed} not 2xx or failed` : ''}.`,
          '',
        ]
      : []),
  ];
}

function markdown(m: Measured, goals: Target[], context: { info: ReturnType<typeof machine>; wrangler: string }) {
  const { info } = context;
  const totalGzip = m.contributors.reduce((s, c) => s + c.gzipBytes, 0);
  const row = (name: string, runs: ColdStart[]) => {
    const ready = summarize(runs.map((r) => r.readyMs));
    const first = summarize(runs.map((r) => r.firstResponseMs));
    const total = summarize(runs.map((r) => r.totalMs));
    return `| ${name} | ${ms(total.p50)} | ${ms(total.p95)} | ${ms(ready.p50)} | ${ms(first.p50)} | ${ms(first.p95)} |`;
  };
  const median = (runs: ColdStart[]) => summarize(runs.map((r) => r.totalMs)).p50;
  return [
    '# Worker bundle, cold start and throughput',
    '',
    `${info.date.slice(0, 10)} · ${info.cpu} (${info.cores} cores, ${info.memoryGiB} GiB) · ${info.os} · Node ${info.node} · ${context.wrangler}`,
    '',
    ...targetsSection(goals),
    '## What is in the bundle',
    '',
    `\`wrangler deploy --dry-run\`: Total Upload ${fixed1(m.bundle.uploadKiB)} KiB / gzip ${fixed1(m.bundle.gzipKiB)} KiB. ` +
      `The top ${TOP_CONTRIBUTORS} of ${m.contributors.length} sources, each gzipped on its own (the shares add up to ` +
      `${fixed1(kib(totalGzip))} KiB: gzip shares less within one package than across the file):`,
    '',
    '| package or folder | KiB | KiB gzip | share of gzip |',
    '|---|--:|--:|--:|',
    ...m.contributors
      .slice(0, TOP_CONTRIBUTORS)
      .map(
        (c) =>
          `| ${c.name} | ${fixed1(kib(c.bytes))} | ${fixed1(kib(c.gzipBytes))} | ${Math.round((100 * c.gzipBytes) / totalGzip)} % |`,
      ),
    '',
    '## Startup',
    '',
    m.startup
      ? `\`wrangler check startup\` (workerd's CPU profile of loading the Worker, on this machine): ${ms(m.startup.spanMs)} ms ` +
        `from the first to the last sample, ${ms(m.startup.bundleMs)} ms of CPU in the bundle's own code.`
      : 'Not profiled (--no-profile).',
    '',
    ...(m.coldStart.bundle.length > 0
      ? [
          `## Cold start (${m.coldStart.bundle.length} fresh Miniflare instances each, interleaved)`,
          '',
          'From `new Miniflare()` (a new workerd process) to the first answer of `GET /healthz`; "ready" is until Miniflare ' +
            'serves (workerd up, the script loaded), "first answer" the first request after that.',
          '',
          '| Worker | total p50 ms | total p95 ms | ready p50 ms | first answer p50 ms | first answer p95 ms |',
          '|---|--:|--:|--:|--:|--:|',
          row('finishline (the bundle)', m.coldStart.bundle),
          row('an empty Worker', m.coldStart.emptyWorker),
          '',
          `The bundle's own share at the median: ${ms(median(m.coldStart.bundle) - median(m.coldStart.emptyWorker))} ms. ` +
            "It includes Miniflare's handling of the script in Node (it reads and parses the bundle to find its imports) " +
            "as well as workerd's; the startup profile above is workerd's part alone.",
          '',
        ]
      : ['Cold start not measured (--instances 0).', '']),
    ...(m.throughput ? throughputLines(m.throughput) : ['Throughput not measured (--rounds 0).', '']),
  ].join('\n');
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  await requirePostgres('npm run bench:worker');
  const info = machine();
  const wrangler = `wrangler ${JSON.parse(await readFile('node_modules/wrangler/package.json', 'utf8')).version}`;
  console.log(`finishline Worker benchmark — ${info.cpu}, ${info.cores} cores, Node ${info.node}, ${wrangler}`);
  const progress = progressLine();
  // Inside the project (.wrangler/ is ignored by git): workerd refuses a script path that leaves the
  // folder it starts in.
  const dir = join('.wrangler', `bench-worker-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const db = await createTestDatabase('fl_worker');
  try {
    progress.update('building the bundle…', true);
    const bundle = await build(dir);
    const mainJsBytes = (await readFile(bundle.path)).length;
    progress.done(`bundle: ${fixed1(bundle.uploadKiB)} KiB, gzip ${fixed1(bundle.gzipKiB)} KiB`);
    const parts = await contributors(bundle);

    let startup: StartupProfile | undefined;
    if (params.profile) {
      progress.update('profiling the startup (wrangler check startup)…', true);
      startup = await profileStartup(dir);
      progress.done(`startup profile: ${ms(startup.spanMs)} ms, ${ms(startup.bundleMs)} ms in the bundle`);
    }

    const runs = { bundle: [] as ColdStart[], emptyWorker: [] as ColdStart[] };
    for (let i = 0; i < params.instances; i++) {
      progress.update(`cold start ${i + 1} of ${params.instances}…`, true);
      // Alternating which goes first, so neither always follows the other's teardown.
      const order = i % 2 === 0 ? (['bundle', 'emptyWorker'] as const) : (['emptyWorker', 'bundle'] as const);
      for (const which of order) {
        const worker = which === 'bundle' ? { scriptPath: bundle.path } : { script: EMPTY_WORKER };
        runs[which].push(await coldStart(worker, db.url));
      }
    }
    if (params.instances > 0) progress.done(`cold start: ${params.instances} instances each`);

    let throughput: Throughput | undefined;
    if (params.rounds > 0) {
      progress.update('building the bare Hono Worker…', true);
      const bare = await build(join(dir, 'bare'), join('bench', 'reference', 'bare-worker.ts'));
      throughput = await measureThroughput(bundle.path, bare.path, db.url, progress);
      progress.done(
        `throughput: ${THROUGHPUT_ROUTES.map((r) => `${r} ${ratioOf(throughput as Throughput, r).toFixed(2)}×`).join(', ')} the bare Hono Worker`,
      );
    }

    const measured: Measured = {
      bundle: { uploadKiB: bundle.uploadKiB, gzipKiB: bundle.gzipKiB, mainJsBytes },
      contributors: parts,
      startup,
      coldStart: runs,
      throughput,
    };
    const goals = targets(measured);
    const md = markdown(measured, goals, { info, wrangler });
    console.log(`\n${md}`);

    await mkdir(OUT_DIR, { recursive: true });
    const json = {
      machine: info,
      wrangler,
      parameters: params,
      targets: goals,
      bundle: measured.bundle,
      contributors: parts.map((c) => ({ ...c, kib: round2(kib(c.bytes)), gzipKiB: round2(kib(c.gzipBytes)) })),
      startup: startup && { spanMs: round2(startup.spanMs), bundleMs: round2(startup.bundleMs) },
      coldStart: Object.fromEntries(
        Object.entries(runs).map(([name, list]) => [
          name,
          {
            totalMs: roundSummary(summarize(list.map((r) => r.totalMs))),
            readyMs: roundSummary(summarize(list.map((r) => r.readyMs))),
            firstResponseMs: roundSummary(summarize(list.map((r) => r.firstResponseMs))),
          },
        ]),
      ),
      throughput: throughput && {
        routes: Object.fromEntries(
          THROUGHPUT_ROUTES.map((route) => {
            const chunks = (throughput as Throughput).routes[route];
            const side = (list: Chunk[]) => {
              const t = totals(list);
              return {
                rps: round2(t.rps),
                cpuUsPerOk: round2(t.cpuUsPerOk),
                failed: t.failed,
                rounds: list.map((c) => ({
                  rps: round2(c.rps),
                  cpuUsPerOk: round2(c.cpuUsPerOk),
                  p50: c.p50,
                  p99: c.p99,
                })),
              };
            };
            return [
              route,
              {
                ratio: round2(ratioOf(throughput as Throughput, route)),
                finishline: side(chunks.finishline),
                bare: side(chunks.bare),
              },
            ];
          }),
        ),
        registrations: (() => {
          const t = totals(throughput.registrations);
          return { rps: round2(t.rps), cpuUsPerOk: round2(t.cpuUsPerOk), p50: t.p50, p99: t.p99, failed: t.failed };
        })(),
      },
    };
    const jsonPath = join(OUT_DIR, 'worker.json');
    const mdPath = join(OUT_DIR, 'worker.md');
    await writeFile(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
    await writeFile(mdPath, md);
    console.log(`results: ${relative(process.cwd(), jsonPath)}\n         ${relative(process.cwd(), mdPath)}`);
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => {});
    await db.drop().catch((error) => console.error(`could not drop ${db.name}: ${String(error)}`));
  }
}

runBench('bench:worker', main, 20 * 60_000);
