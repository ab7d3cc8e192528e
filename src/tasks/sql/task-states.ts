// Where some tasks stand now: what a queue consumer needs to ack or retry each message after a delivery.
import { sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { TaskState, TaskStatus } from '../../ports/tasks.js';
import { idList } from './id-list.js';

export async function taskStates(db: SqlDatabase, ids: string[]): Promise<Map<string, TaskState>> {
  if (ids.length === 0) return new Map();
  const rows = await db.rows<{
    id: string;
    status: TaskStatus;
    due_in_ms: number | string;
    lease_left_ms: number | string;
  }>(
    sql`
      SELECT id, status,
             GREATEST(0, ceil(extract(epoch FROM run_at - now()) * 1000))::int AS due_in_ms,
             GREATEST(0, ceil(extract(epoch FROM coalesce(lease_expires_at, now()) - now()) * 1000))::int AS lease_left_ms
      FROM tasks WHERE id IN (${idList(ids)})`,
  );
  return new Map(
    rows.map((r) => [r.id, { status: r.status, dueInMs: Number(r.due_in_ms), leaseLeftMs: Number(r.lease_left_ms) }]),
  );
}
