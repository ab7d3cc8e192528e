// The AdminStore port on a Drizzle database (every driver). Lists are keyset-paged newest first on
// (created_at desc, id desc); each read is one statement, and so is each write (the replay, the
// sessions): Neon's HTTP driver has no interactive transactions. What it reads and writes of the task
// table is task SQL, in src/tasks/sql/ (list-tasks, count-tasks, delivery-metrics, replay), run on the
// SqlDatabase port; the registrations and the sessions are its own.
import { type SQL, sql } from 'drizzle-orm';
import {
  type AdminStore,
  type DistancePlaces,
  isWaitlistPosition,
  type Page,
  type RegistrationListQuery,
  type RegistrationPagePosition,
  type RegistrationView,
  type ReplayResult,
} from '../../ports/admin-store.js';
import { deliveryOfEvent, emailDeliveryStatus } from '../../ports/email-delivery.js';
import type { SqlDatabase } from '../../ports/sql-database.js';
import type { RegistrationStatus, Strategy } from '../../ports/store.js';
import type { TaskStatus } from '../../ports/tasks.js';
import { HOLDS_A_PLACE } from '../../ports/waitlist.js';
import { SEND_CONFIRMATION_EMAIL } from '../../tasks/kinds/send-confirmation-email.js';
import { countTasks } from '../../tasks/sql/count-tasks.js';
import { deliveryMetrics } from '../../tasks/sql/delivery-metrics.js';
import { afterPosition, positionOf, toDate, toPage, whereAll } from '../../tasks/sql/keyset-page.js';
import { listTasks } from '../../tasks/sql/list-tasks.js';
import { replayDeadTask } from '../../tasks/sql/replay.js';
import { type Database, queryRows, sqlDatabase } from './database.js';
import { confirmationDeliveryEventOf, eventOfDelivery } from './email-events.js';
import { countRegistrationDeliveries, emailMetrics } from './email-metrics.js';
import { postgresErrorCode, postgresErrorField, throwingStoreUnavailable } from './errors.js';

/** `%`, `_` and the escape character itself match literally. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

interface RegistrationRow {
  id: string;
  race_id: string;
  first_name: string;
  last_name: string;
  email: string;
  address: string;
  distance: string;
  strategy: string;
  created_at: unknown;
  status: string;
  waitlist_ticket: number | string | null;
  hold_expires_at: unknown;
  /** The keyset position (created_at as exact text). */
  position: string;
  waitlist_position: number | string | null;
  task_status: TaskStatus | null;
  /** The latest confirmation's top delivery event type (`email.bounced`…), or null. */
  delivery_event: string | null;
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
    delivery: row.delivery_event === null ? null : (deliveryOfEvent(row.delivery_event) ?? null),
    status: row.status as RegistrationStatus,
    position: row.waitlist_position === null ? null : Number(row.waitlist_position),
    holdExpiresAt: row.hold_expires_at === null ? null : toDate(row.hold_expires_at),
  };
}

/** The order a list pages in, on the alias `table`: newest first, or the waitlist's order. */
function orderOf(waitlistOrder: boolean, table: 'r' | 'page'): SQL {
  return sql.raw(
    waitlistOrder
      ? `${table}.race_id, ${table}.distance, ${table}.waitlist_ticket`
      : `${table}.created_at DESC, ${table}.id DESC`,
  );
}

function afterRegistration(after: RegistrationPagePosition): SQL {
  return isWaitlistPosition(after)
    ? sql`(r.race_id, r.distance, r.waitlist_ticket) > (${after.raceId}, ${after.distance}, ${after.ticket}::int)`
    : afterPosition('r', after);
}

/**
 * A page of registrations: the page's rows first (the filters, the order, one more row than the page),
 * then for those rows only, the latest confirmation's status and delivery and — for waitlisted rows —
 * the runner's number: their row among the waitlisted runners of their distance, by ticket (one pass
 * over those waitlists, not a count per row). The delivery filter looks up each candidate's latest
 * confirmation and its events (two index lookups a row), so a rare delivery may scan the whole list.
 */
