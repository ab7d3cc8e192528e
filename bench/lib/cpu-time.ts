// CPU time of processes, read from Linux's /proc/<pid>/stat: what a workload cost is the difference of
// two readings taken around it. Undefined or empty elsewhere.
import { readdir, readFile } from 'node:fs/promises';

/** A process' command name and the clock ticks (10 ms) of CPU (user + system) it has used so far. */
async function processCpu(pid: number | string): Promise<{ command: string; ticks: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name sits in parentheses and may contain spaces; the fields after it start at field 3.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return {
      command: stat.slice(stat.indexOf('(') + 1, close),
      ticks: Number(fields[11]) + Number(fields[12]), // utime (field 14), stime (field 15)
    };
  } catch {
    return undefined; // not Linux, or the process has ended
  }
}

/** CPU time a process has used so far, in ms. */
export async function processCpuMs(pid: number): Promise<number | undefined> {
  const cpu = await processCpu(pid);
  return cpu && cpu.ticks * 10;
}

/**
 * Clock ticks each running PostgreSQL process (backends, WAL writer, checkpointer, autovacuum…) has
 * used so far, by pid.
 */
export async function postgresCpuTicks(): Promise<Map<number, number>> {
  const ticks = new Map<number, number>();
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  } catch {
    return ticks;
  }
  await Promise.all(
    pids.map(async (pid) => {
      const cpu = await processCpu(pid);
      if (cpu?.command.startsWith('postgres')) ticks.set(Number(pid), cpu.ticks);
    }),
  );
  return ticks;
}

/**
 * Milliseconds of CPU PostgreSQL used between two readings. A process that started in between counts
 * from zero; one that ended in between is lost (a pool's connections live across a measurement).
 */
export function postgresCpuMsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks * 10;
}

/** The ids of this process' children named `command` (e.g. the workerd a Miniflare started). */
export async function childProcesses(command: string): Promise<number[]> {
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  const found: number[] = [];
  await Promise.all(
    pids.map(async (pid) => {
      try {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        const ppid = Number(stat.slice(close + 2).split(' ')[1]);
        if (ppid === process.pid && stat.slice(stat.indexOf('(') + 1, close) === command) found.push(Number(pid));
      } catch {
        // ended meanwhile
      }
    }),
  );
  return found;
}
