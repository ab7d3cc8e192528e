// The queue's safety net (Workers with EMAIL_QUEUE): due tasks nobody has picked up for `graceMs` —
// their message was never enqueued or got lost — and abandoned ones whose lease expired that long ago
// (their consumer died and no redelivery claimed them). The sweeper announces them to the queue again.
// A pending one gets run_at = now(), so it is not announced again for another `graceMs`; an abandoned
// one is left as it is (the claim records its abandoned attempt) and announced each sweep until claimed.
// A second message for a task is harmless: the consumer's claim takes a task once.
import { sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';

export async function overdueTasks(db: SqlDatabase, limit: number, graceMs: number): Promise<string[]> {
  const since = sql`now() - ${Math.round(graceMs)} * interval '1 millisecond'`;
  const rows = await db.rows<{ id: string }>(
    sql`
      -- Two index-friendly scans, as in the claim.
      WITH pending AS (
        SELECT id FROM tasks WHERE status = 'pending' AND run_at <= ${since}
        ORDER BY run_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
      ),
      abandoned AS (
        SELECT id FROM tasks WHERE status = 'running' AND lease_expires_at < ${since}
        ORDER BY lease_expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
      ),
      bumped AS (
        UPDATE tasks SET run_at = now(), updated_at = now() FROM pending WHERE tasks.id = pending.id
        RETURNING tasks.id
      )
      SELECT id FROM bumped UNION ALL SELECT id FROM abandoned`,
  );
  return rows.map((r) => r.id);
}
