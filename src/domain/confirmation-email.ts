// The confirmation email: HTML and plain-text parts, laid out as every email to a runner is
// (email-layout.ts). Pure, so it renders the same in Node and workerd. The subject carries only the race
// name from configuration.
import { type EmailMessage, escapeHtml, type RunnerFacts, runnerEmail } from './email-layout.js';
import type { Race } from './race.js';

// Adapters and pages import these from here: the confirmation was the first email.
export { type EmailMessage, formatRaceDate } from './email-layout.js';

export type ConfirmationFacts = RunnerFacts;

export function buildConfirmationEmail(race: Race, from: string, facts: ConfirmationFacts): EmailMessage {
  return runnerEmail(race, from, facts, 'confirmation', () => ({
    subject: `You're registered for ${race.name}`,
    lead: {
      text: `Thanks for registering for ${race.name}!`,
      html: `Thanks for registering for <strong>${escapeHtml(race.name)}</strong>!`,
    },
    closing: 'See you at the start line.',
  }));
}
