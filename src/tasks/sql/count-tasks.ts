// How many tasks are in each status, in all and per kind: the admin's counts and the metrics. A read,
// no transition. One GROUP BY over (kind, status), which the index tasks_kind_status_idx answers; the
// totals per status are the sums of the kinds', so the two can never disagree.
import { sql } from 'drizzle-orm';
import type { TaskCounts, TaskStatusCounts } from '../../ports/admin-store.js';
import type { SqlDatabase } from '../../ports/sql-database.js';
import { TASK_STATUSES, type TaskStatus } from '../../ports/tasks.js';

/** Every status at 0. */
function noTasks(): TaskStatusCounts {
  return Object.fromEntries(TASK_STATUSES.map((status) => [status, 0])) as TaskStatusCounts;
}

export async function countTasks(db: SqlDatabase): Promise<TaskCounts> {
  const rows = await db.rows<{ kind: string; status: TaskStatus; n: number }>(
    sql`SELECT kind, status, count(*)::int AS n FROM tasks GROUP BY kind, status ORDER BY kind, status`,
  );
  const tasksByStatus = noTasks();
  const tasksByKind: Record<string, TaskStatusCounts> = {};
  for (const row of rows) {
    const n = Number(row.n);
    tasksByStatus[row.status] += n;
    tasksByKind[row.kind] ??= noTasks();
    tasksByKind[row.kind]![row.status] = n;
  }
  return { tasksByStatus, tasksByKind };
}
