// running → cancelled, for a task its kind declined before its batch formed (`TaskKind.skip`: the
// address is suppressed): never sent and never retried, its reason kept as its result and its attempt.
import { sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { AttemptRecord, LeasedTask } from '../../ports/tasks.js';
import { heldBy, withAttemptRecord } from './attempt.js';

export async function skipTask(
  db: SqlDatabase,
  task: LeasedTask,
  attempt: AttemptRecord,
  reason: string,
): Promise<boolean> {
  const update = sql`
    UPDATE tasks SET status = 'cancelled', result = ${JSON.stringify({ skipped: reason })}::jsonb,
      lease_owner = NULL, lease_expires_at = NULL, last_error = NULL, updated_at = now()
    WHERE ${heldBy(task)} AND batch_id IS NULL
    RETURNING id, attempts`;
  const rows = await db.rows(withAttemptRecord(update, 'skipped', { ...attempt, error: reason }));
  return rows.length === 1;
}
