// Registration statements. Each write is ONE statement, so it works on HTTP-only drivers (Neon) and
// needs no interactive transaction:
//
//   slot          take a place: upsert the distance's counter, only while it is below the cap
//                 (a row lock, re-checked on the latest row version: concurrent sign-ups queue here)
//   registration  insert the runner — only if a place was taken. A duplicate email raises a unique
//                 violation, which undoes the whole statement, place included
//   task, key     the outbox task (already leased; its INSERT is src/tasks/sql/enqueue.ts) and the
//                 idempotent response, from the registration
import { and, count, desc, eq, gt, inArray, type SQL, sql } from 'drizzle-orm';
import { normalizeEmail } from '../../domain/registration.js';
import { deliveryOfEvent, emailDeliveryStatus } from '../../ports/email-delivery.js';
import type {
  CapOf,
  EmailChange,
  EmailChangeOutcome,
  IdempotentResponse,
  InsertOutcome,
  NewRegistration,
  Registration,
  RegistrationWithDelivery,
  WaitlistJoin,
} from '../../ports/store.js';
import type { NewTask } from '../../ports/tasks.js';
import { HOLDS_A_PLACE } from '../../ports/waitlist.js';
import { SEND_CONFIRMATION_EMAIL } from '../../tasks/kinds/send-confirmation-email.js';
import { cancelTasksOf } from '../../tasks/sql/cancel.js';
import { insertTask, insertTasks } from '../../tasks/sql/enqueue.js';
import { type Database, queryRows } from './database.js';
import { SENT_EMAIL_ID, topDeliveryEvent } from './email-events.js';
import { postgresErrorCode, postgresErrorField } from './errors.js';
import { idempotencyKeys, registrations, tasks } from './schema.js';
import { runnerLetter } from './waitlist.js';

const UNLIMITED = 2_147_483_647;

/**
 * How long an Idempotency-Key is remembered (as Stripe's and Resend's are): a key older than this is
 * unused again — a request with it is a new attempt, not a replay, and not `idempotency_key_reused`.
 * Measured by the database's clock (`now()`), the one that wrote `created_at`.
 */
const KEY_LIFETIME = sql.raw(`interval '24 hours'`);

/**
 * The registration's own statement. With `waitlist` (the race has one and the runner asked to join), a
 * full distance puts the runner on its waitlist instead: the distance's row hands out the next ticket,
 * and the runner's number is tickets - departed (see distance_counts in schema.ts).
 */
function storeStatement(r: NewRegistration, cap: number, rest: SQL = sql``, waitlist?: WaitlistJoin): SQL {
  const email = normalizeEmail(r.email);
  const columns = sql`${r.id}::uuid, ${r.raceId}, ${r.firstName}, ${r.lastName}, ${r.email}, ${email}, ${r.address},
             ${r.distance}, ${r.strategy}, ${r.manageTokenHash ?? null}`;
  const hold = waitlist?.hold;
  const queue = waitlist?.notice
    ? sql`,
    queue AS (
      UPDATE distance_counts c SET tickets = c.tickets + 1
      WHERE c.race_id = ${r.raceId} AND c.distance = ${r.distance} AND NOT EXISTS (SELECT 1 FROM slot)
      RETURNING c.tickets AS ticket, c.tickets - c.departed AS position
    )`
    : sql`, queue AS (SELECT NULL::int AS ticket, NULL::int AS position WHERE false)`;
  const holdTasks = hold
    ? sql`, hold_letter AS (${insertTask(hold.letter, sql`registration`, {
        payload: runnerLetter(hold.letter, sql`registration`, sql`, 'expiresAt', registration.hold_expires_at`),
      })}), hold_expiry AS (${insertTask(hold.expiry, sql`registration`, {
        payload: sql`jsonb_build_object('registrationId', registration.id, 'from', 'pending_verification')`,
        runAt: sql`registration.hold_expires_at`,
        key: sql`'hold:' || registration.id`,
      })})`
    : sql``;
  const placed = hold
    ? sql`'pending_verification', NULL::int, now() + ${hold.holdMs} * interval '1 millisecond'`
    : sql`'registered', NULL::int, NULL::timestamptz`;
  const notice = waitlist?.notice
    ? sql`, waitlist_notice AS (${insertTask(waitlist.notice, sql`waiting`, {
        payload: sql`${JSON.stringify(waitlist.notice.payload)}::jsonb || jsonb_build_object(
          'registrationId', ${r.id}::uuid, 'position', (SELECT position FROM queue))`,
      })})`
    : sql``;
  return sql`
    WITH slot AS (
      INSERT INTO distance_counts AS c (race_id, distance, taken) VALUES (${r.raceId}, ${r.distance}, 1)
      ON CONFLICT (race_id, distance) DO UPDATE SET taken = c.taken + 1 WHERE c.taken < ${cap}
      RETURNING taken
    )${queue},
    written AS (
      INSERT INTO registrations (id, race_id, first_name, last_name, email, email_normalized, address, distance,
                                 strategy, manage_token_hash, status, waitlist_ticket, hold_expires_at)
      SELECT ${columns}, ${placed} FROM slot
      UNION ALL
      SELECT ${columns}, 'waitlisted', queue.ticket, NULL FROM queue
      RETURNING id, status, email, first_name, distance, hold_expires_at
    ),
    registration AS (SELECT * FROM written WHERE status <> 'waitlisted'),
    waiting AS (SELECT id FROM written WHERE status = 'waitlisted')${notice}${holdTasks}${rest}
    SELECT (SELECT count(*) FROM registration)::int AS stored,
           (SELECT count(*) FROM waiting)::int AS waitlisted,
           EXISTS (SELECT 1 FROM registrations WHERE race_id = ${r.raceId} AND email_normalized = ${email}) AS duplicate`;
}

