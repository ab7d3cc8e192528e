// Shared piece of every finishing transition: the attempt row is written in the SAME statement as the
// task's new state, so an attempt is never half-recorded (state changed but no history, or the reverse).
import { type SQL, sql } from 'drizzle-orm';
import type { AttemptRecord, LeasedTask } from '../../ports/store.js';

export type AttemptOutcome = 'succeeded' | 'failed' | 'dead';

/** `WITH moved AS (<update returning id, attempts>) INSERT INTO task_attempts … RETURNING task_id` */
export function withAttemptRecord(update: SQL, outcome: AttemptOutcome, attempt: AttemptRecord): SQL {
  return sql`
    WITH moved AS (${update})
    INSERT INTO task_attempts (task_id, number, started_at, duration_ms, outcome, error)
    SELECT id, attempts, ${attempt.startedAt.toISOString()}::timestamptz, ${Math.round(attempt.durationMs)},
           ${outcome}, ${attempt.error ?? null}
    FROM moved
    RETURNING task_id`;
}

/** Only the holder of a live lease may finish a task. */
export function heldBy(task: LeasedTask): SQL {
  return sql`id = ${task.id} AND status = 'running' AND lease_owner = ${task.leaseOwner} AND attempts = ${task.attempts}`;
}
