// pending → cancelled, by key, in ONE statement; or, for a task whose attempt may already be sending (it
// is running, or pending after a batch whose outcome is unknown), a note that it was cancelled
// (`cancelled_at`): that attempt finishes as it would have, and whatever would have come next instead
// ends it as cancelled (sql/retry.ts, sql/release.ts, sql/finish-batch.ts, sql/claim.ts).
//
// A cancel racing a claim: both take the row lock. If the cancel has it first, the claim skips the row
// (SKIP LOCKED) and finds it cancelled afterwards. If the claim has it first, the cancel waits for it and
// re-reads the row: now running, so it answers `too-late`. Never both cancelled and sent.
import { type SQL, sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { CancelResult } from '../../ports/tasks.js';

/** What a cancel does to a live task: see the top of this file. */
const CANCEL = sql`
      status = CASE WHEN tasks.status = 'pending' AND tasks.batch_id IS NULL THEN 'cancelled' ELSE tasks.status END,
      cancelled_at = now(), updated_at = now()`;

/**
 * A fragment for an enclosing `WITH`: cancels the live tasks of `kind` that belong to the registrations
 * of `source` (a CTE returning `id`), as `cancelTask` does: a withdrawal's reminders.
 */
export function cancelTasksOf(name: string, kind: string, source: SQL): SQL {
  return sql`, ${sql.raw(name)} AS (
    UPDATE tasks SET ${CANCEL}
    FROM ${source}
    WHERE tasks.registration_id = ${source}.id AND tasks.kind = ${kind} AND tasks.status IN ('pending', 'running')
    RETURNING tasks.id
  )`;
}

export async function cancelTask(db: SqlDatabase, kind: string, key: string): Promise<CancelResult> {
  const [row] = await db.rows<{ status: string }>(sql`
    WITH target AS (
      SELECT id FROM tasks
      WHERE kind = ${kind} AND key = ${key} AND status IN ('pending', 'running')
      FOR UPDATE
    )
    UPDATE tasks SET ${CANCEL}
    FROM target WHERE tasks.id = target.id
    RETURNING tasks.status`);
  if (row) return row.status === 'cancelled' ? 'cancelled' : 'too-late';
  // No live task: one that has already succeeded was too late to cancel.
  const [done] = await db.rows<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM tasks WHERE kind = ${kind} AND key = ${key} AND status = 'succeeded'`);
  return done && Number(done.n) > 0 ? 'too-late' : 'not-found';
}
