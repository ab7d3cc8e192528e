// The task figures behind /metrics and /api/admin/metrics: tasks by status and by kind
// (sql/count-tasks.ts), attempts by outcome, and how long the oldest due task has waited (the sign of a
// backlog or of delivery paused). Reads, no transition: three statements side by side, each one round trip.
// (What became of the emails — webhook events, suppressions — is the database adapter's: email-events.ts.)
import { sql } from 'drizzle-orm';
import type { TaskMetrics } from '../../ports/admin-store.js';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { AttemptOutcome } from '../../ports/tasks.js';
import { countTasks } from './count-tasks.js';

export async function deliveryMetrics(db: SqlDatabase): Promise<TaskMetrics> {
  const [counts, outcomes, oldest] = await Promise.all([
    countTasks(db),
    db.rows<{ outcome: AttemptOutcome; n: number }>(
      sql`SELECT outcome, count(*)::int AS n FROM task_attempts GROUP BY outcome`,
    ),
    db.rows<{ age: number | string | null }>(
      sql`SELECT extract(epoch FROM now() - min(created_at))::float8 AS age
          FROM tasks WHERE status = 'pending' AND run_at <= now()`,
    ),
  ]);
  const attemptsByOutcome: TaskMetrics['attemptsByOutcome'] = {};
  for (const { outcome, n } of outcomes) attemptsByOutcome[outcome] = Number(n);
  return { ...counts, attemptsByOutcome, oldestPendingAgeSeconds: Math.max(0, Number(oldest[0]?.age ?? 0)) };
}
