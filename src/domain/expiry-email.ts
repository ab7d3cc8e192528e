// The expiry email: a place offered to the runner (an offer) or held for them (a hold, see
// verify-email.ts) was not taken before its deadline and has been released. Laid out as every email to a
// runner is (email-layout.ts), with the manage link. Pure, so it renders the same in Node and workerd.
// The subject carries only the race name from configuration.
import { type EmailMessage, escapeHtml, type LinkedRunnerFacts, runnerEmail } from './email-layout.js';
import type { Race } from './race.js';

export interface ExpiryFacts extends LinkedRunnerFacts {
  /** What expired: a place offered from the waitlist, or a place held until confirmed. */
  what: 'offer' | 'hold';
}

/** The lead for each, around the race's name: [before, after]. */
const LEADS: Record<ExpiryFacts['what'], readonly [string, string]> = {
  offer: ['The place you were offered at ', ' was not accepted before its deadline, so it has been released.'],
  hold: ['Your place at ', ' was not confirmed before its deadline, so it has been released.'],
};

export function buildExpiryEmail(race: Race, from: string, facts: ExpiryFacts): EmailMessage {
  const lead = Object.hasOwn(LEADS, facts.what) ? LEADS[facts.what] : undefined;
  if (!lead) throw new Error(`not an expiry: ${facts.what}`);
  const [before, after] = lead;
  return runnerEmail(race, from, facts, `expiry ${facts.what}`, () => ({
    subject: `Your ${facts.what} for ${race.name} has expired`,
    lead: {
      text: `${before}${race.name}${after}`,
      html: `${escapeHtml(before)}<strong>${escapeHtml(race.name)}</strong>${escapeHtml(after)}`,
    },
    closing: 'Your manage page shows where you stand now.',
  }));
}
