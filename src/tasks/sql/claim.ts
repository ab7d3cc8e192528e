// pending (due) → running, and running (lease expired) → running under a new lease.
// FOR UPDATE SKIP LOCKED: any number of sweepers can claim side by side without taking the same task.
//
// A running task whose lease expired was being attempted by a process that died: that attempt is
// recorded as `abandoned` (its outcome is unknown — the provider may have accepted the email, which the
// Idempotency-Key makes harmless). If it was the last allowed attempt, the task becomes a dead letter
// instead of being retried forever.
//
// Batches travel whole: a task that carries a batch id (sent in a batch whose outcome is unknown) is
// claimed only together with every other live task of its batch, which the claim adds when it picks
// one of them. If it cannot have them all (another claim holds some — SKIP LOCKED — or they are not
// due), it leaves the whole batch untouched: the rows it locked are not updated, so no attempt is
// burned, and a later claim takes the batch as a whole. A batch runs out of attempts as a whole too.
//
// Given `ids` (a queue consumer's messages), only those tasks are picked — still only when due or
// abandoned, so a message that comes early, late or twice claims nothing it should not.
import { type SQL, sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { LeasedTask } from '../../ports/tasks.js';
import { insertAttempts } from './attempt.js';
import { idList } from './id-list.js';

interface ClaimedRow {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  lease_owner: string;
  status: string;
  trace_parent: string | null;
  batch_id: string | null;
}

/** What the claim records for the attempt under an expired lease (the attempt's own start and length). */
const ABANDONED = {
  startedAt: sql`leased_at`,
  durationMs: sql`GREATEST(0, (extract(epoch FROM expired_at - leased_at) * 1000)::int)`,
  error: sql`${'lease expired: the process running the attempt stopped'}`,
  batchId: sql`batch_id`,
};

export async function claimTasks(
  db: SqlDatabase,
  owner: string,
  limit: number,
  leaseMs: number,
  ids?: string[],
): Promise<LeasedTask[]> {
  if (ids?.length === 0) return [];
  const only: SQL = ids ? sql`AND id IN (${idList(ids)})` : sql``;
  const rows = await db.rows<ClaimedRow>(
    sql`
      -- Two index-friendly scans (an OR of both conditions would read and sort every due row).
      WITH expired AS (
        SELECT id, status AS was, attempts, max_attempts, updated_at AS leased_at, lease_expires_at AS expired_at,
               batch_id, cancelled_at
        FROM tasks
        WHERE status = 'running' AND lease_expires_at < now() ${only}
        ORDER BY priority, lease_expires_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      ),
      pending AS (
        SELECT id, status AS was, attempts, max_attempts, updated_at AS leased_at, lease_expires_at AS expired_at,
               batch_id, cancelled_at
        FROM tasks
        WHERE status = 'pending' AND run_at <= now() ${only}
        -- Lower priority first, then the longest due: the send budget goes to the most urgent work.
        ORDER BY priority, run_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      ),
      -- Abandoned attempts first: they have waited longest.
      picked AS (SELECT * FROM expired UNION ALL SELECT * FROM pending LIMIT ${limit}),
      -- The other due tasks of the batches picked: a batch is sent whole or not at all.
      mates AS (
        SELECT id, status AS was, attempts, max_attempts, updated_at AS leased_at, lease_expires_at AS expired_at,
               batch_id, cancelled_at
        FROM tasks
        WHERE batch_id IN (SELECT batch_id FROM picked WHERE batch_id IS NOT NULL)
          AND id NOT IN (SELECT id FROM picked)
          AND ((status = 'pending' AND run_at <= now()) OR (status = 'running' AND lease_expires_at < now()))
        FOR UPDATE SKIP LOCKED
      ),
      candidates AS (SELECT * FROM picked UNION ALL SELECT * FROM mates),
      -- A batch with a live task outside the candidates (held by another claim, or not due) stays as it is.
      whole AS (
        SELECT c.* FROM candidates c
        WHERE c.batch_id IS NULL OR NOT EXISTS (
          SELECT 1 FROM tasks t
          WHERE t.batch_id = c.batch_id AND t.status IN ('pending', 'running')
            AND t.id NOT IN (SELECT id FROM candidates))
      ),
      -- Out of attempts: a task alone, or a batch as soon as one of its tasks is (it cannot go without it).
      due AS (
        SELECT *, bool_or(attempts >= max_attempts AND was = 'running')
                    OVER (PARTITION BY coalesce(batch_id, id)) AS exhausted,
               -- Cancelled while its attempt ran, and no batch of unknown outcome to re-send: it ends here.
               (cancelled_at IS NOT NULL AND batch_id IS NULL) AS cancelled
        FROM whole
      ),
      abandoned AS (${insertAttempts(sql`due WHERE was = 'running'`, 'abandoned', ABANDONED)})
      UPDATE tasks SET
        status = CASE WHEN due.exhausted THEN 'dead' WHEN due.cancelled THEN 'cancelled' ELSE 'running' END,
        attempts = CASE WHEN due.exhausted OR due.cancelled THEN tasks.attempts ELSE tasks.attempts + 1 END,
        lease_owner = CASE WHEN due.exhausted OR due.cancelled THEN NULL ELSE ${owner} END,
        lease_expires_at = CASE WHEN due.exhausted OR due.cancelled THEN NULL
                                ELSE now() + ${leaseMs} * interval '1 millisecond' END,
        last_error = CASE WHEN due.exhausted THEN 'lease expired on the last attempt' ELSE tasks.last_error END,
        updated_at = now()
      FROM due WHERE tasks.id = due.id
      RETURNING tasks.id, tasks.kind, tasks.payload, tasks.attempts, tasks.max_attempts, tasks.lease_owner,
                tasks.status, tasks.trace_parent, tasks.batch_id`,
  );
  return rows
    .filter((r) => r.status === 'running')
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
      attempts: Number(r.attempts),
      maxAttempts: Number(r.max_attempts),
      leaseOwner: r.lease_owner,
      traceParent: r.trace_parent,
      batchId: r.batch_id,
    }));
}
