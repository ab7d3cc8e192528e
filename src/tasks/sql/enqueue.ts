// → running (attempt 1, leased to the enqueuing engine): the outbox write. Not a statement of its own
// but a fragment of the statement that stores what causes the task (the registration), so neither
// exists without the other — in ONE statement, because Neon's HTTP driver has no interactive
// transactions. The task is written already leased for the fast path: its first attempt runs right
// after the response, with no claim. A `queued` task is written pending and due instead: the queue's
// consumer claims it by id (sql/claim.ts), and if its message never comes, the sweeper finds it.
import { type SQL, sql } from 'drizzle-orm';
import type { NewLeasedTask } from '../../ports/tasks.js';

/**
 * `INSERT INTO tasks …` of `task` for the row of `source`: a CTE of the enclosing statement that
 * returns the id of the registration the task belongs to (no row: no task).
 */
export function insertLeasedTask(task: NewLeasedTask, source: SQL): SQL {
  const lease = task.queued
    ? sql`'pending', 0, ${task.maxAttempts}, now(), NULL, NULL`
    : sql`'running', 1, ${task.maxAttempts}, now(), ${task.leaseOwner}, now() + ${task.leaseMs} * interval '1 millisecond'`;
  return sql`
    INSERT INTO tasks (id, kind, payload, status, attempts, max_attempts, run_at, lease_owner, lease_expires_at,
                       registration_id, trace_parent)
    SELECT ${task.id}, ${task.kind}, ${JSON.stringify(task.payload)}::jsonb, ${lease}, ${source}.id,
           ${task.traceParent ?? null}
    FROM ${source}`;
}
