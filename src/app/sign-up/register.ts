// The steps every way of signing up shares — the JSON API, the seed strategies and the sign-up page:
// validate the input (one set of rules), shape the registration and its email, and (outbox) store
// both at once and start the first attempt after the response. Reading the body is the caller's job
// (JSON for the API, a form for the page); from validated input on, the path is the same. The store,
// the engine and the mailer are the request's (`c.get('services')`).
import type { Context } from 'hono';
import { buildConfirmationEmail, type ConfirmationFacts, type EmailMessage } from '../../domain/confirmation-email.js';
import { manageToken, manageTokenHash, manageUrl } from '../../domain/manage-link.js';
import { type RegistrationInput, validateRegistration } from '../../domain/registration.js';
import { buildReminderEmail } from '../../domain/reminder-email.js';
import { reminderSchedule } from '../../domain/reminders.js';
import type { RunnerLetter } from '../../ports/runner-letters.js';
import type { IdempotentResponse, InsertOutcome, NewRegistration, Strategy } from '../../ports/store.js';
import type { EmailPayload } from '../../tasks/kinds/email.js';
import { EXPIRE_HOLD } from '../../tasks/kinds/offer.js';
import { SEND_CONFIRMATION_EMAIL } from '../../tasks/kinds/send-confirmation-email.js';
import { reminderKey, SEND_REMINDER_EMAIL } from '../../tasks/kinds/send-reminder-email.js';
import { SEND_RUNNER_EMAIL } from '../../tasks/kinds/send-runner-email.js';
import { inSpan } from '../../tracing/tracer.js';
import type { AppDeps } from '../deps.js';
import { apiErrors } from '../errors.js';
import { announce, deliversThroughQueue, startTasks } from './announce.js';

/** What signing up needs besides the request's services. */
export type SignUpDeps = Pick<
  AppDeps,
  'race' | 'emailFrom' | 'tracer' | 'logger' | 'emailQueue' | 'links' | 'holdMs' | 'newTask'
>;

export interface PreparedRegistration {
  registration: NewRegistration;
  email: EmailMessage;
}

/** The registration rules (docs/design.md: HTTP contract), or 422 validation_failed naming each field at fault. */
export function validInput(deps: Pick<AppDeps, 'race' | 'tracer'>, body: unknown): RegistrationInput {
  const span = deps.tracer.startSpan('validation');
  const result = validateRegistration(deps.race, body);
  // A client's mistake, not ours: the outcome and how many problems, never the values.
  span.setAttributes({
    'validation.outcome': result.ok ? 'valid' : 'invalid',
    'validation.problems': result.ok ? 0 : result.problems.length,
  });
  span.end();
  if (!result.ok) throw apiErrors.validationFailed(result.problems);
  return result.value;
}

/** What an email to the runner of `registration` says of them. */
function runnerFacts(
  registration: Pick<NewRegistration, 'id' | 'firstName' | 'email' | 'distance'>,
  manageUrl?: string,
): ConfirmationFacts {
  return {
    registrationId: registration.id,
    firstName: registration.firstName,
    email: registration.email,
    distance: registration.distance,
    ...(manageUrl ? { manageUrl } : {}),
  };
}

/**
 * The runner's manage link (src/domain/manage-link.ts): the URL for their emails and the hash the
 * database keeps. None when links are off.
 */
export async function manageLinkOf(
  deps: Pick<AppDeps, 'links'>,
  registrationId: string,
): Promise<{ url: string; hash: string } | undefined> {
  if (!deps.links) return undefined;
  const token = await manageToken(deps.links.secret, registrationId);
  return { url: manageUrl(deps.links.publicUrl, token), hash: await manageTokenHash(token) };
}

/** The confirmation email of a stored registration: the same email as at sign-up, rebuilt from its row. */
export function confirmationEmailOf(
  deps: Pick<AppDeps, 'race' | 'emailFrom'>,
  registration: Pick<NewRegistration, 'id' | 'firstName' | 'email' | 'distance'>,
  manageUrl?: string,
): EmailMessage {
  return buildConfirmationEmail(deps.race, deps.emailFrom, runnerFacts(registration, manageUrl));
}