export async function listRegistrations(
  db: Database,
  query: RegistrationListQuery,
): Promise<Page<RegistrationView, RegistrationPagePosition>> {
  const waitlistOrder = query.status === 'waitlisted';
  const conditions: SQL[] = [];
  if (query.distance !== undefined) conditions.push(sql`r.distance = ${query.distance}`);
  if (query.strategy !== undefined) conditions.push(sql`r.strategy = ${query.strategy}`);
  if (query.status !== undefined) conditions.push(sql`r.status = ${query.status}`);
  if (query.delivery !== undefined) {
    conditions.push(sql`${confirmationDeliveryEventOf(sql.raw('r.id'))} = ${eventOfDelivery(query.delivery)}`);
  }
  if (query.q) {
    const pattern = likePattern(query.q);
    conditions.push(
      sql`(r.first_name ILIKE ${pattern} ESCAPE '\\' OR r.last_name ILIKE ${pattern} ESCAPE '\\'
           OR r.email ILIKE ${pattern} ESCAPE '\\')`,
    );
  }
  if (query.after) {
    if (isWaitlistPosition(query.after) !== waitlistOrder) throw new Error('a page position of another order');
    conditions.push(afterRegistration(query.after));
  }
  // The email status is the latest confirmation task's, as for GET /api/registrations/:id (reminders
  // have tasks of their own).
  const rows = await queryRows<RegistrationRow>(
    db,
    sql`
      WITH page AS (
        SELECT r.id, r.race_id, r.first_name, r.last_name, r.email, r.address, r.distance, r.strategy,
               r.created_at, r.status, r.waitlist_ticket, r.hold_expires_at, ${positionOf('r')} AS position
        FROM registrations r
        ${whereAll(conditions)}
        ORDER BY ${orderOf(waitlistOrder, 'r')}
        LIMIT ${query.limit + 1}
      ),
      queue AS (
        SELECT w.id, row_number() OVER (PARTITION BY w.race_id, w.distance ORDER BY w.waitlist_ticket) AS waitlist_position
        FROM registrations w
        WHERE w.status = 'waitlisted'
          AND (w.race_id, w.distance) IN (SELECT race_id, distance FROM page WHERE status = 'waitlisted')
      )
      SELECT page.*, queue.waitlist_position,
             (SELECT t.status FROM tasks t WHERE t.registration_id = page.id AND t.kind = ${SEND_CONFIRMATION_EMAIL}
               ORDER BY t.created_at DESC LIMIT 1) AS task_status,
             ${confirmationDeliveryEventOf(sql.raw('page.id'))} AS delivery_event
      FROM page LEFT JOIN queue ON queue.id = page.id
      ORDER BY ${orderOf(waitlistOrder, 'page')}`,
  );
  if (!waitlistOrder) return toPage(rows, query.limit, toRegistrationView);
  const pageRows = rows.slice(0, query.limit);
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(toRegistrationView),
    next:
      rows.length > query.limit && last
        ? { raceId: last.race_id, distance: last.distance, ticket: Number(last.waitlist_ticket) }
        : null,
  };
}

/** Per distance of the race, in one statement: places held, open offers, runners waiting. */
export async function placesByDistance(db: Database, raceId: string): Promise<Record<string, DistancePlaces>> {
  const holding = sql.join(
    HOLDS_A_PLACE.map((status) => sql`${status}`),
    sql`, `,
  );
  const rows = await queryRows<{ distance: string; taken: number; offered: number; waitlisted: number }>(
    db,
    sql`
      SELECT distance,
             count(*) FILTER (WHERE status IN (${holding}))::int AS taken,
             count(*) FILTER (WHERE status = 'offered')::int AS offered,
             count(*) FILTER (WHERE status = 'waitlisted')::int AS waitlisted
      FROM registrations
      WHERE race_id = ${raceId}
      GROUP BY distance`,
  );
  return Object.fromEntries(
    rows.map((row) => [
      row.distance,
      { taken: Number(row.taken), offersOpen: Number(row.offered), waitlistLength: Number(row.waitlisted) },
    ]),
  );
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
    placesByDistance: (raceId) => placesByDistance(db, raceId),
    countRegistrationDeliveries: () => countRegistrationDeliveries(db),
    // The task figures (task SQL) and the email figures (webhook events, suppressions): two statements.
    deliveryMetrics: async () => {
      const [taskMetrics, emails] = await Promise.all([deliveryMetrics(tasksDb), emailMetrics(db)]);
      return { ...taskMetrics, ...emails };
    },
    createSession: (idHash, ttlMs) => createSession(db, idHash, ttlMs),
    sessionActive: (idHash) => sessionActive(db, idHash),
    deleteSession: (idHash) => deleteSession(db, idHash),
  });
}
