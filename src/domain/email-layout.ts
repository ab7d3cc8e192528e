// What every email to a runner shares: the message shape, escaping, the layout of a letter (greeting, a
// lead line, the registration's facts, a closing line, the race's signature) in HTML and plain text, and
// the template that leaves the runner's values out until they are filled in. Pure, so it renders the
// same in Node and workerd. Every runner value is escaped in the HTML part, and none reaches the subject
// or a header. The HTML part is a complete, conforming HTML5 document (doctype, lang, charset, viewport,
// title) built the way mail clients render reliably: layout tables, inline styles, no external CSS, no
// script.
import * as z from 'zod/mini';
import type { Race } from './race.js';
import { findDistance } from './race.js';

/**
 * An email as it is rendered here, sent by the mailer, stored as an email task's payload and carried on
 * the email queue or over RPC to the email Worker: the one definition of its shape (the ports and the
 * email kinds take it from here).
 */
export const emailMessageSchema = z.object({
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
});
export type EmailMessage = z.infer<typeof emailMessageSchema>;

/** The runner's side of an email: who it goes to and the values only they have. */
export interface RunnerFacts {
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
export function headerSafe(value: string): string {
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

/** The parts of an email that hold a runner's values; everything else is the race's. */
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

/** What a letter says besides the greeting, the facts and the signature, which every letter has. */
export interface Letter {
  /** From configuration only: never a runner's value. */
  subject: string;
  /** The line after the greeting, as text and as HTML (its values already escaped). */
  lead: { text: string; html: string };
  closing: string;
}

/** A label and its value, as a row of the facts table. */
type Fact = readonly [label: string, value: string];

/** The facts of a registration: the distance, when and where it starts, and the registration id. */
function registrationFacts(race: Race, distanceId: string): Fact[] {
  const distance = findDistance(race, distanceId);
  return [
    ['Distance', distance?.label ?? distanceId],
    ['Date', formatRaceDate(race)],
    ['Start time', distance ? `${distance.startTime} (${race.timeZone})` : 'to be announced'],
    ['Place', race.place],
    ['Registration', REGISTRATION_ID],
  ];
}

/** A letter to a runner of a distance, with the runner's first name and registration id left out. */
function letterTemplate(race: Race, from: string, distanceId: string, letter: Letter): EmailTemplate {
  const subject = headerSafe(letter.subject);
  const facts = registrationFacts(race, distanceId);
  const width = Math.max(...facts.map(([label]) => label.length)) + 3;

  const text = [
    `Hi ${FIRST_NAME},`,
    '',
    letter.lead.text,
    '',
    ...facts.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
    '',
    letter.closing,
    '',
    `— ${race.senderName}`,
    '',
  ].join('\n');

  // The slots pass through unescaped here (escapeHtml leaves NUL alone); their values are escaped when
  // they are put in.
  const e = escapeHtml;
  // Label and value side by side: a small data table (row headers), styled inline.
  const row = ([label, value]: Fact) =>
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
    `<p style="${PARAGRAPH_STYLE}">${letter.lead.html}</p>`,
    `<table style="${FACTS_TABLE_STYLE}"><tbody>`,
    ...facts.map(row),
    '</tbody></table>',
    `<p style="${PARAGRAPH_STYLE}">${e(letter.closing)}</p>`,
    `<p style="${PARAGRAPH_STYLE}">— ${e(race.senderName)}</p>`,
    '</td></tr></tbody></table>',
    '</td></tr></tbody></table>',
    '</body>',
    '</html>',
  ].join('\n');

  return { from: headerSafe(from), subject, html: html.split(SLOTS), text: text.split(SLOTS) };
}

/**
 * Per race, by kind, distance and sender: what an email says apart from the runner's first name and
 * registration id, built once. Assembling an email is then a join of a few strings; building the whole
 * letter for each registration would cost far more than that.
 */
const templates = new WeakMap<Race, Map<string, EmailTemplate>>();

/**
 * The email `kind` (one key per distinct letter: "confirmation", "reminder 7d") to one runner. `letter`
 * is asked for only when the template is first built. A distance the race does not have (never from
 * validated input) is rendered with its id and built each time rather than kept, so odd input cannot
 * grow the cache.
 */
export function runnerEmail(
  race: Race,
  from: string,
  facts: RunnerFacts,
  kind: string,
  letter: () => Letter,
): EmailMessage {
  const build = () => letterTemplate(race, from, facts.distance, letter());
  if (!findDistance(race, facts.distance)) return fill(build(), facts);
  let byKey = templates.get(race);
  if (!byKey) {
    byKey = new Map();
    templates.set(race, byKey);
  }
  const key = `${kind}\n${facts.distance}\n${from}`;
  let template = byKey.get(key);
  if (!template) {
    template = build();
    byKey.set(key, template);
  }
  return fill(template, facts);
}

/** The runner's values in the template's slots: escaped for the HTML part, as they are for the text. */
function fill(template: EmailTemplate, facts: RunnerFacts): EmailMessage {
  const put = (parts: string[], show: (value: string) => string) =>
    parts
      .map((part) =>
        part === FIRST_NAME ? show(facts.firstName) : part === REGISTRATION_ID ? show(facts.registrationId) : part,
      )
      .join('');
  return {
    from: template.from,
    to: headerSafe(facts.email),
    subject: template.subject,
    html: put(template.html, escapeHtml),
    text: put(template.text, (value) => value),
  };
}
