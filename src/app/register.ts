// The steps every strategy shares: read and validate the input, shape the registration and its email,
// and (outbox) store both at once and start the first attempt after the response.
import type { Context } from 'hono';
import { buildConfirmationEmail, type EmailMessage } from '../domain/confirmation-email.js';
import { validateRegistration } from '../domain/registration.js';
import type { IdempotentResponse, InsertOutcome, NewRegistration, Strategy } from '../ports/store.js';
import { SEND_CONFIRMATION_EMAIL } from '../tasks/handlers/send-confirmation-email.js';
import type { AppDeps } from './deps.js';
import { apiErrors } from './errors.js';
import { readJsonBody } from './middleware/json-body.js';

export interface PreparedRegistration {
  registration: NewRegistration;
  email: EmailMessage;
}

/** Reads and validates the body; nothing is written before this returns. */
export async function prepareRegistration(
  c: Context,
  deps: AppDeps,
  strategy: Strategy,
): Promise<PreparedRegistration> {
  const body = await readJsonBody(c);
  const result = validateRegistration(deps.race, body);
  if (!result.ok) throw apiErrors.validationFailed(result.problems);
  const registration: NewRegistration = {
    id: crypto.randomUUID(),
    raceId: deps.race.id,
    strategy,
    ...result.value,
  };
  const email = buildConfirmationEmail(deps.race, deps.emailFrom, {
    registrationId: registration.id,
    firstName: registration.firstName,
    email: registration.email,
    distance: registration.distance,
  });
  return { registration, email };
}

/** 409s for a registration that was not stored. */
export function refusal(outcome: Exclude<InsertOutcome, 'stored'>) {
  return outcome === 'distance_full' ? apiErrors.distanceFull() : apiErrors.alreadyRegistered();
}

/**
 * The outbox: one statement stores the registration and its task (already leased to us) — and, given
 * an Idempotency-Key, the response to replay — then the first attempt runs in waitUntil after the
 * response. If this process dies before or during that attempt, the lease expires and a sweeper runs it.
 */
export async function registerWithOutbox(
  c: Context,
  deps: AppDeps,
  prepared: PreparedRegistration,
  idempotency?: IdempotentResponse,
): Promise<InsertOutcome | 'idempotency_key_taken'> {
  const task = deps.engine.leasedTask(SEND_CONFIRMATION_EMAIL, prepared.email);
  const outcome = await deps.store.insertRegistrationWithTask(prepared.registration, task, idempotency);
  if (outcome !== 'stored') return outcome;
  c.executionCtx.waitUntil(
    deps.engine.run({ ...task, attempts: 1 }).then((result) => {
      if (result === 'lease-lost') deps.logger.warn('task.lease_lost', { taskId: task.id });
    }),
  );
  return outcome;
}

/** Sends inline (seed strategies): idempotency key = registration id, bounded by a timeout. */
export function sendDirect(deps: AppDeps, prepared: PreparedRegistration) {
  return deps.mailer.send(prepared.email, {
    idempotencyKey: prepared.registration.id,
    signal: AbortSignal.timeout(deps.sendTimeoutMs),
  });
}
