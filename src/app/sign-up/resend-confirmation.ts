// "Send me my confirmation again", shared by the page (POST /resend-confirmation) and the API (POST
// /api/registrations/resend-confirmation). Whoever asks gets the same answer whether or not the address
// is registered — only the address's owner learns it, from the email — so:
//
// - the answer never depends on what is found: the request looks the address up (one indexed read,
//   found or not), answers, and only then, after the answer, writes the re-send (waitUntil). Writing
//   it before answering would make a registered address's answer one database round trip slower;
// - the re-send is a task of the confirmation's kind (`send-confirmation-email`, so retried, batched
//   and idempotent like the first one), its payload rebuilt from the stored registration, keyed
//   `resend:<registration>` and written at most once per address per window (RESEND_WINDOW_MS) by one
//   statement that also finds a live one — clicking again within the window, or twice at once, sends
//   nothing more, and says so no differently;
// - the per-client limit is the sign-up's (it answers 429 alike for every address).
import type { Context } from 'hono';
import { validateResendInput } from '../../domain/registration.js';
import { describeError } from '../../ports/errors.js';
import type { Registration } from '../../ports/store.js';
import type { EmailPayload } from '../../tasks/kinds/email.js';
import { SEND_CONFIRMATION_EMAIL } from '../../tasks/kinds/send-confirmation-email.js';
import type { AppDeps } from '../deps.js';
import { apiErrors } from '../errors.js';
import { announce, deliversThroughQueue } from './announce.js';
import { confirmationEmailOf } from './register.js';

/** What a re-send needs of the app's dependencies; the store and the engine are the request's (`c.get('services')`). */
export type ResendDeps = Pick<AppDeps, 'race' | 'emailFrom' | 'logger' | 'emailQueue'>;

/** At most one re-sent confirmation per registration in this long. */
export const RESEND_WINDOW_MS = 10 * 60 * 1000;

/** The re-send's key: one live (and one per window) per registration. */
export const resendKey = (registrationId: string) => `resend:${registrationId}`;

/** The address to re-send to, under the sign-up's rule for it; 422 validation_failed otherwise. */
export function validResendEmail(deps: Pick<AppDeps, 'race'>, body: unknown): string {
  const result = validateResendInput(deps.race, body);
  if (!result.ok) throw apiErrors.validationFailed(result.problems);
  return result.value.email;
}

/**
 * Looks `email` up and, when it is registered, writes its re-send after the response. Resolves the same
 * way for every address; throws only when the database cannot be reached (503, for everyone alike).
 */
export async function resendConfirmation(c: Context, deps: ResendDeps, email: string): Promise<void> {
  const registration = await c.get('services').store.findRegistrationByEmail(deps.race.id, email);
  if (!registration) return;
  c.executionCtx.waitUntil(
    writeResend(c, deps, registration).catch((error) =>
      deps.logger.warn('confirmation.resend_failed', { registrationId: registration.id, error: describeError(error) }),
    ),
  );
}

/** The re-send's task, written unless one is live or was written within the window; then started. */
async function writeResend(c: Context, deps: ResendDeps, registration: Registration): Promise<void> {
  const { store, engine } = c.get('services');
  const payload: EmailPayload = confirmationEmailOf(deps, registration);
  const task = engine.task(SEND_CONFIRMATION_EMAIL, payload, {
    claim: deliversThroughQueue(deps),
    key: { value: resendKey(registration.id), mode: 'keep' },
  });
  const written = await store.enqueueRegistrationTask(registration.id, task, RESEND_WINDOW_MS);
  deps.logger.info('confirmation.resend', { registrationId: registration.id, written });
  if (!written) return;
  if (task.start === 'claim') {
    announce(c, deps, [task]);
    return;
  }
  // Written leased to us (the fast path, as at sign-up): its first attempt now; a sweeper takes over
  // if this process dies first.
  const result = await engine.run({ ...task, attempts: 1 });
  if (result === 'lease-lost') deps.logger.warn('task.lease_lost', { taskId: task.id });
}
