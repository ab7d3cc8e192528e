// Starting the service as a real process (`npm start`), as a newcomer or an operator would.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ServiceProcess {
  url: string;
  /** The service's own process (`node dist/main.js`), below npm. */
  pid: number;
  child: ChildProcess;
  output(): string;
  /**
   * SIGTERM/SIGINT go to the service's node process itself (npm would exit at once without waiting
   * for it); SIGKILL goes to the whole process group. Resolves with npm's exit code, which is the
   * service's own once it exits by itself.
   */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServiceProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceProcess> {
  // `detached`: npm leads a process group of its own, which holds the service (see commandsInGroup).
  const child = spawn('npm', ['start', '--silent'], {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      ...env,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let pid = 0;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+) \(pid (\d+)\)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        pid = Number(match[2]);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    pid,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.pid) process.kill(signal === 'SIGKILL' ? -child.pid : pid, signal);
      return exited;
    },
  };
}

/** The command line of every process in a process group (Linux: from /proc), e.g. `npm start`'s. */
export function commandsInGroup(groupId: number): string[][] {
  const commands: string[][] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name (field 2) may hold spaces and parentheses: the fields after it start after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== groupId) continue; // state, ppid, pgrp
      commands.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean));
    } catch {
      // gone meanwhile
    }
  }
  return commands;
}