/** A new registration (fresh id) and its confirmation email, from validated input; nothing is written. */
export function prepareRegistration(
  deps: Pick<AppDeps, 'race' | 'emailFrom'>,
  strategy: Strategy,
  input: RegistrationInput,
): PreparedRegistration {
  const { joinWaitlist: _join, ...fields } = input;
  const registration: NewRegistration = {
    id: crypto.randomUUID(),
    raceId: deps.race.id,
    strategy,
    ...fields,
  };
  return { registration, email: confirmationEmailOf(deps, registration) };
}

/**
 * The race-week reminders still ahead for `registration` (the race file's `reminders`), each with its
 * email: only the outbox schedules them, so only it builds them. One whose time has already passed is
 * not scheduled (reminderSchedule leaves it out).
 */
export function remindersOf(
  deps: Pick<AppDeps, 'race' | 'emailFrom'>,
  registration: Pick<NewRegistration, 'id' | 'firstName' | 'email' | 'distance'>,
  manageUrl?: string,
) {
  if (!deps.race.reminders?.length) return [];
  const facts = runnerFacts(registration, manageUrl);
  return reminderSchedule(deps.race, registration.distance, new Date()).map(({ offset, runAt }) => ({
    offset,
    runAt,
    email: buildReminderEmail(deps.race, deps.emailFrom, { ...facts, offset }),
  }));
}

/** 409s for a registration that was not stored. */
export function refusal(outcome: Exclude<InsertOutcome, 'stored'>, waitlistOpen = false) {
  // `waitlisted` only comes from a sign-up that asked to join (its route answers it before).
  if (outcome === 'already_registered') return apiErrors.alreadyRegistered();
  return apiErrors.distanceFull(
    waitlistOpen
      ? [{ path: 'joinWaitlist', message: 'this distance has a waitlist: send "joinWaitlist": true to join it' }]
      : undefined,
  );
}

/**
 * The outbox: one statement stores the registration, its confirmation's task (already leased to us) and
 * its reminders' tasks (scheduled, keyed by registration and reminder) — and, given an Idempotency-Key,
 * the response to replay — then the confirmation's first attempt runs in waitUntil after the response.
 * If this process dies before or during that attempt, the lease expires and a sweeper runs it. With an
 * email queue (Workers with EMAIL_QUEUE) the confirmation is written pending instead, and announced to
 * the queue after the response: the email Worker's consumer claims it by id.
 */
