// Forming a batch: BEFORE the provider call, the lease holder writes the batch's id on exactly the tasks
// it will send in it — one statement, so the composition is on record as a whole or not at all. From
// then on, until the provider answers, these tasks are only ever sent together under that id (the
// Idempotency-Key), so a re-send after an unknown outcome is the same request and cannot send twice.
// Their leases are aligned too: should this process die, the whole batch expires at once and one
// claim takes it up again.
import { sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { LeasedTask } from '../../ports/tasks.js';
import { heldRows } from './id-list.js';

/** The ids of the tasks now in batch `batchId`: those of `tasks` this engine still held. */
export async function formBatch(
  db: SqlDatabase,
  batchId: string,
  tasks: LeasedTask[],
  leaseMs: number,
): Promise<string[]> {
  const held = JSON.stringify(tasks.map((t) => ({ id: t.id, attempts: t.attempts, owner: t.leaseOwner })));
  const rows = await db.rows<{ id: string }>(sql`
    UPDATE tasks SET batch_id = ${batchId}, lease_expires_at = now() + ${leaseMs} * interval '1 millisecond',
      updated_at = now()
    FROM jsonb_to_recordset(${held}::jsonb) AS h(id uuid, attempts int, owner text)
    WHERE ${heldRows(tasks.map((t) => t.id))} AND tasks.id = h.id AND tasks.lease_owner = h.owner
      AND tasks.attempts = h.attempts AND tasks.batch_id IS NULL
    RETURNING tasks.id`);
  return rows.map((r) => r.id);
}
