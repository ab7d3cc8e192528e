// Recording a batch's outcome: every task of the batch gets its new state and its own attempt row
// (carrying the batch id) in ONE statement, so a batch is never half-recorded. Each task may end
// differently (one refused email is dead, the others succeeded). An `unknown` outcome keeps the tasks'
// batch id, so they will only be re-sent as this same batch.
import { sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { LeasedTask } from '../../ports/tasks.js';
import { heldRows } from './id-list.js';

export interface BatchTaskOutcome {
  task: LeasedTask;
  /** `failed`: pending again after `delayMs`; `paused`: the same, giving the attempt number back. */
  outcome: 'succeeded' | 'failed' | 'dead' | 'paused';
  error?: string;
  result?: unknown;
  delayMs?: number;
  /** The error itself, for traces and logs (not stored: `error` is its description). */
  cause?: unknown;
}

/** Whether the provider's answer proves what the batch's request sent. */
export type BatchOutcome = 'known' | 'unknown';

export interface BatchRecord {
  batchId: string;
  startedAt: Date;
  durationMs: number;
  /**
   * `unknown` (no answer, or an error answer to a re-send): the tasks stay in their batch, to be re-sent
   * only as it was. `known`: the batch id is cleared.
   */
  outcome: BatchOutcome;
}

/** The ids of the tasks recorded (those whose lease this engine still held). */
export async function finishBatch(
  db: SqlDatabase,
  batch: BatchRecord,
  outcomes: BatchTaskOutcome[],
): Promise<string[]> {
  const input = JSON.stringify(
    outcomes.map((o) => ({
      id: o.task.id,
      attempts: o.task.attempts,
      owner: o.task.leaseOwner,
      outcome: o.outcome,
      error: o.error ?? null,
      result: o.result ?? null,
      delay_ms: Math.round(o.delayMs ?? 0),
    })),
  );
  const rows = await db.rows<{ task_id: string }>(sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${input}::jsonb)
        AS x(id uuid, attempts int, owner text, outcome text, error text, result jsonb, delay_ms int)
    ),
    moved AS (
      UPDATE tasks SET
        status = CASE x.outcome WHEN 'succeeded' THEN 'succeeded' WHEN 'dead' THEN 'dead'
                   -- Cancelled meanwhile: not tried again, unless the batch must be re-sent as it was.
                   ELSE CASE WHEN tasks.cancelled_at IS NOT NULL AND ${batch.outcome === 'known'} THEN 'cancelled'
                             ELSE 'pending' END END,
        attempts = CASE WHEN x.outcome = 'paused' THEN tasks.attempts - 1 ELSE tasks.attempts END,
        run_at = CASE WHEN x.outcome IN ('failed', 'paused') THEN now() + x.delay_ms * interval '1 millisecond'
                      ELSE tasks.run_at END,
        result = CASE WHEN x.outcome = 'succeeded' THEN x.result ELSE tasks.result END,
        last_error = CASE WHEN x.outcome = 'succeeded' THEN NULL ELSE coalesce(x.error, tasks.last_error) END,
        batch_id = CASE WHEN ${batch.outcome === 'unknown'} THEN tasks.batch_id ELSE NULL END,
        lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
      FROM input x
      WHERE ${heldRows(outcomes.map((o) => o.task.id))} AND tasks.id = x.id AND tasks.lease_owner = x.owner
        AND tasks.attempts = x.attempts AND tasks.batch_id = ${batch.batchId}
      RETURNING tasks.id, x.attempts, x.outcome, x.error
    )
    INSERT INTO task_attempts (task_id, number, started_at, duration_ms, outcome, error, batch_id)
    SELECT id, attempts, ${batch.startedAt.toISOString()}::timestamptz, ${Math.round(batch.durationMs)}, outcome,
           error, ${batch.batchId}
    FROM moved
    RETURNING task_id`);
  return rows.map((r) => r.task_id);
}
