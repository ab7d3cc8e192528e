// running → succeeded
import { sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { AttemptRecord, LeasedTask } from '../../ports/tasks.js';
import { heldBy, withAttemptRecord } from './attempt.js';

export async function completeTask(
  db: SqlDatabase,
  task: LeasedTask,
  attempt: AttemptRecord,
  result: unknown,
): Promise<boolean> {
  const update = sql`
    UPDATE tasks SET status = 'succeeded', result = ${JSON.stringify(result ?? null)}::jsonb,
      lease_owner = NULL, lease_expires_at = NULL, last_error = NULL, updated_at = now()
    WHERE ${heldBy(task)}
    RETURNING id, attempts`;
  const rows = await db.rows(withAttemptRecord(update, 'succeeded', attempt));
  return rows.length === 1;
}
