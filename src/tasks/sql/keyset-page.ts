// Keyset paging newest first, on (created_at desc, id desc): the admin's lists — the tasks
// (sql/list-tasks.ts) and the registrations (src/adapters/db/admin-store.ts), which page alike. A page
// ends at a position (its last row's created_at and id) instead of an offset, so rows written meanwhile
// never make a row skip or repeat, and a later page costs no more than the first.
import { type SQL, sql } from 'drizzle-orm';
import type { Page, PagePosition } from '../../ports/admin-store.js';

/** The alias the list's table has in its query. */
export type PagedTable = 't' | 'r';

/** created_at as UTC text with microseconds: the exact value, so a cursor never skips or repeats rows. */
export function positionOf(table: PagedTable): SQL {
  return sql.raw(`to_char(${table}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);
}

/** Rows strictly after `after` in (created_at desc, id desc) order. */
export function afterPosition(table: PagedTable, after: PagePosition): SQL {
  return sql`(${sql.raw(`${table}.created_at`)}, ${sql.raw(`${table}.id`)}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`;
}

/** `WHERE a AND b …`, or nothing without conditions. */
export function whereAll(conditions: SQL[]): SQL {
  return conditions.length === 0 ? sql`` : sql`WHERE ${sql.join(conditions, sql` AND `)}`;
}

/** A page from limit + 1 rows (the query fetches one more to know whether another page follows). */
export function toPage<R extends { position: string; id: string }, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
): Page<T> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(map),
    next: rows.length > limit && last ? { createdAt: last.position, id: last.id } : null,
  };
}

/** A timestamp as the drivers return it: a Date (pg, PGlite) or text (some HTTP paths). */
export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}
