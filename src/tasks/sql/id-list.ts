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

/**
 * `id = ANY(…)` of task ids as ONE text parameter cast to uuid[] (every driver binds a string alike, and
 * the statement's text stays the same whatever the number of ids, so it is prepared once). The ids are
 * our own rows' uuids. `ids` must not be empty.
 */
function idArray(ids: string[]): SQL {
  return sql`${`{${ids.join(',')}}`}::uuid[]`;
}

/**
 * The held tasks' rows, found by primary key. A statement that joins its input to `tasks` on id while
 * also asking `status = 'running'` lets the planner pick the status index instead (its statistics say
 * few tasks run): under load that index's `running` range is mostly row versions the same churn has
 * just left behind (each task is inserted running, then updated twice), so every batch walked more of
 * them. `(status = 'running') IS TRUE` means the same but is no index condition: the rows come from the
 * primary key, and the status is checked on each.
 */
export function heldRows(ids: string[]): SQL {
  return sql`tasks.id = ANY(${idArray(ids)}) AND (tasks.status = 'running') IS TRUE`;
}
