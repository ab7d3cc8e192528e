// The shared send budget (one row of `send_budget`): the earliest time the next provider request may
// start. Reserving moves it on by one step, so requests from every process and isolate that share the
// database are spaced `stepMs` apart, in the order they asked. One statement each, so it works over
// Neon's HTTP driver too.
import { sql } from 'drizzle-orm';
import type { SqlDatabase } from '../../ports/sql-database.js';

export interface SlotRow {
  /** The slot's start, when one was reserved; null when the queue was longer than `maxWaitMs`. */
  reserved_wait_ms: number | null;
  /** How long until the queue frees up (when nothing was reserved). */
  queue_ms: number;
}

/**
 * Reserves the next slot if it starts within `maxWaitMs`. The CTE `current` sees the row as it was
 * before the upsert (a statement's parts share one snapshot), which says how long the queue is when
 * the slot is refused.
 */
export async function reserveSendSlot(
  db: SqlDatabase,
  name: string,
  stepMs: number,
  maxWaitMs: number,
): Promise<SlotRow> {
  const [row] = await db.rows<SlotRow>(sql`
    WITH current AS (SELECT next_at FROM send_budget WHERE name = ${name}),
    reserved AS (
      INSERT INTO send_budget AS b (name, next_at) VALUES (${name}, now() + ${stepMs} * interval '1 millisecond')
      ON CONFLICT (name) DO UPDATE
        SET next_at = greatest(b.next_at, now()) + ${stepMs} * interval '1 millisecond'
        WHERE b.next_at <= now() + ${maxWaitMs} * interval '1 millisecond'
      RETURNING next_at
    )
    SELECT
      (SELECT greatest(0, extract(epoch FROM next_at - now()) * 1000 - ${stepMs}) FROM reserved)::float8
        AS reserved_wait_ms,
      greatest(0, coalesce((SELECT extract(epoch FROM next_at - now()) * 1000 FROM current), 0))::float8
        AS queue_ms`);
  return { reserved_wait_ms: row?.reserved_wait_ms ?? null, queue_ms: Number(row?.queue_ms ?? 0) };
}

/** After a 429: no slot starts before `ms` from now, for anyone. */
export async function pushBackSends(db: SqlDatabase, name: string, ms: number): Promise<void> {
  await db.rows(sql`
    INSERT INTO send_budget AS b (name, next_at) VALUES (${name}, now() + ${ms} * interval '1 millisecond')
    ON CONFLICT (name) DO UPDATE SET next_at = greatest(b.next_at, now() + ${ms} * interval '1 millisecond')`);
}
