// CPU time of the PostgreSQL server's processes (backends, WAL writer, checkpointer, autovacuum…), read
// from Linux's /proc: what the database spent on a workload is the difference of two readings taken
// around it. Empty elsewhere.
import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks (10 ms) of CPU each running `postgres` process has used so far, by pid. */
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
      try {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) return;
        const fields = stat.slice(close + 2).split(' '); // fields[0] is field 3 (state)
        ticks.set(Number(pid), Number(fields[11]) + Number(fields[12])); // utime (14), stime (15)
      } catch {
        // the process ended meanwhile
      }
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
