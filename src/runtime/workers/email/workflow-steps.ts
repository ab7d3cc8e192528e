// What the workflow strategy's steps do (./registration-workflow.ts), apart from the Workflow runtime so
// it runs in Node's tests too. The platform may run a step again after an unknown outcome: both are
// safe to repeat.
import { MailError } from '../../../ports/mailer.js';
import type { NewRegistration, Store } from '../../../ports/store.js';

/** Stores the registration once: a second run of the step finds its own row and reports it stored. */
export async function storeOnce(
  store: Pick<Store, 'insertRegistration' | 'findRegistration'>,
  registration: NewRegistration,
): Promise<'stored' | 'already_registered' | 'distance_full'> {
  const outcome = await store.insertRegistration(registration);
  if (outcome === 'stored') return outcome;
  if (await store.findRegistration(registration.id)) return 'stored';
  // insertRegistration never waitlists (only the outbox joins a waitlist): a full distance is full.
  return outcome === 'already_registered' ? outcome : 'distance_full';
}

/** A failure retrying cannot mend: the provider refused this email, or refuses the whole account. */
export function isFinal(error: unknown): error is MailError {
  return error instanceof MailError && error.kind !== 'retryable';
}
