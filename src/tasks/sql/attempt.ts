// Shared pieces of the transitions. An attempt row is written in the SAME statement as the task's new
// state, so an attempt is never half-recorded (state changed but no history, or the reverse).
import { type SQL, sql } from 'drizzle-orm';
import type { AttemptOutcome, AttemptRecord, LeasedTask } from '../../ports/tasks.js';

/** The values of one attempt row, as SQL: constants, or columns of the rows it is recorded for. */
export interface AttemptValues {
  startedAt: SQL;
  durationMs: SQL;
  error: SQL;
  /** The batch the attempt was part of (a column of `from`); none by default. */
  batchId?: SQL;
}

/**
 * The one INSERT into task_attempts: an attempt of `outcome` for each row of `from` (a CTE or a
 * filtered one, with the task's `id` and the attempt's number as `attempts`).
 */
export function insertAttempts(from: SQL, outcome: AttemptOutcome, values: AttemptValues): SQL {
  return sql`
    INSERT INTO task_attempts (task_id, number, started_at, duration_ms, outcome, error, batch_id)
    SELECT id, attempts, ${values.startedAt}, ${values.durationMs}, ${outcome}, ${values.error},
           ${values.batchId ?? sql`NULL::uuid`}
    FROM ${from}`;
}

/** `WITH moved AS (<update returning id, attempts>) INSERT INTO task_attempts … RETURNING task_id` */
export function withAttemptRecord(update: SQL, outcome: AttemptOutcome, attempt: AttemptRecord): SQL {
  const values = {
    startedAt: sql`${attempt.startedAt.toISOString()}::timestamptz`,
    durationMs: sql`${Math.round(attempt.durationMs)}`,
    error: sql`${attempt.error ?? null}`,
  };
  return sql`
    WITH moved AS (${update})
    ${insertAttempts(sql`moved`, outcome, values)}
    RETURNING task_id`;
}

/**
 * The status a task goes back to when its attempt ends without success: pending (to be tried again),
 * unless a cancel came meanwhile (sql/cancel.ts) and no batch of unknown outcome holds it to a re-send.
 */
export const PENDING_UNLESS_CANCELLED = sql`CASE WHEN tasks.cancelled_at IS NOT NULL AND tasks.batch_id IS NULL
  THEN 'cancelled' ELSE 'pending' END`;

/** Only the holder of a live lease may finish a task. */
export function heldBy(task: LeasedTask): SQL {
  return sql`id = ${task.id} AND status = 'running' AND lease_owner = ${task.leaseOwner} AND attempts = ${task.attempts}`;
}
