// dead → pending, due now: an admin's replay of a dead letter, with `extraAttempts` more attempts on
// top of those already used. `attempts` is kept, so attempt numbers keep increasing and the history
// stays intact. Only a dead task is replayed: a live one has an engine on it.
//
// A task that died inside a batch whose last outcome was unknown still carries that batch's id: the
// provider may have accepted the whole batch under it. Replayed alone it would be re-sent under that
// key with another body (refused as invalid_idempotent_request), or, re-formed, possibly sent twice.
// So the batch's other dead tasks are replayed with it, and the batch goes again as it was: the same
// composition under the same key, which the provider answers without sending twice (within 24 h).
import { sql } from 'drizzle-orm';
import type { ReplayResult } from '../../ports/admin-store.js';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { TaskStatus } from '../../ports/tasks.js';

export async function replayDeadTask(db: SqlDatabase, id: string, extraAttempts: number): Promise<ReplayResult> {
  const replayed = await db.rows<{ id: string; attempts: number; max_attempts: number }>(
    sql`
      WITH target AS (SELECT id, batch_id FROM tasks WHERE id = ${id} AND status = 'dead')
      UPDATE tasks SET status = 'pending', run_at = now(), max_attempts = tasks.attempts + ${extraAttempts},
        lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
      FROM target
      WHERE tasks.status = 'dead'
        AND (tasks.id = target.id OR (target.batch_id IS NOT NULL AND tasks.batch_id = target.batch_id))
      RETURNING tasks.id, tasks.attempts, tasks.max_attempts`,
  );
  const row = replayed.find((r) => r.id === id);
  if (row) {
    return { outcome: 'replayed', id: row.id, attempts: Number(row.attempts), maxAttempts: Number(row.max_attempts) };
  }
  // Nothing replayed: say why (read after the update, so a concurrent replay shows as `pending`).
  const found = await db.rows<{ status: TaskStatus }>(sql`SELECT status FROM tasks WHERE id = ${id}`);
  const current = found[0];
  return current ? { outcome: 'not_dead', status: current.status } : { outcome: 'not_found' };
}
