// The waitlist's statements (src/ports/waitlist.ts). Each is ONE statement, so a place is never freed
// without being passed on, nor taken without its runner and tasks:
//
//   freed    the runner's row leaves a status that holds a place (or the waitlist), only if it is still
//            in that status — two statements on one runner queue on its row lock, and the second finds
//            it moved on and changes nothing
//   next     the head of the distance's waitlist, locked; a head another statement holds is skipped
//            (SKIP LOCKED), so releases at once offer to distinct runners, in waitlist order
//   offer    the head is offered the freed place: the place changes hands without ever being free
//   counts   the distance's row: one place fewer only when nobody took it over; one more departure from
//            the waitlist per offer (and per waitlisted runner who withdrew)
//   tasks    the runner's emails and the offer's email and expiry, from the rows (payloads in SQL)
//   catch-up a freed place nobody took over while someone still waits (their rows all held by other
//            statements, which may yet fail): the distance's `offer-free-places` task, keyed per distance
import { type SQL, sql } from 'drizzle-orm';
import type { RegistrationStatus } from '../../ports/registration-status.js';
import type { NewTask } from '../../ports/tasks.js';
import {
  type FreePlacesOffered,
  HOLDS_A_PLACE,
  type Move,
  type MoveResult,
  type OfferTasks,
  type Release,
  type ReleaseResult,
  type TakeUp,
} from '../../ports/waitlist.js';
import { cancelTasksOf } from '../../tasks/sql/cancel.js';
import { insertTask, insertTasks } from '../../tasks/sql/enqueue.js';
import { type Database, queryRows } from './database.js';
import { postgresErrorCode } from './errors.js';

/** A runner email's payload: the letter the task was given, with the runner's values from `row`. */
export function runnerLetter(task: NewTask, row: SQL, extra: SQL = sql``): SQL {
  return sql`${JSON.stringify(task.payload)}::jsonb || jsonb_build_object(
    'registrationId', ${row}.id, 'to', ${row}.email, 'firstName', ${row}.first_name, 'distance', ${row}.distance${extra})`;
}

/** The CTEs that offer the place `freed` gave up to the head of its distance's waitlist. */
function offerTo(freed: SQL, offer: OfferTasks, holds: SQL): SQL {
  return sql`,
    next AS (
      SELECT w.id FROM registrations w JOIN ${freed} f ON w.race_id = f.race_id AND w.distance = f.distance
      WHERE ${holds} AND w.status = 'waitlisted'
      ORDER BY w.waitlist_ticket
      LIMIT 1
      FOR UPDATE OF w SKIP LOCKED
    ),
    offer AS (
      UPDATE registrations r
      SET status = 'offered', hold_expires_at = now() + ${offer.offerTtlMs} * interval '1 millisecond',
          status_changed_at = now()
      FROM next WHERE r.id = next.id
      RETURNING r.id, r.email, r.first_name, r.distance, r.hold_expires_at
    ),
    offer_email AS (${insertTask(offer.email, sql`offer`, {
      payload: runnerLetter(offer.email, sql`offer`, sql`, 'expiresAt', offer.hold_expires_at`),
    })}),
    offer_expiry AS (${insertTask(offer.expiry, sql`offer`, {
      payload: sql`jsonb_build_object('registrationId', offer.id, 'from', 'offered')`,
      runAt: sql`offer.hold_expires_at`,
      key: sql`'hold:' || offer.id`,
    })})`;
}

const NO_OFFER = sql`, offer AS (SELECT NULL::uuid AS id WHERE false)`;

// The catch-up's key: its value is made from the row (below); what counts here is its mode.
const FREE_PLACES_KEY = 'free-places:<race>:<distance>';

/**
 * The catch-up's CTEs: when the place `freed` gave up went to nobody (no row in `offer`) while someone
 * still waits — a plain read, so it sees the waiting runners other statements hold — the distance's
 * `offer-free-places` task, keyed per distance (`keep`: one waiting is enough).
 */
function catchUpOf(freed: SQL, catchUp: NewTask): SQL {
  return sql`,
    unoffered AS (
      SELECT NULL::uuid AS id, f.race_id, f.distance FROM ${freed} f
      WHERE NOT EXISTS (SELECT 1 FROM offer)
        AND EXISTS (SELECT 1 FROM registrations w
                    WHERE w.race_id = f.race_id AND w.distance = f.distance AND w.status = 'waitlisted')
    ),
    catch_up AS (${insertTask({ ...catchUp, key: { value: FREE_PLACES_KEY, mode: 'keep' } }, sql`unoffered`, {
      payload: sql`jsonb_build_object('raceId', unoffered.race_id, 'distance', unoffered.distance)`,
      key: sql`'free-places:' || unoffered.race_id || ':' || unoffered.distance`,
    })})`;
}

