// The steps every way of signing up shares — the JSON API, the seed strategies and the sign-up page:
// validate the input (one set of rules), shape the registration and its email, and (outbox) store
// both at once and start the first attempt after the response. Reading the body is the caller's job
// (JSON for the API, a form for the page); from validated input on, the path is the same. The store,
// the engine and the mailer are the request's (`c.get('services')`).
import type { Context } from 'hono';
import { buildConfirmationEmail, type ConfirmationFacts, type EmailMessage } from '../../domain/confirmation-email.js';
import { type RegistrationInput, validateRegistration } from '../../domain/registration.js';
import { buildReminderEmail } from '../../domain/reminder-email.js';
import { reminderSchedule } from '../../domain/reminders.js';
import type { IdempotentResponse, InsertOutcome, NewRegistration, Strategy } from '../../ports/store.js';
import type { EmailPayload } from '../../tasks/kinds/email.js';
import { SEND_CONFIRMATION_EMAIL } from '../../tasks/kinds/send-confirmation-email.js';
import { reminderKey, SEND_REMINDER_EMAIL } from '../../tasks/kinds/send-reminder-email.js';
import { inSpan } from '../../tracing/tracer.js';
import type { AppDeps } from '../deps.js';
import { apiErrors } from '../errors.js';
import { announce, deliversThroughQueue } from './announce.js';

/** What signing up needs besides the request's services. */
export type SignUpDeps = Pick<AppDeps, 'race' | 'emailFrom' | 'tracer' | 'logger' | 'emailQueue'>;

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
): ConfirmationFacts {
  return {
    registrationId: registration.id,
    firstName: registration.firstName,
    email: registration.email,
    distance: registration.distance,
  };
}

/** The confirmation email of a stored registration: the same email as at sign-up, rebuilt from its row. */
export function confirmationEmailOf(
  deps: Pick<AppDeps, 'race' | 'emailFrom'>,
  registration: Pick<NewRegistration, 'id' | 'firstName' | 'email' | 'distance'>,
): EmailMessage {
  return buildConfirmationEmail(deps.race, deps.emailFrom, runnerFacts(registration));
}

/** A new registration (fresh id) and its confirmation email, from validated input; nothing is written. */
export function prepareRegistration(
  deps: Pick<AppDeps, 'race' | 'emailFrom'>,
  strategy: Strategy,
  input: RegistrationInput,
): PreparedRegistration {
  const registration: NewRegistration = {
    id: crypto.randomUUID(),
    raceId: deps.race.id,
    strategy,
    ...input,
  };
  return { registration, email: confirmationEmailOf(deps, registration) };
}

/**
 * The race-week reminders still ahead for `registration` (the race file's `reminders`), each with its
 * email: only the outbox schedules them, so only it builds them. One whose time has already passed is
 * not scheduled (reminderSchedule leaves it out).
 */
function remindersOf(deps: Pick<AppDeps, 'race' | 'emailFrom'>, registration: NewRegistration) {
  if (!deps.race.reminders?.length) return [];
  const facts = runnerFacts(registration);
  return reminderSchedule(deps.race, registration.distance, new Date()).map(({ offset, runAt }) => ({
    offset,
    runAt,
    email: buildReminderEmail(deps.race, deps.emailFrom, { ...facts, offset }),
  }));
}

/** 409s for a registration that was not stored. */
export function refusal(outcome: Exclude<InsertOutcome, 'stored'>) {
  return outcome === 'distance_full' ? apiErrors.distanceFull() : apiErrors.alreadyRegistered();
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
  deps: Pick<AppDeps, 'race' | 'emailFrom' | 'tracer' | 'logger' | 'emailQueue'>,
  prepared: PreparedRegistration,
  idempotency?: IdempotentResponse,
): Promise<InsertOutcome | 'idempotency_key_taken'> {
  const { store, engine } = c.get('services');
  const { task, reminders, outcome } = await inSpan(
    deps.tracer,
    'task.enqueue',
    { 'task.kind': SEND_CONFIRMATION_EMAIL, 'registration.id': prepared.registration.id },
    async (span) => {
      // Leased inside this span: the task keeps its trace context, so its attempts link to this request.
      // The payload is the kind's own type: its handler parses it with the matching schema.
      const payload: EmailPayload = prepared.email;
      const task = engine.task(SEND_CONFIRMATION_EMAIL, payload, { claim: deliversThroughQueue(deps) });
      span.setAttribute('task.id', task.id);
      const reminders = remindersOf(deps, prepared.registration).map((r) =>
        engine.task(SEND_REMINDER_EMAIL, r.email satisfies EmailPayload, {
          runAt: r.runAt,
          key: { value: reminderKey(prepared.registration.id, r.offset), mode: 'keep' },
        }),
      );
      const tasks = reminders.length > 0 ? [task, ...reminders] : task;
      const outcome = await store.insertRegistrationWithTask(prepared.registration, tasks, idempotency);
      span.setAttribute('task.enqueue.outcome', outcome);
      return { task, reminders, outcome };
    },
  );
  if (outcome !== 'stored') return outcome;
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
  const outcome = await registerWithOutbox(c, deps, prepared, remember?.(prepared.registration));
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
