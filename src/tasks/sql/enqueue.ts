// Writing a task. Usually not a statement of its own but a fragment of the statement that stores what
// causes the task (the registration), so neither exists without the other — in ONE statement, because
// Neon's HTTP driver has no interactive transactions. A task is written already leased for the fast
// path (running, attempt 1: it runs right after the response, with no claim); one to `claim` is written
// pending, for a queue's consumer or a sweeper to claim when due, at `runAt` or now (sql/claim.ts).
//
// A keyed task is unique among its kind's pending and running tasks (the partial unique index
// tasks_live_key_idx). Writing a key that is taken either replaces the pending task's payload, priority
// and run_at (`replace`) or leaves it as it is (`keep`). A running task is never replaced, nor is a
// pending one whose last batch's outcome is unknown (it must be re-sent exactly as it was).
import { type SQL, sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { EnqueueResult, NewTask } from '../../ports/tasks.js';

const LIVE_KEY = sql`(kind, key) WHERE key IS NOT NULL AND status IN ('pending', 'running')`;

function onConflict(task: NewTask): SQL {
  if (!task.key) return sql``;
  if (task.key.mode === 'keep') return sql` ON CONFLICT ${LIVE_KEY} DO NOTHING`;
  return sql` ON CONFLICT ${LIVE_KEY} DO UPDATE
    SET payload = excluded.payload, run_at = excluded.run_at, priority = excluded.priority,
        trace_parent = excluded.trace_parent, updated_at = now()
    WHERE tasks.status = 'pending' AND tasks.batch_id IS NULL`;
}

/**
 * Columns of a task written for each row of its source, from that row (the enclosing statement's SQL):
 * an offer's email carries the runner's values, its expiry the offer's deadline and the runner's key.
 */
export interface TaskColumnsFrom {
  payload?: SQL;
  runAt?: SQL;
  key?: SQL;
}

/**
 * `INSERT INTO tasks …` of `task`, returning `id` and `inserted` (false: an existing task was replaced).
 * With `source` (a CTE of the enclosing statement returning the id of the registration the task belongs
 * to) the task is written for each of its rows — none: no task; `from` takes columns from that row.
 */
export function insertTask(task: NewTask, source?: SQL, from: TaskColumnsFrom = {}): SQL {
  const runAt = from.runAt ?? (task.runAt ? sql`${task.runAt.toISOString()}::timestamptz` : sql`now()`);
  const lease =
    task.start === 'claim'
      ? sql`'pending', 0, ${task.maxAttempts}, ${runAt}, NULL, NULL`
      : sql`'running', 1, ${task.maxAttempts}, now(), ${task.leaseOwner}, now() + ${task.leaseMs} * interval '1 millisecond'`;
  return sql`
    INSERT INTO tasks (id, kind, payload, status, attempts, max_attempts, run_at, lease_owner, lease_expires_at,
                       registration_id, trace_parent, priority, key)
    SELECT ${task.id}, ${task.kind}, ${from.payload ?? sql`${JSON.stringify(task.payload)}::jsonb`}, ${lease},
           ${source ? sql`${source}.id` : sql`NULL::uuid`}, ${task.traceParent ?? null}, ${task.priority},
           ${from.key ?? task.key?.value ?? null}
    ${source ? sql`FROM ${source}` : sql``}${onConflict(task)}
    RETURNING id, (xmax = 0) AS inserted`;
}

/** The task's CTEs for an enclosing `WITH`: `task_0 AS (…), task_1 AS (…)`, after a comma. */
export function insertTasks(tasks: readonly NewTask[], source: SQL, prefix = 'task'): SQL {
  return sql.join(
    tasks.map((task, i) => sql`, ${sql.raw(`${prefix}_${i}`)} AS (${insertTask(task, source)})`),
    sql``,
  );
}

/** A task on its own (not caused by a stored registration): inserted, or its key found taken. */
export async function enqueueTask(db: SqlDatabase, task: NewTask): Promise<EnqueueResult> {
  const statement = sql`
    WITH written AS (${insertTask(task)})
    SELECT id, CASE WHEN inserted THEN 'inserted' ELSE 'replaced' END AS outcome FROM written
    UNION ALL
    SELECT id, 'kept' FROM tasks
    WHERE kind = ${task.kind} AND key = ${task.key?.value ?? null} AND status IN ('pending', 'running')
      AND NOT EXISTS (SELECT 1 FROM written)`;
  // Twice at most: a task with the same key written by a statement that began after this one's snapshot
  // is invisible to the fallback SELECT — the second run sees it.
  for (let round = 0; round < 2; round++) {
    const [row] = await db.rows<EnqueueResult>(statement);
    if (row) return row;
  }
  throw new Error(`enqueue of a ${task.kind} task wrote nothing and found no task with its key`);
}
