// When the next task falls due (a pending task's run_at, or a running task's lease running out), in
// milliseconds from now by the database's clock: the Node sweeper sets its timer to it, so a scheduled
// task starts on time without polling faster. Null when there is nothing to wait for.
import { sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';

export async function nextDueInMs(db: SqlDatabase): Promise<number | null> {
  const [row] = await db.rows<{ ms: number | string | null }>(sql`
    SELECT GREATEST(0, ceil(extract(epoch FROM least(
      (SELECT min(run_at) FROM tasks WHERE status = 'pending'),
      (SELECT min(lease_expires_at) FROM tasks WHERE status = 'running')
    ) - now()) * 1000))::float8 AS ms`);
  return row?.ms === null || row?.ms === undefined ? null : Number(row.ms);
}
