// The confirmation email: HTML and plain-text parts. Pure, so it renders the same in Node and workerd.
// Every user-supplied value is escaped in the HTML part, and no user value reaches the subject or a
// header: the subject carries only the race name from configuration.
import type { Race } from './race.js';
import { findDistance } from './race.js';

export interface EmailMessage {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
}

export interface ConfirmationFacts {
  registrationId: string;
  firstName: string;
  email: string;
  distance: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** Removes anything that could end a header line; defence in depth on top of input validation. */
function headerSafe(value: string): string {
  return value.replace(/[\r\n\u0000-\u001f\u007f]/g, ' ').trim();
}

export function formatRaceDate(race: Race): string {
  const [year, month, day] = race.date.split('-').map(Number);
  const date = new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1));
  return date.toLocaleDateString('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

export function buildConfirmationEmail(race: Race, from: string, facts: ConfirmationFacts): EmailMessage {
  const distance = findDistance(race, facts.distance);
  const distanceLabel = distance?.label ?? facts.distance;
  const start = distance ? `${distance.startTime} (${race.timeZone})` : 'to be announced';
  const date = formatRaceDate(race);
  const subject = headerSafe(`You're registered for ${race.name}`);

  const text = [
    `Hi ${facts.firstName},`,
    '',
    `Thanks for registering for ${race.name}!`,
    '',
    `Distance:      ${distanceLabel}`,
    `Date:          ${date}`,
    `Start time:    ${start}`,
    `Place:         ${race.place}`,
    `Registration:  ${facts.registrationId}`,
    '',
    'See you at the start line.',
    '',
    `— ${race.senderName}`,
    '',
  ].join('\n');

  const e = escapeHtml;
  const row = (label: string, value: string) =>
    `<tr><th align="left" style="padding:4px 16px 4px 0">${e(label)}</th><td style="padding:4px 0">${e(value)}</td></tr>`;
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1a1a1a">',
    `<p>Hi ${e(facts.firstName)},</p>`,
    `<p>Thanks for registering for <strong>${e(race.name)}</strong>!</p>`,
    '<table>',
    row('Distance', distanceLabel),
    row('Date', date),
    row('Start time', start),
    row('Place', race.place),
    row('Registration', facts.registrationId),
    '</table>',
    '<p>See you at the start line.</p>',
    `<p>— ${e(race.senderName)}</p>`,
    '</body></html>',
  ].join('\n');

  return { from: headerSafe(from), to: headerSafe(facts.email), subject, html, text };
}