const NO_CATCH_UP = sql`, catch_up AS (SELECT NULL::uuid AS id WHERE false)`;

/**
 * The CTEs that hand the place `freed` gave up (a CTE of id, race_id, distance, email, first_name; the
 * distance whose place it was) to the head of that distance's waitlist, and count it: one place fewer
 * only when nobody took it over; one more departure from the waitlist per offer, and for a waitlisted
 * runner who left. With `catchUp`, a place that went to nobody while someone waits gets the catch-up.
 */
function passOn(freed: SQL, from: RegistrationStatus, offer: OfferTasks | undefined, catchUp?: NewTask): SQL {
  const held = HOLDS_A_PLACE.includes(from);
  const holds = sql`${held}::boolean`;
  return sql`${held && offer ? offerTo(freed, offer, holds) : NO_OFFER}${
    held && catchUp ? catchUpOf(freed, catchUp) : NO_CATCH_UP
  },
    counts AS (
      UPDATE distance_counts c
      SET taken = c.taken - CASE WHEN ${holds} AND NOT EXISTS (SELECT 1 FROM offer) THEN 1 ELSE 0 END,
          departed = c.departed + ${from === 'waitlisted' ? 1 : 0} + (SELECT count(*)::int FROM offer)
      FROM ${freed} f WHERE c.race_id = f.race_id AND c.distance = f.distance
      RETURNING c.taken
    )`;
}

/** The runner's letters (payloads completed from `row`) and the cancels of their live tasks. */
function runnerTasks(row: SQL, tasks: NewTask[], cancelKinds: string[] = []): SQL {
  return sql`${sql.join(
    tasks.map(
      (task, i) => sql`, ${sql.raw(`runner_${i}`)} AS (${insertTask(task, row, { payload: runnerLetter(task, row) })})`,
    ),
    sql``,
  )}${sql.join(
    cancelKinds.map((kind, i) => cancelTasksOf(`cancelled_${i}`, kind, row)),
    sql``,
  )}`;
}

export async function release(db: Database, r: Release): Promise<ReleaseResult> {
  const statement = sql`
    WITH freed AS (
      UPDATE registrations
      SET status = ${r.to}, hold_expires_at = NULL, status_changed_at = now()
      WHERE id = ${r.registrationId} AND status = ${r.from}${r.to === 'expired' ? sql` AND hold_expires_at <= now()` : sql``}
      RETURNING id, race_id, distance, email, first_name
    )${passOn(sql`freed`, r.from, r.offer, r.catchUp)}${runnerTasks(sql`freed`, r.tasks, r.cancelKinds)}
    SELECT (SELECT count(*) FROM freed)::int AS released, (SELECT id FROM offer LIMIT 1) AS offered_id,
           (SELECT id FROM catch_up LIMIT 1) AS catch_up_id, (SELECT count(*) FROM counts)::int AS counted`;
  const [row] = await queryRows<{ released: number; offered_id: string | null; catch_up_id: string | null }>(
    db,
    statement,
  );
  return {
    released: Number(row?.released) === 1,
    offeredId: row?.offered_id ?? null,
    catchUpId: row?.catch_up_id ?? null,
  };
}

/**
 * A registered runner moves to another distance, in one statement: a place of the new distance is
 * taken (only while it has room), the row moves, and the old distance's place passes on like a
 * released one. The runner's row is locked first, then both distances' rows in one order (by name), so
 * moves in opposite directions queue rather than deadlock; should PostgreSQL still find a deadlock
 * (with a statement that locks in another order), the move is tried again.
 */
