// running → dead: kept with its history, never retried automatically, replayable by an admin.
import { sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { AttemptRecord, LeasedTask } from '../../ports/tasks.js';
import { heldBy, withAttemptRecord } from './attempt.js';

export async function deadLetterTask(db: SqlDatabase, task: LeasedTask, attempt: AttemptRecord): Promise<boolean> {
  const update = sql`
    UPDATE tasks SET status = 'dead', lease_owner = NULL, lease_expires_at = NULL,
      last_error = ${attempt.error ?? null}, updated_at = now()
    WHERE ${heldBy(task)}
    RETURNING id, attempts`;
  const rows = await db.rows(withAttemptRecord(update, 'dead', attempt));
  return rows.length === 1;
}
