// When the next task falls due (a pending task's run_at, or a running task's lease running out), in
// milliseconds from now by the database's clock: the Node sweeper sets its timer to it, so a scheduled
// task starts on time without polling faster. Null when there is nothing to wait for.
import { sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';

export async function nextDueInMs(db: SqlDatabase): Promise<number | null> {
  // (GREATEST skips NULLs, so with nothing waiting it would say 0: the NULL is kept apart.)
  const [row] = await db.rows<{ ms: number | string | null }>(sql`
    WITH next AS (
      SELECT least(
        (SELECT min(run_at) FROM tasks WHERE status = 'pending'),
        (SELECT min(lease_expires_at) FROM tasks WHERE status = 'running')
      ) AS at
    )
    SELECT CASE WHEN at IS NULL THEN NULL
                ELSE GREATEST(0, ceil(extract(epoch FROM at - now()) * 1000))::float8 END AS ms
    FROM next`);
  return row?.ms === null || row?.ms === undefined ? null : Number(row.ms);
}