export async function registerWithOutbox(
  c: Context,
  deps: SignUpDeps,
  prepared: PreparedRegistration,
  idempotency?: IdempotentResponse,
  joinWaitlist = false,
): Promise<InsertOutcome | 'idempotency_key_taken'> {
  const { store, engine } = c.get('services');
  const link = await manageLinkOf(deps, prepared.registration.id);
  const registration = { ...prepared.registration, manageTokenHash: link?.hash ?? null };
  const email = link ? confirmationEmailOf(deps, registration, link.url) : prepared.email;
  // The race asks runners to confirm their address: the place is held, and the confirmation and
  // reminders wait for the runner's confirmation (src/app/waitlist/actions.ts `verify`).
  const hold =
    deps.holdMs !== undefined && deps.links
      ? {
          holdMs: deps.holdMs,
          letter: deps.newTask(SEND_RUNNER_EMAIL, { letter: 'verify' }, 0),
          expiry: deps.newTask(EXPIRE_HOLD, {}, 0),
        }
      : undefined;
  const { task, reminders, notice, outcome } = await inSpan(
    deps.tracer,
    'task.enqueue',
    { 'task.kind': SEND_CONFIRMATION_EMAIL, 'registration.id': registration.id },
    async (span) => {
      // Leased inside this span: the task keeps its trace context, so its attempts link to this request.
      // The payload is the kind's own type: its handler parses it with the matching schema.
      const payload: EmailPayload = email;
      const task = engine.task(SEND_CONFIRMATION_EMAIL, payload, { claim: deliversThroughQueue(deps) });
      span.setAttribute('task.id', task.id);
      const reminders = remindersOf(deps, registration, link?.url).map((r) =>
        engine.task(SEND_REMINDER_EMAIL, r.email satisfies EmailPayload, {
          runAt: r.runAt,
          key: { value: reminderKey(registration.id, r.offset), mode: 'keep' },
        }),
      );
      // Joining the waitlist: its notice is completed in the statement (the runner's number), so it is
      // written pending and claimed after the response rather than sent from memory.
      const notice =
        joinWaitlist && deps.race.waitlist && deps.links
          ? engine.task(
              SEND_RUNNER_EMAIL,
              {
                letter: 'waitlist',
                to: registration.email,
                firstName: registration.firstName,
                distance: registration.distance,
              } satisfies Partial<RunnerLetter>,
              { claim: true },
            )
          : undefined;
      const tasks = hold ? [] : reminders.length > 0 ? [task, ...reminders] : task;
      const outcome = await store.insertRegistrationWithTask(
        registration,
        tasks,
        idempotency,
        notice || hold ? { ...(notice ? { notice } : {}), ...(hold ? { hold } : {}) } : undefined,
      );
      span.setAttribute('task.enqueue.outcome', outcome);
      return { task, reminders, notice, outcome };
    },
  );
  if (outcome === 'waitlisted' && notice) {
    startTasks(c, deps, [notice]);
    return outcome;
  }
  if (outcome !== 'stored') return outcome;
  if (hold) {
    startTasks(c, deps, [hold.letter, { id: hold.expiry.id, runAt: new Date(Date.now() + hold.holdMs) }]);
    return outcome;
  }
  if (task.start === 'claim') {
    announce(c, deps, [task, ...reminders]);
    return outcome;
  }
  // The attempt starts a trace of its own, linked to this request's (see TaskEngine.run).
  c.executionCtx.waitUntil(
    engine.run({ ...task, attempts: 1 }).then((result) => {
      if (result === 'lease-lost') deps.logger.warn('task.lease_lost', { taskId: task.id });
    }),
  );
  return outcome;
}

export interface SignUpResult {
  registration: NewRegistration;
  outcome: InsertOutcome | 'idempotency_key_taken';
}

/**
 * Validated input → registration + confirmation email → outbox: THE sign-up, shared by
 * `POST /api/registrations`, `POST /api/marathon-outbox` and the page's `POST /register`.
 * `remember` (API, with an Idempotency-Key) gives the response to store in the same statement.
 */
export async function signUp(
  c: Context,
  deps: SignUpDeps,
  input: RegistrationInput,
  remember?: (registration: NewRegistration) => IdempotentResponse,
): Promise<SignUpResult> {
  const prepared = prepareRegistration(deps, 'outbox', input);
  const outcome = await registerWithOutbox(
    c,
    deps,
    prepared,
    remember?.(prepared.registration),
    input.joinWaitlist === true,
  );
  return { registration: prepared.registration, outcome };
}

/** Sends inline (seed strategies) with the request's mailer: idempotency key = registration id, bounded by a timeout. */
export function sendDirect(c: Context, deps: Pick<AppDeps, 'sendTimeoutMs'>, prepared: PreparedRegistration) {
  // `timeoutMs`, not a signal: nothing else aborts this send, and a timer costs less than an
  // AbortController with its listeners per send (docs/design.md, The outbox).
  return c.get('services').mailer.send(prepared.email, {
    idempotencyKey: prepared.registration.id,
    timeoutMs: deps.sendTimeoutMs,
  });
}

/** Whether a full distance's refusal can say "join the waitlist" (the race has one, links are on). */
export function waitlistOpen(deps: Pick<AppDeps, 'race' | 'links'>): boolean {
  return deps.race.waitlist !== undefined && deps.links !== undefined;
}
