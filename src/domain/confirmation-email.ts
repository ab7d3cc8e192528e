// The confirmation email: HTML and plain-text parts. Pure, so it renders the same in Node and workerd.
// Every user-supplied value is escaped in the HTML part, and no user value reaches the subject or a
// header: the subject carries only the race name from configuration. The HTML part is a complete,
// conforming HTML5 document (doctype, lang, charset, viewport, title) built the way mail clients
// render reliably: layout tables, inline styles, no external CSS, no script.
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

// Inline styles only: many mail clients drop <style> blocks and never load external CSS. No
// deprecated presentational attributes (align, cellpadding, width) either, so the document stays
// conforming HTML5; border-collapse/border-spacing stand in for cellspacing="0".
const FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const BODY_STYLE = 'margin:0;padding:0;background-color:#f4f4f5';
const OUTER_TABLE_STYLE = 'width:100%;border-collapse:collapse;border-spacing:0;background-color:#f4f4f5';
const OUTER_CELL_STYLE = 'padding:24px 12px';
const CARD_TABLE_STYLE =
  'width:100%;max-width:560px;margin:0 auto;border-collapse:collapse;border-spacing:0;background-color:#ffffff';
// Long unbroken names or addresses wrap instead of widening the message on a phone.
const CARD_CELL_STYLE = `padding:24px;${FONT};font-size:16px;line-height:1.5;color:#1a1a1a;overflow-wrap:anywhere;word-break:break-word`;
const PARAGRAPH_STYLE = 'margin:0 0 16px';
const FACTS_TABLE_STYLE = 'margin:0 0 16px;border-collapse:collapse;border-spacing:0';
// Labels never break ("Registration" must not wrap mid-word); long values do.
const FACT_LABEL_STYLE =
  'padding:4px 16px 4px 0;text-align:left;vertical-align:top;font-weight:bold;white-space:nowrap';
const FACT_VALUE_STYLE = 'padding:4px 0;vertical-align:top';

// One formatter for every email: building one (as toLocaleDateString does on each call) costs more
// than the rest of the email.
const RACE_DATE = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

// By ISO date: a process has one race, so this holds one entry.
const raceDates = new Map<string, string>();

export function formatRaceDate(race: Race): string {
  let formatted = raceDates.get(race.date);
  if (formatted === undefined) {
    const [year, month, day] = race.date.split('-').map(Number);
    formatted = RACE_DATE.format(new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1)));
    raceDates.set(race.date, formatted);
  }
  return formatted;
}

/** The parts of a confirmation email that hold a runner's values; everything else is the race's. */
const FIRST_NAME = '\u0000first-name\u0000';
const REGISTRATION_ID = '\u0000registration-id\u0000';
const SLOTS = new RegExp(`(${FIRST_NAME}|${REGISTRATION_ID})`);

/** An email with its runner's values left out: the pieces between them, and which value goes where. */
interface EmailTemplate {
  from: string;
  subject: string;
  html: string[];
  text: string[];
}

/**
 * Per race, by sender and distance: what an email of that distance says apart from the runner's first
 * name and registration id, built once. Assembling an email is then a join of a few strings, where
 * building it was most of the email's cost per registration (bench:http, wait-until route).
 */
const templates = new WeakMap<Race, Map<string, EmailTemplate>>();

export function buildConfirmationEmail(race: Race, from: string, facts: ConfirmationFacts): EmailMessage {
  // An unknown distance (never from validated input) is rendered as it is, without a template.
  const known = findDistance(race, facts.distance) !== undefined;
  let byKey = templates.get(race);
  if (!byKey) {
    byKey = new Map();
    templates.set(race, byKey);
  }
  const key = `${facts.distance}\n${from}`;
  let template = known ? byKey.get(key) : undefined;
  if (!template) {
    template = emailTemplate(race, from, facts.distance);
    if (known) byKey.set(key, template);
  }
  // The runner's values in their slots: escaped for the HTML part, as they are for the text part.
  const fill = (parts: string[], show: (value: string) => string) =>
    parts
      .map((part) =>
        part === FIRST_NAME ? show(facts.firstName) : part === REGISTRATION_ID ? show(facts.registrationId) : part,
      )
      .join('');
  return {
    from: template.from,
    to: headerSafe(facts.email),
    subject: template.subject,
    html: fill(template.html, escapeHtml),
    text: fill(template.text, (value) => value),
  };
}

function emailTemplate(race: Race, from: string, distanceId: string): EmailTemplate {
  const distance = findDistance(race, distanceId);
  const distanceLabel = distance?.label ?? distanceId;
  const start = distance ? `${distance.startTime} (${race.timeZone})` : 'to be announced';
  const date = formatRaceDate(race);
  const subject = headerSafe(`You're registered for ${race.name}`);

  const text = [
    `Hi ${FIRST_NAME},`,
    '',
    `Thanks for registering for ${race.name}!`,
    '',
    `Distance:      ${distanceLabel}`,
    `Date:          ${date}`,
    `Start time:    ${start}`,
    `Place:         ${race.place}`,
    `Registration:  ${REGISTRATION_ID}`,
    '',
    'See you at the start line.',
    '',
    `— ${race.senderName}`,
    '',
  ].join('\n');

  // The slots pass through unescaped here (escapeHtml leaves NUL alone); their values are escaped when
  // they are put in.
  const e = escapeHtml;
  // Label and value side by side: a small data table (row headers), styled inline.
  const row = (label: string, value: string) =>
    `<tr><th scope="row" style="${FACT_LABEL_STYLE}">${e(label)}</th><td style="${FACT_VALUE_STYLE}">${e(value)}</td></tr>`;
  const html = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(subject)}</title>`,
    '</head>',
    `<body style="${BODY_STYLE}">`,
    // Layout tables, not divs: the one centring and width technique every mail client renders alike.
    // role="presentation" tells screen readers they are not data.
    `<table role="presentation" style="${OUTER_TABLE_STYLE}"><tbody><tr><td style="${OUTER_CELL_STYLE}">`,
    `<table role="presentation" style="${CARD_TABLE_STYLE}"><tbody><tr><td style="${CARD_CELL_STYLE}">`,
    `<p style="${PARAGRAPH_STYLE}">Hi ${FIRST_NAME},</p>`,
    `<p style="${PARAGRAPH_STYLE}">Thanks for registering for <strong>${e(race.name)}</strong>!</p>`,
    `<table style="${FACTS_TABLE_STYLE}"><tbody>`,
    row('Distance', distanceLabel),
    row('Date', date),
    row('Start time', start),
    row('Place', race.place),
    row('Registration', REGISTRATION_ID),
    '</tbody></table>',
    `<p style="${PARAGRAPH_STYLE}">See you at the start line.</p>`,
    `<p style="${PARAGRAPH_STYLE}">— ${e(race.senderName)}</p>`,
    '</td></tr></tbody></table>',
    '</td></tr></tbody></table>',
    '</body>',
    '</html>',
  ].join('\n');

  return { from: headerSafe(from), subject, html: html.split(SLOTS), text: text.split(SLOTS) };
}
