// The queue's scheduled tasks (Workers with EMAIL_QUEUE): pending tasks falling due within the next
// `windowMs`, with how long until each. The Cron sweeper announces them each minute with the queue's
// delay, so their messages arrive when they are due; windows of one minute each do not overlap, and a
// task whose window was missed (a Cron run skipped) is found overdue afterwards (sql/overdue.ts).
import { sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';

export async function upcomingTasks(
  db: SqlDatabase,
  limit: number,
  windowMs: number,
): Promise<{ id: string; dueInMs: number }[]> {
  const rows = await db.rows<{ id: string; due_in_ms: number | string }>(sql`
    SELECT id, ceil(extract(epoch FROM run_at - now()) * 1000)::int AS due_in_ms
    FROM tasks
    WHERE status = 'pending' AND run_at > now()
      AND run_at <= now() + ${Math.round(windowMs)} * interval '1 millisecond'
    ORDER BY priority, run_at
    LIMIT ${limit}`);
  return rows.map((r) => ({ id: r.id, dueInMs: Number(r.due_in_ms) }));
}