async function runStore(db: Database, statement: SQL): Promise<InsertOutcome | 'idempotency_key_taken'> {
  try {
    const [row] = await queryRows<{ stored: number; waitlisted: number; duplicate: boolean }>(db, statement);
    if (row && Number(row.stored) === 1) return 'stored';
    if (row && Number(row.waitlisted) === 1) return 'waitlisted';
    // No place was left. Someone already registered hears that rather than "full".
    return row?.duplicate ? 'already_registered' : 'distance_full';
  } catch (error) {
    if (postgresErrorCode(error) !== '23505') throw error;
    const constraint = postgresErrorField(error, 'constraint');
    return constraint === 'idempotency_keys_pkey' ? 'idempotency_key_taken' : 'already_registered';
  }
}

export async function insertRegistration(db: Database, r: NewRegistration, capOf?: CapOf): Promise<InsertOutcome> {
  const outcome = await runStore(db, storeStatement(r, capOf?.(r.raceId, r.distance) ?? UNLIMITED));
  if (outcome === 'idempotency_key_taken') throw new Error('no idempotency key was given');
  return outcome;
}

/**
 * The key and its response, from the registration. A key whose row has expired is taken over (the row
 * is rewritten for this request); a live one is not: `remembered` then writes nothing, and `taken`
 * inserts the key plainly, so the unique violation on idempotency_keys_pkey undoes the whole statement
 * (registration, place and task included) — the same outcome as when two requests race for a new key.
 * ON CONFLICT waits for a concurrent writer of the key and re-checks the condition on its row, so two
 * requests reusing one expired key cannot both take it over.
 */
function rememberStatement(idempotency: IdempotentResponse): SQL {
  // A runner who joined the waitlist gets the waitlist's answer, with their number from this statement.
  const body = idempotency.waitlisted
    ? sql`CASE WHEN written.status = 'waitlisted'
            THEN ${JSON.stringify(idempotency.waitlisted.body)}::jsonb || jsonb_build_object('position', (SELECT position FROM queue))
            ELSE ${JSON.stringify(idempotency.body)}::jsonb END`
    : sql`${JSON.stringify(idempotency.body)}::jsonb`;
  const status = idempotency.waitlisted
    ? sql`CASE WHEN written.status = 'waitlisted' THEN ${idempotency.waitlisted.status} ELSE ${idempotency.status} END`
    : sql`${idempotency.status}`;
  const values = sql`SELECT ${idempotency.key}, ${idempotency.requestHash}, written.id, ${status}::int, ${body}
      FROM written`;
  return sql`,
    remembered AS (
      INSERT INTO idempotency_keys AS k (key, request_hash, registration_id, status, body)
      ${values}
      ON CONFLICT (key) DO UPDATE
        SET request_hash = excluded.request_hash, registration_id = excluded.registration_id,
            status = excluded.status, body = excluded.body, created_at = now()
        WHERE k.created_at <= now() - ${KEY_LIFETIME}
      RETURNING k.key
    ),
    taken AS (
      INSERT INTO idempotency_keys (key, request_hash, registration_id, status, body)
      ${values}
      WHERE NOT EXISTS (SELECT 1 FROM remembered)
    )`;
}

