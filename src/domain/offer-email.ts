// The offer email: a place has freed and is offered to the runner next on the waitlist, until a deadline
// shown on the race's clock; they accept or decline it on their manage page. Laid out as every email to
// a runner is (email-layout.ts), with the manage link. Pure, so it renders the same in Node and workerd.
// The subject carries only the race name and the distance's label, both from configuration; the
// deadline, the runner's own, is in the letter (a slot), never in the kept template.
import { formatDateTimeInZone } from './date-in-zone.js';
import { type EmailMessage, escapeHtml, type LinkedRunnerFacts, runnerEmail, slot } from './email-layout.js';
import { findDistance, type Race } from './race.js';

export interface OfferFacts extends LinkedRunnerFacts {
  /** Until when the place is the runner's to accept. */
  expiresAt: Date;
}

const DEADLINE = slot('deadline');

export function buildOfferEmail(race: Race, from: string, facts: OfferFacts): EmailMessage {
  // A distance the race no longer has is left out of the subject: it names only configuration.
  const label = findDistance(race, facts.distance)?.label;
  const answer = `Accept or decline it on your manage page by ${DEADLINE}.`;
  return runnerEmail(
    race,
    from,
    facts,
    'offer',
    () => ({
      subject: `A place is yours if you want it: ${race.name}${label ? ` ${label}` : ''}`,
      lead: {
        text: `A place has freed up at ${race.name}, and it is yours if you want it. ${answer}`,
        html: `A place has freed up at <strong>${escapeHtml(race.name)}</strong>, and it is yours if you want it. Accept or decline it on your manage page by <strong>${DEADLINE}</strong>.`,
      },
      facts: [['Reply by', DEADLINE]],
      closing: 'If you have not answered by then, the place is offered to the next runner on the waitlist.',
    }),
    { deadline: formatDateTimeInZone(facts.expiresAt, race.timeZone) },
  );
}
