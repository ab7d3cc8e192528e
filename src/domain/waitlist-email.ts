// The waitlist email: the runner's distance is full, so they are on its waitlist, at a position; a place
// that frees is offered by email, in waitlist order, and an offer is held for the configured time. Laid
// out as every email to a runner is (email-layout.ts), with the manage link. Pure, so it renders the same
// in Node and workerd. The subject carries only the race name from configuration; the position, the
// runner's own, is in the letter (a slot), never in the subject or the kept template.
import { durationInWords, parseDuration } from './duration.js';
import { type EmailMessage, escapeHtml, type LinkedRunnerFacts, runnerEmail, slot } from './email-layout.js';
import type { Race } from './race.js';

export interface WaitlistFacts extends LinkedRunnerFacts {
  /** The runner's place in the distance's waitlist: 1 is offered the next place that frees. */
  position: number;
  /** How long an offer is held, as the setting writes it ("48h"). */
  offerTtl: string;
}

const POSITION = slot('position');

/** "48 hours", "2 days"; throws for a non-duration. */
function offerTtlWords(offerTtl: string): string {
  const duration = parseDuration(offerTtl);
  if (!duration) throw new Error(`not a duration: ${offerTtl}`);
  return durationInWords(duration);
}

export function buildWaitlistEmail(race: Race, from: string, facts: WaitlistFacts): EmailMessage {
  if (!Number.isSafeInteger(facts.position) || facts.position < 1) {
    throw new Error(`not a waitlist position: ${facts.position}`);
  }
  const held = offerTtlWords(facts.offerTtl);
  const how = `If a place frees up, it is offered by email to the runners on the waitlist in order, and an offer is held for ${held}.`;
  return runnerEmail(
    race,
    from,
    facts,
    `waitlist ${facts.offerTtl}`,
    () => ({
      subject: `You're on the waitlist for ${race.name}`,
      lead: {
        text: `You're on the waitlist for ${race.name}, number ${POSITION}. ${how}`,
        html: `You're on the waitlist for <strong>${escapeHtml(race.name)}</strong>, number <strong>${POSITION}</strong>. ${escapeHtml(how)}`,
      },
      facts: [['Waitlist position', POSITION]],
      closing: 'Nothing to do until then. If you no longer want a place, leave the waitlist on your manage page.',
    }),
    { position: String(facts.position) },
  );
}
