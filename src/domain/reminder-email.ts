// The race-week reminder email: how long until the runner's distance starts, and the same facts as the
// confirmation, laid out as every email to a runner is (email-layout.ts). Pure, so it renders the same
// in Node and workerd. The subject carries only the race name and the countdown, both from configuration.
import { durationInWords, parseDuration } from './duration.js';
import { type EmailMessage, escapeHtml, type RunnerFacts, runnerEmail } from './email-layout.js';
import type { Race } from './race.js';

export interface ReminderFacts extends RunnerFacts {
  /** The reminder's duration as the race file writes it ("7d"): how long before the start it is sent. */
  offset: string;
}

/** "in 7 days", "in 36 hours", "in 1 minute"; a day ahead is "tomorrow". Throws for a non-duration. */
function countdown(offset: string): string {
  const duration = parseDuration(offset);
  if (!duration) throw new Error(`not a duration: ${offset}`);
  if (duration.unit === 'd' && duration.amount === 1) return 'tomorrow';
  return `in ${durationInWords(duration)}`;
}

export function buildReminderEmail(race: Race, from: string, facts: ReminderFacts): EmailMessage {
  const when = countdown(facts.offset);
  return runnerEmail(race, from, facts, `reminder ${facts.offset}`, () => ({
    subject: `${race.name} starts ${when}`,
    lead: {
      text: `${race.name} starts ${when}!`,
      html: `<strong>${escapeHtml(race.name)}</strong> starts ${escapeHtml(when)}!`,
    },
    closing: 'See you at the start line.',
  }));
}