/**
 * The outbox enqueue: registration, its tasks (the confirmation, already leased; scheduled ones such as
 * reminders) and its idempotent response, at once.
 */
export async function insertRegistrationWithTask(
  db: Database,
  r: NewRegistration,
  task: NewTask | readonly NewTask[],
  idempotency: IdempotentResponse | undefined,
  capOf?: CapOf,
  waitlist?: WaitlistJoin,
): Promise<InsertOutcome | 'idempotency_key_taken'> {
  const tasks = Array.isArray(task) ? task : [task as NewTask];
  const rest = sql`${insertTasks(tasks, sql`registration`)}${idempotency ? rememberStatement(idempotency) : sql``}`;
  return runStore(db, storeStatement(r, capOf?.(r.raceId, r.distance) ?? UNLIMITED, rest, waitlist));
}

/** The response remembered under a key, while the key is live (expired keys are as good as unused). */
export async function findIdempotentResponse(db: Database, key: string): Promise<IdempotentResponse | null> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.key, key), gt(idempotencyKeys.createdAt, sql`now() - ${KEY_LIFETIME}`)))
    .limit(1);
  return row ? { key: row.key, requestHash: row.requestHash, status: row.status, body: row.body } : null;
}

/** The runner's number in the waitlist now: waitlisted runners of the distance with an earlier ticket, plus one. */
const POSITION = sql<number | null>`CASE WHEN ${registrations.status} = 'waitlisted' THEN (
  SELECT count(*)::int FROM registrations w
  WHERE w.race_id = ${registrations.raceId} AND w.distance = ${registrations.distance} AND w.status = 'waitlisted'
    AND w.waitlist_ticket <= ${registrations.waitlistTicket}) END`;

type RegistrationRow = typeof registrations.$inferSelect;

function toRegistration(row: RegistrationRow, position: number | null): Registration {
  const { emailNormalized: _normalized, waitlistTicket: _ticket, statusChangedAt: _changed, ...registration } = row;
  return {
    ...registration,
    strategy: registration.strategy as NewRegistration['strategy'],
    position: position === null ? null : Number(position),
  };
}

export async function findRegistration(db: Database, id: string): Promise<RegistrationWithDelivery | null> {
  const rows = await db
    .select({
      registration: registrations,
      position: POSITION,
      taskStatus: tasks.status,
      attempts: tasks.attempts,
      updatedAt: tasks.updatedAt,
      deliveryEvent: topDeliveryEvent(SENT_EMAIL_ID),
      skipped: sql<string | null>`${tasks.result} ->> 'skipped'`,
    })
    .from(registrations)
    .leftJoin(tasks, and(eq(tasks.registrationId, registrations.id), eq(tasks.kind, SEND_CONFIRMATION_EMAIL)))
    .where(eq(registrations.id, id))
    .orderBy(desc(tasks.createdAt))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  const status = emailDeliveryStatus(row.taskStatus);
  // Not sent because the address was suppressed: what the provider would have reported (email.suppressed).
  const delivery = row.skipped ? 'suppressed' : row.deliveryEvent ? deliveryOfEvent(row.deliveryEvent) : undefined;
  return {
    registration: toRegistration(row.registration, row.position),
    email: {
      status,
      attempts: row.attempts ?? 0,
      sentAt: status === 'sent' ? (row.updatedAt ?? null) : null,
      ...(delivery ? { delivery } : {}),
    },
  };
}

async function findOne(db: Database, where: SQL | undefined): Promise<Registration | null> {
  const [row] = await db
    .select({ registration: registrations, position: POSITION })
    .from(registrations)
    .where(where)
    .limit(1);
  return row ? toRegistration(row.registration, row.position) : null;
}

export function findRegistrationByEmail(db: Database, raceId: string, email: string): Promise<Registration | null> {
  return findOne(db, and(eq(registrations.raceId, raceId), eq(registrations.emailNormalized, normalizeEmail(email))));
}

export function findRegistrationByTokenHash(db: Database, tokenHash: string): Promise<Registration | null> {
  return findOne(db, eq(registrations.manageTokenHash, tokenHash));
}

