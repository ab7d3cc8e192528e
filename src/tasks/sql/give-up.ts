// pending (or abandoned) → dead, for tasks whose messages the queue gave up on (Cloudflare Queues moved
// them to the dead-letter queue after max_retries): kept with their history and replayable by an admin,
// like any dead letter. A task some engine holds now is left alone: its holder records its outcome.
// A batch whose outcome is unknown travels whole, so its other waiting tasks go with it (as in the claim).
import { sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';
import { idList } from './id-list.js';

export async function giveUpTasks(db: SqlDatabase, ids: string[], reason: string): Promise<string[]> {
  if (ids.length === 0) return [];
  const waiting = (t: string) =>
    sql.raw(`(${t}.status = 'pending' OR (${t}.status = 'running' AND ${t}.lease_expires_at < now()))`);
  const rows = await db.rows<{ id: string }>(
    sql`
      WITH target AS (
        SELECT id, batch_id FROM tasks t
        WHERE t.id IN (${idList(ids)}) AND ${waiting('t')}
        FOR UPDATE SKIP LOCKED
      ),
      members AS (
        SELECT m.id FROM tasks m
        WHERE m.id IN (SELECT id FROM target)
           OR (m.batch_id IN (SELECT batch_id FROM target WHERE batch_id IS NOT NULL) AND ${waiting('m')})
        FOR UPDATE SKIP LOCKED
      )
      UPDATE tasks SET status = 'dead', lease_owner = NULL, lease_expires_at = NULL, last_error = ${reason},
        updated_at = now()
      FROM members WHERE tasks.id = members.id
      RETURNING tasks.id`,
  );
  return rows.map((r) => r.id);
}
