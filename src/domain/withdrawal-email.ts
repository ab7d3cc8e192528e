// The withdrawal email: the runner has withdrawn, whether they had a place, were on the waitlist, or had
// been offered a place (the lead says which). Laid out as every email to a runner is (email-layout.ts),
// with the manage link. Pure, so it renders the same in Node and workerd. The subject carries only the
// race name from configuration.
import { type EmailMessage, escapeHtml, type LinkedRunnerFacts, runnerEmail } from './email-layout.js';
import type { Race } from './race.js';

export interface WithdrawalFacts extends LinkedRunnerFacts {
  /** What the runner withdrew from: their place, the waitlist, or a place offered to them. */
  was: 'registered' | 'waitlisted' | 'offered';
}

/** The lead for each, around the race's name: [before, after]. */
const LEADS: Record<WithdrawalFacts['was'], readonly [string, string]> = {
  registered: ['You have withdrawn from ', ', and your place has been released.'],
  waitlisted: ['You have left the waitlist for ', ': you will not be offered a place.'],
  offered: ['You have declined the place you were offered at ', ', and left its waitlist.'],
};

export function buildWithdrawalEmail(race: Race, from: string, facts: WithdrawalFacts): EmailMessage {
  const lead = Object.hasOwn(LEADS, facts.was) ? LEADS[facts.was] : undefined;
  if (!lead) throw new Error(`not a withdrawal: ${facts.was}`);
  const [before, after] = lead;
  return runnerEmail(race, from, facts, `withdrawal ${facts.was}`, () => ({
    subject: `You have withdrawn from ${race.name}`,
    lead: {
      text: `${before}${race.name}${after}`,
      html: `${escapeHtml(before)}<strong>${escapeHtml(race.name)}</strong>${escapeHtml(after)}`,
    },
    closing: 'Thank you for letting us know.',
  }));
}
