// The AdminStore port on a Drizzle database (every driver). Lists are keyset-paged newest first on
// (created_at desc, id desc); each read is one statement, and so is each write (the replay, the
// sessions): Neon's HTTP driver has no interactive transactions. What it reads and writes of the task
// table is task SQL, in src/tasks/sql/ (list-tasks, count-tasks, delivery-metrics, replay), run on the
// SqlDatabase port; the registrations and the sessions are its own.
import { type SQL, sql } from 'drizzle-orm';
import type {
  AdminStore,
  Page,
  RegistrationListQuery,
  RegistrationView,
  ReplayResult,
} from '../../ports/admin-store.js';
import { emailDeliveryStatus } from '../../ports/email-delivery.js';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { Strategy } from '../../ports/store.js';
import type { TaskStatus } from '../../ports/tasks.js';
import { SEND_CONFIRMATION_EMAIL } from '../../tasks/kinds/send-confirmation-email.js';
import { countTasks } from '../../tasks/sql/count-tasks.js';
import { deliveryMetrics } from '../../tasks/sql/delivery-metrics.js';
import { afterPosition, positionOf, toDate, toPage, whereAll } from '../../tasks/sql/keyset-page.js';
import { listTasks } from '../../tasks/sql/list-tasks.js';
import { replayDeadTask } from '../../tasks/sql/replay.js';
import { type Database, queryRows, sqlDatabase } from './database.js';
import { postgresErrorCode, postgresErrorField, throwingStoreUnavailable } from './errors.js';

/** `%`, `_` and the escape character itself match literally. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
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
  // The email status is the latest confirmation task's, as for GET /api/registrations/:id (reminders
  // have tasks of their own).
  const rows = await queryRows<RegistrationRow>(
    db,
    sql`
      SELECT r.id, r.first_name, r.last_name, r.email, r.address, r.distance, r.strategy, r.created_at,
             ${positionOf('r')} AS position,
             (SELECT t.status FROM tasks t WHERE t.registration_id = r.id AND t.kind = ${SEND_CONFIRMATION_EMAIL}
               ORDER BY t.created_at DESC LIMIT 1) AS task_status
      FROM registrations r
      ${whereAll(conditions)}
      ORDER BY r.created_at DESC, r.id DESC
      LIMIT ${query.limit + 1}`,
  );
  return toPage(rows, query.limit, toRegistrationView);
}

/**
 * The replay (src/tasks/sql/replay.ts). A dead task's key may have been taken since by a live task of its
 * kind: the statement then breaks the unique index on live keys, which undoes all of it (nothing is
 * replayed), and that is the answer — checked by the index itself, so no concurrent enqueue can slip in.
 */
export async function replayTask(db: SqlDatabase, id: string, extraAttempts: number): Promise<ReplayResult> {
  try {
    return await replayDeadTask(db, id, extraAttempts);
  } catch (error) {
    if (postgresErrorCode(error) === '23505' && postgresErrorField(error, 'constraint') === 'tasks_live_key_idx') {
      return { outcome: 'key_taken' };
    }
    throw error;
  }
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
  // The task reads and the replay are task SQL (src/tasks/sql/), run on the SqlDatabase port.
  const tasksDb = sqlDatabase(db);
  return throwingStoreUnavailable<AdminStore>({
    listTasks: (query) => listTasks(tasksDb, query),
    countTasksByStatus: async () => (await countTasks(tasksDb)).tasksByStatus,
    replayDeadTask: (id, extraAttempts) => replayTask(tasksDb, id, extraAttempts),
    listRegistrations: (query) => listRegistrations(db, query),
    deliveryMetrics: () => deliveryMetrics(tasksDb),
    createSession: (idHash, ttlMs) => createSession(db, idHash, ttlMs),
    sessionActive: (idHash) => sessionActive(db, idHash),
    deleteSession: (idHash) => deleteSession(db, idHash),
  });
}
