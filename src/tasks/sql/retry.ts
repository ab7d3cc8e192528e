// running → pending, due again after `delayMs` (backoff or the provider's Retry-After); cancelled instead
// when a cancel came during the attempt.
import { sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { AttemptRecord, LeasedTask } from '../../ports/tasks.js';
import { heldBy, PENDING_UNLESS_CANCELLED, withAttemptRecord } from './attempt.js';

export async function retryTask(
  db: SqlDatabase,
  task: LeasedTask,
  attempt: AttemptRecord,
  delayMs: number,
): Promise<boolean> {
  const update = sql`
    UPDATE tasks SET status = ${PENDING_UNLESS_CANCELLED}, run_at = now() + ${Math.round(delayMs)} * interval '1 millisecond',
      lease_owner = NULL, lease_expires_at = NULL, last_error = ${attempt.error ?? null}, updated_at = now()
    WHERE ${heldBy(task)}
    RETURNING id, attempts`;
  const rows = await db.rows(withAttemptRecord(update, 'failed', attempt));
  return rows.length === 1;
}
