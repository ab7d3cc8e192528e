// `IN (…)` of task ids as one bound parameter each: every driver (PGlite, node-postgres, Neon HTTP)
// binds plain strings alike, where array parameters differ between them.
import { type SQL, sql } from 'drizzle-orm';

/** The inside of `id IN (…)`; `ids` must not be empty (callers return early). */
export function idList(ids: string[]): SQL {
  return sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
}
