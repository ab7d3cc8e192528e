// dead → pending, due now: an admin's replay of a dead letter, with `extraAttempts` more attempts on
// top of those already used. `attempts` is kept, so attempt numbers keep increasing and the history
// stays intact; the id (the provider's Idempotency-Key) is unchanged, so replaying a task that was in
// fact delivered cannot send twice. Only a dead task is replayed: a live one has an engine on it.
import { sql } from 'drizzle-orm';
import type { ReplayResult } from '../../ports/admin-store.js';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { TaskStatus } from '../../ports/tasks.js';

export async function replayDeadTask(db: SqlDatabase, id: string, extraAttempts: number): Promise<ReplayResult> {
  const replayed = await db.rows<{ id: string; attempts: number; max_attempts: number }>(
    sql`
      UPDATE tasks SET status = 'pending', run_at = now(), max_attempts = attempts + ${extraAttempts},
        lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
      WHERE id = ${id} AND status = 'dead'
      RETURNING id, attempts, max_attempts`,
  );
  const row = replayed[0];
  if (row) {
    return { outcome: 'replayed', id: row.id, attempts: Number(row.attempts), maxAttempts: Number(row.max_attempts) };
  }
  // Nothing replayed: say why (read after the update, so a concurrent replay shows as `pending`).
  const found = await db.rows<{ status: TaskStatus }>(sql`SELECT status FROM tasks WHERE id = ${id}`);
  const current = found[0];
  return current ? { outcome: 'not_dead', status: current.status } : { outcome: 'not_found' };
}
