// The rig of the benchmarks that run the service as real processes against the Resend stand-in
// (bench:drain, bench:priority): their shared flags, a fresh PostgreSQL database, the stand-in in this
// process, a race with room for the run, the services on that database (bench/lib/service-process.ts),
// the burst of registrations; giving up (`--timeout`, Ctrl-C) and cleaning up after. The frame around
// a run (header, results files, exit) is ./rig-bench.ts; what they report in common, ./rig-report.ts.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_RACE, type Race } from '../../src/domain/race.js';
import { OUT_ROOT, outputDir } from '../../tools/output.js';
import { createTestDatabase, type TestDatabase } from '../../tools/postgres.js';
import { type ResendStandIn, type ResendStandInOptions, startResendStandIn } from '../../tools/resend-stand-in.js';
import { positiveInt } from './args.js';
import type { Sample, SignUpFields } from './load.js';
import { runLoadOnThread } from './load-thread.js';
import { progressLine } from './progress.js';
import { peakRssMiB, type ServiceProcess, startServiceProcess } from './service-process.js';

// Short, so a run ends soon after its deadline: attempts still waiting for their send slot at SIGTERM
// are given back (no attempt burnt) once the grace is over. The default (10 s) would only make us wait.
export const SHUTDOWN_GRACE_MS = 3000;
export const KILL_AFTER_MS = SHUTDOWN_GRACE_MS + 12_000;

/** The flags every rig benchmark takes (`parseArgs` options), with its own default number of processes. */
export function rigOptions(processes: string) {
  return {
    processes: { type: 'string', default: processes },
    concurrency: { type: 'string', default: '64' },
    'provider-rate': { type: 'string', default: '5' },
    latency: { type: 'string', default: '20' },
    timeout: { type: 'string' },
    out: { type: 'string' },
    'update-docs': { type: 'boolean' },
  } as const;
}

/** The numbers of those flags. */
export function rigParams(flags: {
  processes?: string;
  concurrency?: string;
  'provider-rate'?: string;
  latency?: string;
}) {
  return {
    processes: positiveInt('processes', flags.processes),
    concurrency: positiveInt('concurrency', flags.concurrency),
    providerRatePerSec: positiveInt('provider-rate', flags['provider-rate']),
    latencyMs: positiveInt('latency', flags.latency, 0),
  };
}

/** What every service gets besides the database and the provider; printed with the results. */
export function serviceSettings(providerRatePerSec: number): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    DEV_MODE: '0',
    EMAIL_RATE_LIMIT_PER_SEC: String(providerRatePerSec),
    // One client sends everything: the per-client registration limit would refuse most of it.
    RATE_LIMIT_PER_MINUTE: '0',
    SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
  };
}

/** Thrown where the run notices it has been told to give up (--timeout, Ctrl-C). */
export class GaveUp extends Error {}

export function checkStop(signal: AbortSignal): void {
  if (signal.aborted) throw new GaveUp(String(signal.reason));
}

export const sleep = (millis: number) => new Promise((r) => setTimeout(r, millis));

/** For the results files, which may be committed: no absolute path from the machine that ran them. */
export const shown = (path: string) => relative(process.cwd(), path) || '.';

/**
 * Where a benchmark writes: `out/<name>/` (`--out DIR`, or the committed folder with --update-docs), and
 * its services' logs, which are never committed: under out/ whatever --update-docs says (or beside --out DIR).
 */
export function resultDirs(name: string, committed: string, flags: { out?: string; 'update-docs'?: boolean }) {
  const outDir = flags.out ? resolve(flags.out) : outputDir(name, committed, flags['update-docs']);
  const logDir = flags.out ? join(outDir, 'logs') : resolve(OUT_ROOT, name, 'logs');
  return { outDir, logDir };
}

export interface Rig {
  db: TestDatabase;
  standIn: ResendStandIn;
  /** Aborted when the run gives up. */
  stop: AbortSignal;
  /** The PostgreSQL server's version, e.g. "15.20". */
  postgres: string;
  /** RACE_CONFIG for the services: the default race with room for `places` on every distance, or the bench's own. */
  racePath: string;
  /** The services, once started (`startServices`), in the order asked for. */
  services: ServiceProcess[];
  /** Every service started so far, stopped at the end however the run ends. */
  started: ServiceProcess[];
}

/**
 * Sets up the rig, runs `body` on it and cleans up (services first: they hold connections to the database
 * and send to the stand-in). Returns `body`'s exit code, or 2 when the run gave up at `timeoutS` (130
 * on Ctrl-C) after stopping the services and dropping the database.
 */
