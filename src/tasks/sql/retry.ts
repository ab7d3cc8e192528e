// running → pending, due again after `delayMs` (backoff or the provider's Retry-After)
import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../adapters/db/database.js';
import type { AttemptRecord, LeasedTask } from '../../ports/store.js';
import { heldBy, withAttemptRecord } from './attempt.js';

export async function retryTask(
  db: Database,
  task: LeasedTask,
  attempt: AttemptRecord,
  delayMs: number,
): Promise<boolean> {
  const update = sql`
    UPDATE tasks SET status = 'pending', run_at = now() + ${Math.round(delayMs)} * interval '1 millisecond',
      lease_owner = NULL, lease_expires_at = NULL, last_error = ${attempt.error ?? null}, updated_at = now()
    WHERE ${heldBy(task)}
    RETURNING id, attempts`;
  const rows = await queryRows(db, withAttemptRecord(update, 'failed', attempt));
  return rows.length === 1;
}
