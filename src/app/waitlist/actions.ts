// What a runner (through their manage link) or an admin does to a registration: withdraw, accept or
// decline an offer, change distance or address. Each is one statement (src/ports/waitlist.ts,
// src/ports/store.ts), guarded by the status the runner was read in: if another request moved the row
// first, the statement changes nothing and the runner is read again. Emails written by the statement are started after the response (`startTasks`).
import type { Context } from 'hono';
import { findDistance } from '../../domain/race.js';
import type { Registration, RegistrationStatus } from '../../ports/store.js';
import type { KeyMode } from '../../ports/tasks.js';
import { holdKey, RELEASE_CANCELS } from '../../tasks/kinds/expire-hold.js';
import { EXPIRE_HOLD, passOn } from '../../tasks/kinds/offer.js';
import { SEND_CONFIRMATION_EMAIL } from '../../tasks/kinds/send-confirmation-email.js';
import { reminderKey, SEND_REMINDER_EMAIL } from '../../tasks/kinds/send-reminder-email.js';
import { SEND_RUNNER_EMAIL } from '../../tasks/kinds/send-runner-email.js';
import type { AppDeps } from '../deps.js';
import { startTasks } from '../sign-up/announce.js';
import { confirmationEmailOf, manageLinkOf, remindersOf } from '../sign-up/register.js';

export type WaitlistDeps = Pick<
  AppDeps,
  'race' | 'emailFrom' | 'logger' | 'emailQueue' | 'links' | 'offerTtlMs' | 'newTask'
>;

const GONE: readonly RegistrationStatus[] = ['withdrawn', 'expired'];
const ROUNDS = 3;

async function reread(c: Context, id: string): Promise<Registration> {
  const found = await c.get('services').store.findRegistration(id);
  if (!found) throw new Error(`registration ${id} vanished`);
  return found.registration;
}

/**
 * Withdraws the runner (a place, an offer, a hold, or a place in the waitlist): a freed place goes to
 * the head of the waitlist in the same statement. Withdrawing again changes nothing. The status after.
 */
export async function withdraw(c: Context, deps: WaitlistDeps, start: Registration): Promise<RegistrationStatus> {
  let registration = start;
  for (let round = 0; round < ROUNDS; round++) {
    if (GONE.includes(registration.status)) return registration.status;
    const from = registration.status;
    const letter = deps.links ? [deps.newTask(SEND_RUNNER_EMAIL, { letter: 'withdrawn', was: from }, 0)] : [];
    const next = passOn(deps);
    const result = await c.get('services').store.release({
      registrationId: registration.id,
      from,
      to: 'withdrawn',
      tasks: letter,
      cancelKinds: RELEASE_CANCELS,
      offer: next.offer,
      catchUp: next.catchUp,
    });
    if (result.released) {
      deps.logger.info('registration.withdrawn', {
        registrationId: registration.id,
        from,
        offeredId: result.offeredId,
      });
      // The letter, the offer's email and its expiry (due at the deadline), and a catch-up if written.
      startTasks(c, deps, [...letter, ...next.written(result)]);
      return 'withdrawn';
    }
    registration = await reread(c, registration.id);
  }
  throw new Error(`registration ${registration.id} kept changing under a withdrawal`);
}

/**
 * The tasks of a runner who now holds a place (after a take-up or a distance change): the confirmation,
 * written pending for `startTasks`, and the race-week reminders still ahead, keyed per reminder.
 */
async function registeredTasks(c: Context, deps: WaitlistDeps, registration: Registration, keys: KeyMode) {
  const { engine } = c.get('services');
  const link = await manageLinkOf(deps, registration.id);
  const confirmation = engine.task(SEND_CONFIRMATION_EMAIL, confirmationEmailOf(deps, registration, link?.url), {
    claim: true,
  });
  const reminders = remindersOf(deps, registration, link?.url).map((r) =>
    engine.task(SEND_REMINDER_EMAIL, r.email, {
      runAt: r.runAt,
      key: { value: reminderKey(registration.id, r.offset), mode: keys },
    }),
  );
  return [confirmation, ...reminders];
}

export type AcceptResult = 'registered' | 'expired' | 'not_held';

/**
 * Takes a held place — an offer (`accept`) or a sign-up waiting for its address to be confirmed
 * (`verify`): registered, with the confirmation and reminders of a registration. Again: registered,
 * nothing more. After the deadline: expired (the place passes on when the hold's expiry runs).
 */
