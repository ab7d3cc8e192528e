// The AdminStore port on a Drizzle database (every driver). Lists are keyset-paged newest first on
// (created_at desc, id desc); each read is one statement, and so is each write (the replay, the
// sessions): Neon's HTTP driver has no interactive transactions.
import { type SQL, sql } from 'drizzle-orm';
import type {
  AdminStore,
  DeliveryMetrics,
  Page,
  PagePosition,
  RegistrationListQuery,
  RegistrationView,
  TaskAttemptView,
  TaskListQuery,
  TaskView,
} from '../../ports/admin-store.js';
import { emailDeliveryStatus } from '../../ports/email-delivery.js';
import type { Strategy } from '../../ports/store.js';
import { type AttemptOutcome, TASK_STATUSES, type TaskStatus } from '../../ports/tasks.js';
import { replayDeadTask } from '../../tasks/sql/replay.js';
import { type Database, queryRows, sqlDatabase, toDate } from './database.js';
import { throwingStoreUnavailable } from './errors.js';

/** created_at as UTC text with microseconds: the exact value, so a cursor never skips or repeats rows. */
function positionOf(table: 't' | 'r'): SQL {
  return sql.raw(`to_char(${table}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);
}

/** Rows strictly after `after` in (created_at desc, id desc) order. */
function afterPosition(table: 't' | 'r', after: PagePosition): SQL {
  return sql`(${sql.raw(`${table}.created_at`)}, ${sql.raw(`${table}.id`)}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`;
}

function where(conditions: SQL[]): SQL {
  return conditions.length === 0 ? sql`` : sql`WHERE ${sql.join(conditions, sql` AND `)}`;
}

/** Fetches limit + 1 rows to know whether another page follows. */
function toPage<R extends { position: string; id: string }, T>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(map),
    next: rows.length > limit && last ? { createdAt: last.position, id: last.id } : null,
  };
}

/** `%`, `_` and the escape character itself match literally. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

interface TaskRow {
  id: string;
  kind: string;
  status: TaskStatus;
  attempts: number;
  max_attempts: number;
  run_at: unknown;
  lease_expires_at: unknown;
  last_error: string | null;
  registration_id: string | null;
  created_at: unknown;
  updated_at: unknown;
  position: string;
  attempts_log: unknown;
}

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
  const log = parseJson<AttemptJson[] | null>(row.attempts_log) ?? [];
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAt: toDate(row.run_at),
    leaseExpiresAt: row.lease_expires_at == null ? null : toDate(row.lease_expires_at),
    lastError: row.last_error,
    registrationId: row.registration_id,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
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

export async function listTasks(db: Database, query: TaskListQuery): Promise<Page<TaskView>> {
  const conditions: SQL[] = [];
  if (query.status) conditions.push(sql`t.status = ${query.status}`);
  if (query.after) conditions.push(afterPosition('t', query.after));
  // Deliberately no t.payload: it carries the runner's email.
  const rows = await queryRows<TaskRow>(
    db,
    sql`
      SELECT t.id, t.kind, t.status, t.attempts, t.max_attempts, t.run_at, t.lease_expires_at, t.last_error,
             t.registration_id, t.created_at, t.updated_at, ${positionOf('t')} AS position,
             (SELECT json_agg(json_build_object(
                       'number', a.number,
                       'startedAtMs', floor(extract(epoch FROM a.started_at) * 1000),
                       'durationMs', a.duration_ms,
                       'outcome', a.outcome,
                       'error', a.error) ORDER BY a.id)
                FROM task_attempts a WHERE a.task_id = t.id) AS attempts_log
      FROM tasks t
      ${where(conditions)}
      ORDER BY t.created_at DESC, t.id DESC
      LIMIT ${query.limit + 1}`,
  );
  return toPage(rows, query.limit, toTaskView);
}

interface RegistrationRow {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  address: string;
  distance: string;
  strategy: string;
  created_at: unknown;
  position: string;
  task_status: TaskStatus | null;
}

function toRegistrationView(row: RegistrationRow): RegistrationView {
  return {
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    address: row.address,
    distance: row.distance,
    strategy: row.strategy as Strategy,
    createdAt: toDate(row.created_at),
    emailStatus: emailDeliveryStatus(row.task_status ?? null),
  };
}

export async function listRegistrations(db: Database, query: RegistrationListQuery): Promise<Page<RegistrationView>> {
  const conditions: SQL[] = [];
  if (query.distance !== undefined) conditions.push(sql`r.distance = ${query.distance}`);
  if (query.strategy !== undefined) conditions.push(sql`r.strategy = ${query.strategy}`);
  if (query.q) {
    const pattern = likePattern(query.q);
    conditions.push(
      sql`(r.first_name ILIKE ${pattern} ESCAPE '\\' OR r.last_name ILIKE ${pattern} ESCAPE '\\'
           OR r.email ILIKE ${pattern} ESCAPE '\\')`,
    );
  }
  if (query.after) conditions.push(afterPosition('r', query.after));
  // The email status is the latest task's, as for GET /api/registrations/:id.
  const rows = await queryRows<RegistrationRow>(
    db,
    sql`
      SELECT r.id, r.first_name, r.last_name, r.email, r.address, r.distance, r.strategy, r.created_at,
             ${positionOf('r')} AS position,
             (SELECT t.status FROM tasks t WHERE t.registration_id = r.id
               ORDER BY t.created_at DESC LIMIT 1) AS task_status
      FROM registrations r
      ${where(conditions)}
      ORDER BY r.created_at DESC, r.id DESC
      LIMIT ${query.limit + 1}`,
  );
  return toPage(rows, query.limit, toRegistrationView);
}

export async function countTasksByStatus(db: Database): Promise<Record<TaskStatus, number>> {
  const rows = await queryRows<{ status: TaskStatus; n: number }>(
    db,
    sql`SELECT status, count(*)::int AS n FROM tasks GROUP BY status`,
  );
  const counts = Object.fromEntries(TASK_STATUSES.map((status) => [status, 0])) as Record<TaskStatus, number>;
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

export async function deliveryMetrics(db: Database): Promise<DeliveryMetrics> {
  const [tasksByStatus, outcomes, oldest] = await Promise.all([
    countTasksByStatus(db),
    queryRows<{ outcome: AttemptOutcome; n: number }>(
      db,
      sql`SELECT outcome, count(*)::int AS n FROM task_attempts GROUP BY outcome`,
    ),
    queryRows<{ age: number | string | null }>(
      db,
      sql`SELECT extract(epoch FROM now() - min(created_at))::float8 AS age
          FROM tasks WHERE status = 'pending' AND run_at <= now()`,
    ),
  ]);
  const attemptsByOutcome: DeliveryMetrics['attemptsByOutcome'] = {};
  for (const { outcome, n } of outcomes) attemptsByOutcome[outcome] = Number(n);
  return { tasksByStatus, attemptsByOutcome, oldestPendingAgeSeconds: Math.max(0, Number(oldest[0]?.age ?? 0)) };
}

// Sessions: times come from the database's clock only, so app servers with skewed clocks agree.

export async function createSession(db: Database, idHash: string, ttlMs: number): Promise<void> {
  // Signing in is rare, so it is where ended sessions are swept: the table stays as small as the
  // number of sessions started within the last TTL.
  await db.execute(sql`
    WITH ended AS (DELETE FROM admin_sessions WHERE expires_at <= now())
    INSERT INTO admin_sessions (id_hash, expires_at)
    VALUES (${idHash}, now() + ${Math.round(ttlMs)}::bigint * interval '1 millisecond')`);
}

export async function sessionActive(db: Database, idHash: string): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(
    db,
    sql`SELECT 1 AS one FROM admin_sessions WHERE id_hash = ${idHash} AND expires_at > now()`,
  );
  return rows.length > 0;
}

export async function deleteSession(db: Database, idHash: string): Promise<void> {
  await db.execute(sql`DELETE FROM admin_sessions WHERE id_hash = ${idHash}`);
}

export function createAdminStore(db: Database): AdminStore {
  // The replay is a task transition: its SQL is src/tasks/sql/replay.ts, run on the SqlDatabase port.
  const tasksDb = sqlDatabase(db);
  return throwingStoreUnavailable<AdminStore>({
    listTasks: (query) => listTasks(db, query),
    countTasksByStatus: () => countTasksByStatus(db),
    replayDeadTask: (id, extraAttempts) => replayDeadTask(tasksDb, id, extraAttempts),
    listRegistrations: (query) => listRegistrations(db, query),
    deliveryMetrics: () => deliveryMetrics(db),
    createSession: (idHash, ttlMs) => createSession(db, idHash, ttlMs),
    sessionActive: (idHash) => sessionActive(db, idHash),
    deleteSession: (idHash) => deleteSession(db, idHash),
  });
}