export async function move(db: Database, m: Move): Promise<MoveResult> {
  const statement = sql`
    WITH moving AS (
      SELECT id, race_id, distance FROM registrations
      WHERE id = ${m.registrationId} AND status = 'registered' AND distance = ${m.from}
      FOR UPDATE
    ),
    counters AS (
      SELECT c.distance FROM distance_counts c JOIN moving ON c.race_id = moving.race_id
      WHERE c.distance IN (${m.from}, ${m.to})
      ORDER BY c.distance
      FOR UPDATE OF c
    ),
    slot AS (
      INSERT INTO distance_counts AS c (race_id, distance, taken)
      SELECT race_id, ${m.to}, 1 FROM moving WHERE (SELECT count(*) FROM counters) >= 0
      ON CONFLICT (race_id, distance) DO UPDATE SET taken = c.taken + 1 WHERE c.taken < ${m.cap}
      RETURNING taken
    ),
    moved AS (
      UPDATE registrations r SET distance = ${m.to}, status_changed_at = now()
      FROM moving WHERE r.id = moving.id AND EXISTS (SELECT 1 FROM slot)
      RETURNING r.id, r.race_id, moving.distance AS distance, r.email, r.first_name
    )${passOn(sql`moved`, 'registered', m.offer, m.catchUp)}${insertTasks(m.tasks, sql`moved`)}
    SELECT (SELECT count(*) FROM moving)::int AS found, (SELECT count(*) FROM moved)::int AS moved,
           (SELECT id FROM offer LIMIT 1) AS offered_id, (SELECT id FROM catch_up LIMIT 1) AS catch_up_id,
           (SELECT count(*) FROM counts)::int AS counted`;
  for (let round = 0; ; round++) {
    try {
      const [row] = await queryRows<{
        found: number;
        moved: number;
        offered_id: string | null;
        catch_up_id: string | null;
      }>(db, statement);
      if (Number(row?.moved) === 1) {
        return { outcome: 'moved', offeredId: row?.offered_id ?? null, catchUpId: row?.catch_up_id ?? null };
      }
      return { outcome: Number(row?.found) === 1 ? 'full' : 'stale', offeredId: null, catchUpId: null };
    } catch (error) {
      if (postgresErrorCode(error) !== '40P01' || round >= 2) throw error;
    }
  }
}

export async function takeUp(db: Database, t: TakeUp): Promise<boolean> {
  const [row] = await queryRows<{ taken: number }>(
    db,
    sql`
      WITH registration AS (
        UPDATE registrations
        SET status = 'registered', hold_expires_at = NULL, status_changed_at = now()
        WHERE id = ${t.registrationId} AND status = ${t.from} AND hold_expires_at > now()
        RETURNING id
      ),
      expiry AS (
        UPDATE tasks SET status = 'cancelled', cancelled_at = now(), updated_at = now()
        WHERE kind = ${t.expiry.kind} AND key = ${t.expiry.key} AND status = 'pending'
          AND EXISTS (SELECT 1 FROM registration)
      )${insertTasks(t.tasks, sql`registration`)}
      SELECT (SELECT count(*) FROM registration)::int AS taken`,
  );
  return Number(row?.taken) === 1;
}

/** One free place of the distance offered to the head of its waitlist, if both exist. */
async function offerOnePlace(db: Database, raceId: string, distance: string, cap: number, offer: OfferTasks) {
  const [row] = await queryRows<{ offered: number; waiting: boolean; free: boolean }>(
    db,
    sql`
      WITH head AS (
        SELECT id, race_id, distance FROM registrations
        WHERE race_id = ${raceId} AND distance = ${distance} AND status = 'waitlisted'
        ORDER BY waitlist_ticket
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      ),
      place AS (
        UPDATE distance_counts c SET taken = c.taken + 1, departed = c.departed + 1
        FROM head WHERE c.race_id = head.race_id AND c.distance = head.distance AND c.taken < ${cap}
        RETURNING c.race_id, c.distance
      ),
      freed AS (SELECT head.* FROM head JOIN place ON true)${offerTo(sql`freed`, offer, sql`true`)}
      SELECT (SELECT count(*) FROM offer)::int AS offered,
             EXISTS (SELECT 1 FROM registrations
                     WHERE race_id = ${raceId} AND distance = ${distance} AND status = 'waitlisted') AS waiting,
             COALESCE((SELECT taken < ${cap} FROM distance_counts
                       WHERE race_id = ${raceId} AND distance = ${distance}), false) AS free`,
  );
  return { offered: Number(row?.offered) === 1, more: Boolean(row?.waiting && row?.free) };
}

export async function offerFreePlaces(
  db: Database,
  raceId: string,
  distance: string,
  cap: number,
  offer: () => OfferTasks,
): Promise<FreePlacesOffered> {
  const offers: OfferTasks[] = [];
  for (;;) {
    const next = offer();
    const { offered, more } = await offerOnePlace(db, raceId, distance, cap, next);
    if (!offered) return { offers, busy: more };
    offers.push(next);
  }
}
