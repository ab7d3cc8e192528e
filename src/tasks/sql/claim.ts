// pending (due) → running, and running (lease expired) → running under a new lease.
// FOR UPDATE SKIP LOCKED: any number of sweepers can claim side by side without taking the same task.
import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../adapters/db/database.js';
import type { LeasedTask } from '../../ports/store.js';

interface ClaimedRow {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  lease_owner: string;
}

export async function claimTasks(db: Database, owner: string, limit: number, leaseMs: number): Promise<LeasedTask[]> {
  const rows = await queryRows<ClaimedRow>(
    db,
    sql`
      WITH due AS (
        SELECT id FROM tasks
        WHERE (status = 'pending' AND run_at <= now())
           OR (status = 'running' AND lease_expires_at < now())
        ORDER BY run_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE tasks SET status = 'running', attempts = tasks.attempts + 1, lease_owner = ${owner},
        lease_expires_at = now() + ${leaseMs} * interval '1 millisecond', updated_at = now()
      FROM due WHERE tasks.id = due.id
      RETURNING tasks.id, tasks.kind, tasks.payload, tasks.attempts, tasks.max_attempts, tasks.lease_owner`,
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    leaseOwner: r.lease_owner,
  }));
}
