// The waitlist's letters to a runner, rendered from a task's payload when it is sent (the payload holds
// the runner's values, taken from their row by the statement that wrote the task): on the waitlist, a
// place offered, withdrawn, an offer or hold expired, confirm your place (a verification hold). Each carries the runner's manage link, derived
// again from the registration id (manage-link.ts). Pure: the same email for the same payload.
import type { EmailMessage } from './email-layout.js';
import { buildExpiryEmail } from './expiry-email.js';
import { type ManageLinks, manageToken, manageUrl } from './manage-link.js';
import { buildOfferEmail } from './offer-email.js';
import type { Race } from './race.js';
import { buildVerifyEmail } from './verify-email.js';
import { buildWaitlistEmail } from './waitlist-email.js';
import { buildWithdrawalEmail } from './withdrawal-email.js';

export interface RunnerLetterInput {
  letter: 'waitlist' | 'offer' | 'withdrawn' | 'expired' | 'verify';
  registrationId: string;
  to: string;
  firstName: string;
  distance: string;
  position?: number;
  expiresAt?: string;
  was?: 'registered' | 'waitlisted' | 'offered' | 'pending_verification';
  what?: 'offer' | 'hold';
}

export async function renderRunnerLetter(
  race: Race,
  from: string,
  links: ManageLinks,
  input: RunnerLetterInput,
): Promise<EmailMessage> {
  const facts = {
    registrationId: input.registrationId,
    firstName: input.firstName,
    email: input.to,
    distance: input.distance,
    manageUrl: manageUrl(links.publicUrl, await manageToken(links.secret, input.registrationId)),
  };
  switch (input.letter) {
    case 'waitlist':
      return buildWaitlistEmail(race, from, {
        ...facts,
        position: input.position ?? 0,
        offerTtl: race.waitlist?.offerTtl ?? '48h',
      });
    case 'offer':
      return buildOfferEmail(race, from, { ...facts, expiresAt: new Date(input.expiresAt ?? Number.NaN) });
    case 'withdrawn':
      // A verification hold given up reads as a withdrawn registration.
      return buildWithdrawalEmail(race, from, {
        ...facts,
        was: input.was === 'pending_verification' || !input.was ? 'registered' : input.was,
      });
    case 'expired':
      return buildExpiryEmail(race, from, { ...facts, what: input.what ?? 'offer' });
    case 'verify':
      return buildVerifyEmail(race, from, { ...facts, expiresAt: new Date(input.expiresAt ?? Number.NaN) });
  }
}
