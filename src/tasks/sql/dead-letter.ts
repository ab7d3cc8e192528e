// running → dead: kept with its history, never retried automatically, replayable by an admin.
import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../adapters/db/database.js';
import type { AttemptRecord, LeasedTask } from '../../ports/store.js';
import { heldBy, withAttemptRecord } from './attempt.js';

export async function deadLetterTask(db: Database, task: LeasedTask, attempt: AttemptRecord): Promise<boolean> {
  const update = sql`
    UPDATE tasks SET status = 'dead', lease_owner = NULL, lease_expires_at = NULL,
      last_error = ${attempt.error ?? null}, updated_at = now()
    WHERE ${heldBy(task)}
    RETURNING id, attempts`;
  const rows = await queryRows(db, withAttemptRecord(update, 'dead', attempt));
  return rows.length === 1;
}