/**
 * A task of a stored registration, written at most once per window: the registration's row is the
 * source of the task's INSERT (src/tasks/sql/enqueue.ts) only when none of its tasks of that kind and
 * key is live or younger than the window (found through the registration's tasks, an index lookup).
 * Two such statements at once: both may find none, then the unique index on live keys lets one insert
 * and the other (`keep`) write nothing.
 */
export async function enqueueRegistrationTask(
  db: Database,
  registrationId: string,
  task: NewTask,
  withinMs: number,
): Promise<boolean> {
  if (!task.key) throw new Error('a task written once per window needs a key');
  const [row] = await queryRows<{ written: number }>(
    db,
    sql`
      WITH registration AS (
        SELECT r.id FROM registrations r
        WHERE r.id = ${registrationId}
          AND NOT EXISTS (
            SELECT 1 FROM tasks t
            WHERE t.registration_id = r.id AND t.kind = ${task.kind} AND t.key = ${task.key.value}
              AND (t.status IN ('pending', 'running') OR t.created_at > now() - ${withinMs} * interval '1 millisecond')
          )
      )${insertTasks([task], sql`registration`)}
      SELECT (SELECT count(*) FROM task_0)::int AS written`,
  );
  return Number(row?.written) === 1;
}

/**
 * A runner's new address, in ONE statement:
 *
 *   barred     the address is suppressed (a bounce, a complaint): nothing changes
 *   changed    the row, only while it is in the status it was read in and has another address. Two
 *              changes to one address at once queue on the row lock; the second re-reads the row, finds
 *              the address already there and changes nothing (so writes no task). Another registration
 *              of the race with the address: the unique index refuses it, undoing the whole statement
 *   tasks      from the changed row: the new confirmation, the reminders rewritten by key; the earlier
 *              confirmations still live cancelled, the pending letters re-addressed
 */
export async function changeEmail(db: Database, change: EmailChange): Promise<EmailChangeOutcome> {
  const normalized = normalizeEmail(change.email);
  const statement = sql`
    WITH target AS (
      SELECT email_normalized FROM registrations WHERE id = ${change.registrationId}
    ),
    barred AS (
      SELECT 1 FROM suppressed_addresses WHERE email_normalized = ${normalized}
    ),
    changed AS (
      UPDATE registrations r SET email = ${change.email}, email_normalized = ${normalized}
      WHERE r.id = ${change.registrationId} AND r.status = ${change.from} AND r.email_normalized <> ${normalized}
        AND NOT EXISTS (SELECT 1 FROM barred)
      RETURNING r.id, r.email
    )${insertTasks(change.tasks, sql`changed`)}${cancelTasksOf('superseded', change.supersededKind, sql`changed`)},
    readdressed AS (
      UPDATE tasks t SET payload = t.payload || jsonb_build_object('to', changed.email), updated_at = now()
      FROM changed
      WHERE t.registration_id = changed.id AND t.kind = ${change.letterKind} AND t.status = 'pending'
        AND t.batch_id IS NULL
      RETURNING t.id
    )
    SELECT (SELECT count(*) FROM changed)::int AS changed, EXISTS (SELECT 1 FROM barred) AS suppressed,
           COALESCE((SELECT email_normalized = ${normalized} FROM target), false) AS same`;
  try {
    const [row] = await queryRows<{ changed: number; suppressed: boolean; same: boolean }>(db, statement);
    if (row?.suppressed) return 'suppressed';
    if (Number(row?.changed) === 1) return 'changed';
    return row?.same ? 'unchanged' : 'stale';
  } catch (error) {
    // The race's unique index on addresses (a driver that names no constraint: the only one this can hit).
    const constraint = postgresErrorField(error, 'constraint');
    if (postgresErrorCode(error) !== '23505' || (constraint && constraint !== 'registrations_race_email_key')) {
      throw error;
    }
    return 'already_registered';
  }
}

/** The places held per distance (registered, pending verification, offered): what the cap bounds. */
export async function countRegistrationsByDistance(db: Database, raceId: string): Promise<Record<string, number>> {
  const rows = await db
    .select({ distance: registrations.distance, n: count() })
    .from(registrations)
    .where(and(eq(registrations.raceId, raceId), inArray(registrations.status, [...HOLDS_A_PLACE])))
    .groupBy(registrations.distance);
  return Object.fromEntries(rows.map((r) => [r.distance, Number(r.n)]));
}
