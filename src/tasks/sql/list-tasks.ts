// The admin's task list: tasks of every kind with their history, newest first, keyset-paged
// (sql/keyset-page.ts), optionally of one status and one kind. A read, no transition. One statement:
// each task's attempts come with it as JSON, so a page is one round trip on every driver.
//
// Deliberately no payload: it carries the runner's email, and admins see registrations through their
// own list. A task's key and priority are shown (they say which work it is and how urgent).
import { type SQL, sql } from 'drizzle-orm';
import type { Page, TaskAttemptView, TaskListQuery, TaskView } from '../../ports/admin-store.js';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { AttemptOutcome } from '../../ports/tasks.js';
import { afterPosition, positionOf, toDate, toPage, whereAll } from './keyset-page.js';

type TimeField = 'runAt' | 'leaseExpiresAt' | 'createdAt' | 'updatedAt';

/** A row as the query names its columns (the view's own names); times and attempts as the driver gives them. */
type TaskRow = Omit<TaskView, TimeField | 'attemptsLog'> &
  Record<TimeField | 'attemptsLog', unknown> & { position: string };

interface AttemptJson {
  number: number;
  startedAtMs: number | string;
  durationMs: number;
  outcome: AttemptOutcome;
  error: string | null;
}

function parseJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function toTaskView(row: TaskRow): TaskView {
  const log = parseJson<AttemptJson[] | null>(row.attemptsLog) ?? [];
  return {
    id: row.id,
    kind: row.kind,
    key: row.key,
    priority: Number(row.priority),
    status: row.status,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.maxAttempts),
    runAt: toDate(row.runAt),
    leaseExpiresAt: row.leaseExpiresAt == null ? null : toDate(row.leaseExpiresAt),
    lastError: row.lastError,
    registrationId: row.registrationId,
    createdAt: toDate(row.createdAt),
    updatedAt: toDate(row.updatedAt),
    attemptsLog: log.map(
      (a): TaskAttemptView => ({
        number: Number(a.number),
        startedAt: new Date(Number(a.startedAtMs)),
        durationMs: Number(a.durationMs),
        outcome: a.outcome,
        error: a.error ?? null,
      }),
    ),
  };
}

export async function listTasks(db: SqlDatabase, query: TaskListQuery): Promise<Page<TaskView>> {
  const conditions: SQL[] = [];
  if (query.status) conditions.push(sql`t.status = ${query.status}`);
  if (query.kind !== undefined) conditions.push(sql`t.kind = ${query.kind}`);
  if (query.after) conditions.push(afterPosition('t', query.after));
  const rows = await db.rows<TaskRow>(
    sql`
      SELECT t.id, t.kind, t.key, t.priority, t.status, t.attempts, t.max_attempts AS "maxAttempts",
             t.run_at AS "runAt", t.lease_expires_at AS "leaseExpiresAt", t.last_error AS "lastError",
             t.registration_id AS "registrationId", t.created_at AS "createdAt", t.updated_at AS "updatedAt",
             ${positionOf('t')} AS position,
             (SELECT json_agg(json_build_object(
                       'number', a.number,
                       'startedAtMs', floor(extract(epoch FROM a.started_at) * 1000),
                       'durationMs', a.duration_ms,
                       'outcome', a.outcome,
                       'error', a.error) ORDER BY a.id)
                FROM task_attempts a WHERE a.task_id = t.id) AS "attemptsLog"
      FROM tasks t
      ${whereAll(conditions)}
      ORDER BY t.created_at DESC, t.id DESC
      LIMIT ${query.limit + 1}`,
  );
  return toPage(rows, query.limit, toTaskView);
}
