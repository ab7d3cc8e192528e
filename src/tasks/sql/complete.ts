// running → succeeded
import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../adapters/db/database.js';
import type { AttemptRecord, LeasedTask } from '../../ports/store.js';
import { heldBy, withAttemptRecord } from './attempt.js';

export async function completeTask(
  db: Database,
  task: LeasedTask,
  attempt: AttemptRecord,
  result: unknown,
): Promise<boolean> {
  const update = sql`
    UPDATE tasks SET status = 'succeeded', result = ${JSON.stringify(result ?? null)}::jsonb,
      lease_owner = NULL, lease_expires_at = NULL, last_error = NULL, updated_at = now()
    WHERE ${heldBy(task)}
    RETURNING id, attempts`;
  const rows = await queryRows(db, withAttemptRecord(update, 'succeeded', attempt));
  return rows.length === 1;
}