async function takeUp(
  c: Context,
  deps: WaitlistDeps,
  registration: Registration,
  from: 'offered' | 'pending_verification',
): Promise<AcceptResult> {
  if (registration.status === 'registered') return 'registered';
  if (registration.status === 'expired') return 'expired';
  if (registration.status !== from) return 'not_held';
  const tasks = await registeredTasks(c, deps, registration, 'keep');
  const taken = await c.get('services').store.takeUp({
    registrationId: registration.id,
    from,
    tasks,
    expiry: { kind: EXPIRE_HOLD, key: holdKey(registration.id) },
  });
  if (taken) {
    deps.logger.info('registration.hold_taken_up', { registrationId: registration.id, from });
    startTasks(c, deps, tasks);
    return 'registered';
  }
  // Too late (the deadline passed, or the expiry got there first), or a second accept that lost the race.
  return (await reread(c, registration.id)).status === 'registered' ? 'registered' : 'expired';
}

/** Takes an offered place. */
export const accept = (c: Context, deps: WaitlistDeps, registration: Registration) =>
  takeUp(c, deps, registration, 'offered');

/** Confirms the runner's address: the held place becomes theirs. */
export const verify = (c: Context, deps: WaitlistDeps, registration: Registration) =>
  takeUp(c, deps, registration, 'pending_verification');

/** Declines an offered place: withdrawn, and the place goes to the next runner. */
export async function decline(c: Context, deps: WaitlistDeps, registration: Registration) {
  if (registration.status === 'withdrawn') return 'withdrawn' as const;
  if (registration.status !== 'offered') return 'not_offered' as const;
  return (await withdraw(c, deps, registration)) === 'withdrawn' ? ('withdrawn' as const) : ('not_offered' as const);
}

export type MoveOutcome = 'moved' | 'unchanged' | 'full' | 'not_registered';

/**
 * Moves a registered runner to another distance when it has room: the old place passes on to the
 * head of the old distance's waitlist, and a confirmation of the new distance goes out (reminders are
 * rewritten for its start time). Full: nothing changes, the runner keeps their place.
 */
export async function changeDistance(
  c: Context,
  deps: WaitlistDeps,
  start: Registration,
  distance: string,
): Promise<MoveOutcome> {
  const cap = findDistance(deps.race, distance)?.cap ?? 0;
  let registration = start;
  for (let round = 0; round < ROUNDS; round++) {
    if (registration.status !== 'registered') return 'not_registered';
    if (registration.distance === distance) return 'unchanged';
    // Its reminders are rewritten (`replace`) for the new distance's start.
    const tasks = await registeredTasks(c, deps, { ...registration, distance }, 'replace');
    const next = passOn(deps);
    const result = await c.get('services').store.move({
      registrationId: registration.id,
      from: registration.distance,
      to: distance,
      cap,
      tasks,
      offer: next.offer,
      catchUp: next.catchUp,
    });
    if (result.outcome === 'full') return 'full';
    if (result.outcome === 'moved') {
      deps.logger.info('registration.distance_changed', {
        registrationId: registration.id,
        from: registration.distance,
        to: distance,
        offeredId: result.offeredId,
      });
      startTasks(c, deps, [...tasks, ...next.written({ released: true, ...result })]);
      return 'moved';
    }
    registration = await reread(c, registration.id);
  }
  throw new Error(`registration ${registration.id} kept changing under a distance change`);
}

export type EmailChangeOutcome = 'changed' | 'unchanged' | 'closed' | 'suppressed' | 'already_registered';

/** What an address change came to, and the runner's status it was made in. */
export interface EmailChangeResult {
  outcome: EmailChangeOutcome;
  status: RegistrationStatus;
}

/**
 * The runner's new address (validated as at sign-up), in one statement that changes it only if it
 * differs: the same address again writes nothing and sends nothing. A registered runner gets a new
 * confirmation at it, and their pending reminders are rewritten to it (by key); earlier confirmations
 * still pending are cancelled. A runner waitlisted, offered or holding a place gets no new email: the
 * page they are on shows where they stand, and every later letter is addressed from the row (pending
 * ones are re-addressed in the statement). A withdrawn or expired registration is closed: nothing changes.
 */
export async function changeEmail(
  c: Context,
  deps: WaitlistDeps,
  start: Registration,
  email: string,
): Promise<EmailChangeResult> {
  let registration = start;
  for (let round = 0; round < ROUNDS; round++) {
    if (GONE.includes(registration.status)) return { outcome: 'closed', status: registration.status };
    const from = registration.status;
    const tasks = from === 'registered' ? await registeredTasks(c, deps, { ...registration, email }, 'replace') : [];
    const outcome = await c.get('services').store.changeEmail({
      registrationId: registration.id,
      from,
      email,
      tasks,
      supersededKind: SEND_CONFIRMATION_EMAIL,
      letterKind: SEND_RUNNER_EMAIL,
    });
    if (outcome === 'changed') {
      // No address in the log: the registration and what was written say enough.
      deps.logger.info('registration.email_changed', {
        registrationId: registration.id,
        status: from,
        tasks: tasks.length,
      });
      startTasks(c, deps, tasks);
      return { outcome, status: from };
    }
    if (outcome !== 'stale') return { outcome, status: from };
    registration = await reread(c, registration.id);
  }
  throw new Error(`registration ${registration.id} kept changing under an address change`);
}
