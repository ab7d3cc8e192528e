// running → pending, giving the attempt number back: for a task whose attempt never reached the
// provider (waiting for a rate slot at shutdown, delivery paused) — or, with `attempt`, reached it but
// hit an account-wide failure (bad key, quota) that says nothing about this task. Burns no attempt.
import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../adapters/db/database.js';
import type { AttemptRecord, LeasedTask } from '../../ports/store.js';
import { heldBy } from './attempt.js';

export async function releaseTask(
  db: Database,
  task: LeasedTask,
  delayMs: number,
  attempt?: AttemptRecord,
): Promise<boolean> {
  const update = sql`
    UPDATE tasks SET status = 'pending', attempts = attempts - 1,
      run_at = now() + ${Math.round(delayMs)} * interval '1 millisecond',
      lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
      ${attempt?.error ? sql`, last_error = ${attempt.error}` : sql``}
    WHERE ${heldBy(task)}
    RETURNING id, attempts + 1 AS attempts`;
  const query = attempt
    ? sql`
      WITH moved AS (${update})
      INSERT INTO task_attempts (task_id, number, started_at, duration_ms, outcome, error)
      SELECT id, attempts, ${attempt.startedAt.toISOString()}::timestamptz, ${Math.round(attempt.durationMs)},
             'paused', ${attempt.error ?? null}
      FROM moved
      RETURNING task_id`
    : update;
  const rows = await queryRows(db, query);
  return rows.length === 1;
}