export async function runRig(
  options: {
    script: string;
    dbPrefix: string;
    timeoutS: number;
    standIn: ResendStandInOptions;
    places: number;
    /** The race itself, instead of the default one with room for `places`. */
    race?: Race;
  },
  body: (rig: Rig) => Promise<number>,
): Promise<number> {
  // Given up (--timeout, Ctrl-C): the phases notice at their next step, and the finally below cleans up.
  const giveUp = new AbortController();
  const timeout = setTimeout(
    () => giveUp.abort(`still running after ${options.timeoutS} s (--timeout)`),
    options.timeoutS * 1000,
  );
  timeout.unref();
  const onInterrupt = () => giveUp.abort('interrupted');
  process.once('SIGINT', onInterrupt);

  const db = await createTestDatabase(options.dbPrefix);
  const raceDir = await mkdtemp(join(os.tmpdir(), `finishline-${options.dbPrefix}-`));
  let standIn: ResendStandIn | undefined;
  const started: ServiceProcess[] = [];
  try {
    // "15.20 (Debian 15.20-0+deb12u1)" → "15.20".
    const postgres =
      (await db.query<{ server_version: string }>('SHOW server_version'))[0]?.server_version.split(' ')[0] ?? '?';
    standIn = await startResendStandIn(options.standIn);
    const racePath = await writeRaceConfig(raceDir, options.places, options.race);
    return await body({ db, standIn, stop: giveUp.signal, postgres, racePath, services: [], started });
  } catch (error) {
    if (!giveUp.signal.aborted) throw error;
    console.error(
      `\n${options.script} gave up: ${String(giveUp.signal.reason)}; stopping the services and dropping the database`,
    );
    return giveUp.signal.reason === 'interrupted' ? 130 : 2;
  } finally {
    clearTimeout(timeout);
    process.off('SIGINT', onInterrupt);
    await Promise.all(started.map((s) => s.stop(KILL_AFTER_MS).catch(() => {})));
    await standIn?.close().catch(() => {});
    await rm(raceDir, { recursive: true, force: true }).catch(() => {});
    await db.drop().catch((error) => console.error(`could not drop ${db.name}: ${String(error)}`));
  }
}

/**
 * `given`, or a race whose caps hold `places` on every distance (the default race has 7,000 places),
 * same distances.
 */
async function writeRaceConfig(dir: string, places: number, given?: Race): Promise<string> {
  const race = given ?? {
    ...DEFAULT_RACE,
    distances: DEFAULT_RACE.distances.map((d) => ({ ...d, cap: Math.max(d.cap, places) })),
  };
  const path = join(dir, 'race.json');
  await writeFile(path, JSON.stringify(race));
  return path;
}

/** The environment every service of the rig gets: `settings`, the database, the stand-in, the race. */
export function serviceEnv(rig: Rig, settings: Record<string, string>): Record<string, string> {
  return {
    ...settings,
    DATABASE_URL: rig.db.url,
    RESEND_API_KEY: rig.standIn.apiKey,
    RESEND_BASE_URL: rig.standIn.url,
    RACE_CONFIG: rig.racePath,
    // Set, so no process prints a generated one.
    ADMIN_TOKEN: randomBytes(32).toString('hex'),
  };
}

/** Starts `count` services (logs `service-<n>.log` in `logDir`) and sets `rig.services`. */
export async function startServices(
  rig: Rig,
  settings: Record<string, string>,
  count: number,
  logDir: string,
): Promise<ServiceProcess[]> {
  await mkdir(logDir, { recursive: true });
  const env = serviceEnv(rig, settings);
  // All at once, as a deploy would: migrations run under an advisory lock, so they wait for each other.
  const results = await Promise.allSettled(
    Array.from({ length: count }, (_, k) =>
      startServiceProcess(env, join(logDir, `service-${k + 1}.log`), { signal: rig.stop }).then((s) => {
        rig.started.push(s);
        return s;
      }),
    ),
  );
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  // In the order asked for, so service-1.log is the first URL of a round-robin.
  rig.services = results.map((r) => (r as PromiseFulfilledResult<ServiceProcess>).value);
  return rig.services;
}

export interface ProcessReport {
  service: number;
  pid: number;
  peakRssMiB: number | undefined;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  log: string;
}

/** SIGTERM to every service (SIGKILL if one is still there after KILL_AFTER_MS); how each ended. */
export async function stopServices(services: ServiceProcess[]): Promise<ProcessReport[]> {
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

/**
 * The burst: POST /api/registrations with each of `emails`, round-robin over the rig's services, closed
 * loop at `concurrency`, on a thread of its own (so the client's work does not delay the stand-in on this
 * thread). `onAnswered` hears how many have answered so far; `fields` go into every sign-up. Returns the
 * answers (none for a request never sent because the run gave up) and how long it took.
 */
export async function burst(
  rig: Rig,
  emails: string[],
  concurrency: number,
  onAnswered: (done: number) => void = () => {},
  fields?: SignUpFields,
): Promise<{ sent: Sample[]; wallMs: number }> {
  const urls = rig.services.map((s) => `${s.url}/api/registrations`);
  const progress = progressLine();
  const start = performance.now();
  const { samples, wallMs } = await runLoadOnThread(
    { urls, emails, concurrency, ...(fields ? { fields } : {}) },
    (done) => {
      onAnswered(done);
      const rate = done / ((performance.now() - start) / 1000);
      progress.update(`burst: ${done}/${emails.length} answered, ${rate.toFixed(0)}/s`);
    },
    rig.stop,
  );
  const sent = samples.filter((s): s is Sample => s !== undefined);
  progress.done(`burst: ${sent.length}/${emails.length} answered in ${(wallMs / 1000).toFixed(1)} s`);
  checkStop(rig.stop);
  return { sent, wallMs };
}
