// The Node service as a real process of its own, for benchmarks that need several at once (each has
// its own event loop, database pool and sweeper, as in production). Started as `node dist/main.js`,
// the build `npm start` runs (built first when stale), not through `npm start`: no npm launcher in
// between, so the pid we signal is the service's own and SIGTERM reaches its graceful shutdown directly.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRY = join('dist', 'main.js');

/**
 * The Node flags `npm start` runs the service with (package.json's `start` script: `… exec node
 * <flags> dist/main.js`), so the benchmarks measure the process a deployment runs.
 */
export const START_NODE_FLAGS: string[] = startNodeFlags(
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start,
);

export function startNodeFlags(startScript: string): string[] {
  const match = /\bexec node((?: --[\w-]+(?:=\S+)?)*) dist\/main\.js$/.exec(startScript);
  if (!match)
    throw new Error(`package.json's start script does not end in "exec node [flags] dist/main.js": ${startScript}`);
  return (match[1] as string).split(' ').filter(Boolean);
}

let built = false;
/** `npm run build` if dist/ is older than the sources (once per bench process). */
export function buildIfStale(): void {
  if (built) return;
  execFileSync(process.execPath, [join('scripts', 'build.js'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  built = true;
}
/** What main.ts prints once it listens (PORT=0: the kernel picks a free port per process). */
const LISTENING = /listening on (http:\/\/\S+) \(pid (\d+)\)/;
const STDERR_KEPT = 8192;

export interface ServiceProcess {
  url: string;
  pid: number;
  /** The last few KiB of its stderr (start-up lines, errors); its JSON logs (stdout) are in `logPath`. */
  stderr(): string;
  logPath: string;
  /** Set once it has exited. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** SIGTERM (graceful: drains within SHUTDOWN_GRACE_MS), SIGKILL if it is still there after `killAfterMs`. */
  stop(killAfterMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Every child still running, so an exit of this process (a watchdog's process.exit) can end them too. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

export async function startServiceProcess(
  env: Record<string, string>,
  logPath: string,
  options: {
    timeoutMs?: number;
    signal?: AbortSignal;
    /** Node's arguments instead of the built entry `dist/main.js` (e.g. another bundle, with flags). */
    args?: string[];
  } = {},
): Promise<ServiceProcess> {
  // The JSON log lines go straight to a file: piping 10,000s of lines through this process would cost
  // the load generator CPU.
  buildIfStale();
  const log = openSync(logPath, 'w');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, options.args ?? [...START_NODE_FLAGS, ENTRY], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', ...env },
      stdio: ['ignore', log, 'pipe'],
    });
  } finally {
    closeSync(log); // the child has its own copy
  }
  running.add(child);
  let stderr = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      exit = { code, signal };
      resolveExit(exit);
    }),
  );
  // A spawn failure (e.g. no such executable) arrives as 'error', followed by 'exit'.
  child.on('error', (error) => {
    stderr = `${stderr}${String(error)}\n`.slice(-STDERR_KEPT);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT);
  });

  const stop = async (killAfterMs: number) => {
    if (!exit) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  const listening = await new Promise<RegExpExecArray>((resolveStart, reject) => {
    const fail = (why: string) => {
      cleanup();
      reject(new Error(`service process ${why}:\n${stderr}`));
    };
    const timer = setTimeout(
      () => fail(`did not listen within ${options.timeoutMs ?? 60_000} ms`),
      options.timeoutMs ?? 60_000,
    );
    const onData = () => {
      const match = LISTENING.exec(stderr);
      if (match) {
        cleanup();
        resolveStart(match);
      }
    };
    const onExit = (code: number | null) => fail(`exited with ${code} before listening`);
    const onAbort = () => fail('start abandoned');
    const cleanup = () => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    options.signal?.addEventListener('abort', onAbort);
  }).catch(async (error) => {
    await stop(5000);
    throw error;
  });

  return {
    url: listening[1] as string,
    pid: Number(listening[2]),
    stderr: () => stderr,
    logPath,
    exit: () => exit,
    stop,
  };
}

/** Current resident memory (VmRSS) of a process in MiB, from Linux's /proc; undefined elsewhere or once gone. */
export async function rssMiB(pid: number): Promise<number | undefined> {
  return statusMiB(pid, 'VmRSS');
}

/** Peak resident memory (VmHWM) of a process in MiB, from Linux's /proc; undefined elsewhere or once gone. */
export async function peakRssMiB(pid: number): Promise<number | undefined> {
  return statusMiB(pid, 'VmHWM');
}

async function statusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
    return kib === undefined ? undefined : Math.round(Number(kib) / 102.4) / 10;
  } catch {
    return undefined;
  }
}
