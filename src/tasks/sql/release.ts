// running → pending, giving the attempt number back: for a task whose attempt never reached the
// provider (waiting for a rate slot at shutdown, delivery paused) — or, with `attempt`, reached it but
// hit an account-wide failure (bad key, quota) that says nothing about this task. Burns no attempt.
import { sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { AttemptRecord, LeasedTask } from '../../ports/tasks.js';
import { heldBy, PENDING_UNLESS_CANCELLED, withAttemptRecord } from './attempt.js';

export async function releaseTask(
  db: SqlDatabase,
  task: LeasedTask,
  delayMs: number,
  attempt?: AttemptRecord,
): Promise<boolean> {
  // Returns the attempt's own number (before it is given back), the one its record carries.
  const update = sql`
    UPDATE tasks SET status = ${PENDING_UNLESS_CANCELLED}, attempts = attempts - 1,
      run_at = now() + ${Math.round(delayMs)} * interval '1 millisecond',
      lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
      ${attempt?.error ? sql`, last_error = ${attempt.error}` : sql``}
    WHERE ${heldBy(task)}
    RETURNING id, attempts + 1 AS attempts`;
  const rows = await db.rows(attempt ? withAttemptRecord(update, 'paused', attempt) : update);
  return rows.length === 1;
}
