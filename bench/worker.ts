// Benchmark (not a test): the Worker's upload and its cold start (issue 13, point 5). The target: the
// upload at most 200 KiB gzip, as `wrangler deploy` counts it.
//
//   npm run bench:worker [-- --instances 10 --no-profile --out DIR --update-docs]
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
//    measured beside it and the difference is ours.
//
// Results on stdout and in worker.{md,json} in out/worker/ (`--out DIR`, or the committed
// bench/results/ with --update-docs). Needs PostgreSQL (127.0.0.1:5432 or TEST_POSTGRES_URL). Exits 0
// unless something crashed (a missed target is reported, not fatal).
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Miniflare } from 'miniflare';
import { outputDir } from '../tools/output.js';
import { createTestDatabase, requirePostgres } from '../tools/postgres.js';
import { positiveInt } from './lib/args.js';
import { machine } from './lib/machine.js';
import { progressLine } from './lib/progress.js';
import { runBench } from './lib/run.js';
import { ms, round2, roundSummary, summarize } from './lib/stats.js';
import { type Target, targetsSection } from './lib/targets.js';

const { values: flags } = parseArgs({
  options: {
    instances: { type: 'string', default: '10' },
    'no-profile': { type: 'boolean' },
    out: { type: 'string' },
    'update-docs': { type: 'boolean' },
  },
  strict: true,
});

const params = { instances: positiveInt('instances', flags.instances), profile: !flags['no-profile'] };
const OUT_DIR = flags.out
  ? resolve(flags.out)
  : outputDir('worker', join(dirname(fileURLToPath(import.meta.url)), 'results'), flags['update-docs']);
const TARGET_GZIP_KIB = 200;
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

async function build(dir: string): Promise<Bundle> {
  const { stdout } = await run('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', dir], {
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const total = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(stdout);
  if (!total) throw new Error(`wrangler printed no "Total Upload" line:\n${stdout}`);
  return { dir, path: join(dir, 'main.js'), uploadKiB: Number(total[1]), gzipKiB: Number(total[2]) };
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

// ---------------------------------------------------------------- report

interface Measured {
  bundle: { uploadKiB: number; gzipKiB: number; mainJsBytes: number };
  contributors: Contributor[];
  startup: StartupProfile | undefined;
  coldStart: { bundle: ColdStart[]; emptyWorker: ColdStart[] };
}

function targets(m: Measured): Target[] {
  return [
    {
      target: `Worker upload ≤ ${TARGET_GZIP_KIB} KiB gzip (wrangler's "Total Upload")`,
      measured: `${fixed1(m.bundle.gzipKiB)} KiB gzip (${fixed1(m.bundle.uploadKiB)} KiB)`,
      met: m.bundle.gzipKiB <= TARGET_GZIP_KIB,
    },
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
    '# Worker bundle and cold start',
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
    progress.done(`cold start: ${params.instances} instances each`);

    const measured: Measured = {
      bundle: { uploadKiB: bundle.uploadKiB, gzipKiB: bundle.gzipKiB, mainJsBytes },
      contributors: parts,
      startup,
      coldStart: runs,
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

runBench('bench:worker', main, 10 * 60_000);
