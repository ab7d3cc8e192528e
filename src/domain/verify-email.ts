// The verify email: a place is held for the runner until a deadline shown on the race's clock, and is
// theirs once they confirm it on their manage page. Laid out as every email to a runner is
// (email-layout.ts), with the manage link. Pure, so it renders the same in Node and workerd. The subject
// carries only the race name from configuration; the deadline, the runner's own, is in the letter (a
// slot), never in the kept template.
import { formatDateTimeInZone } from './date-in-zone.js';
import { type EmailMessage, escapeHtml, type LinkedRunnerFacts, runnerEmail, slot } from './email-layout.js';
import type { Race } from './race.js';

export interface VerifyFacts extends LinkedRunnerFacts {
  /** Until when the place is held. */
  expiresAt: Date;
}

const DEADLINE = slot('deadline');

export function buildVerifyEmail(race: Race, from: string, facts: VerifyFacts): EmailMessage {
  return runnerEmail(
    race,
    from,
    facts,
    'verify',
    () => ({
      subject: `Confirm your place at ${race.name}`,
      lead: {
        text: `Your place at ${race.name} is held for you until ${DEADLINE}. Confirm it on your manage page to keep it.`,
        html: `Your place at <strong>${escapeHtml(race.name)}</strong> is held for you until <strong>${DEADLINE}</strong>. Confirm it on your manage page to keep it.`,
      },
      facts: [['Held until', DEADLINE]],
      closing: 'If it is not confirmed by then, the place is released.',
    }),
    { deadline: formatDateTimeInZone(facts.expiresAt, race.timeZone) },
  );
}
