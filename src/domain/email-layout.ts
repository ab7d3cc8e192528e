// What every email to a runner shares: the message shape, escaping, the layout of a letter (greeting, a
// lead line, the registration's facts, a closing line, the race's signature) in HTML and plain text, and
// the template that leaves the runner's values out until they are filled in. Pure, so it renders the
// same in Node and workerd. Every runner value is escaped in the HTML part, and none reaches the subject
// or a header. Below the facts, every letter shows the runner's manage link (manage-link.ts), when it is
// given. The HTML part is a complete, conforming HTML5 document (doctype, lang, charset, viewport, title)
// built the way mail clients render reliably: layout tables, inline styles, no external CSS, no script.
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
  /**
   * The runner's manage link, `<PUBLIC_URL>/manage/<token>` (manage-link.ts), shown as "Manage your
   * registration". Optional only while the sign-up's emails are built without it; the waitlist's emails
   * require it (LinkedRunnerFacts).
   */
  manageUrl?: string;
}

/** A runner whose email must carry their manage link: every email of the waitlist and of withdrawals. */
export interface LinkedRunnerFacts extends RunnerFacts {
  manageUrl: string;
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
const LINK_STYLE = 'color:#1d4ed8;text-decoration:underline';

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

/**
 * The mark of a per-runner value in a template: NUL on both sides, which no text of a letter holds and
 * escapeHtml leaves alone. Split on SLOTS, a template's parts alternate: text, a slot, text, a slot, text.
 */
const slotMark = (name: string) => `\u0000${name}\u0000`;
const SLOTS = /\u0000([a-z][a-z-]*)\u0000/;

const FIRST_NAME = slotMark('first-name');
const REGISTRATION_ID = slotMark('registration-id');
const MANAGE_URL = slotMark('manage-url');
const RUNNER_SLOTS = new Set(['first-name', 'registration-id', 'manage-url']);

/**
 * A value of one runner that a letter shows (a waitlist position, a deadline), by name: put it in a
 * letter's lead, closing or facts, and pass its value to runnerEmail's `values`. The template keeps the
 * slot, never the value, so one runner's value cannot reach the next runner's email.
 */
export function slot(name: string): string {
  if (!/^[a-z][a-z-]*$/.test(name) || RUNNER_SLOTS.has(name)) throw new Error(`not a letter's slot name: ${name}`);
  return slotMark(name);
}

/**
 * An email with its runner's values left out: the pieces between them (even indices) and the names of
 * the values that go between (odd indices).
 */
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
  /** Rows of the facts table above the registration's own (label, value as text: escaped here). */
  facts?: readonly Fact[];
  closing: string;
}

/** A label and its value, as a row of the facts table. */
type Fact = readonly [label: string, value: string];

const MANAGE_LABEL = 'Manage your registration:';

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

/**
 * A letter to a runner of a distance, with the runner's values left out: first name, registration id,
 * manage link (`withLink`: a line for it, or none) and the letter's own slots.
 */
function letterTemplate(
  race: Race,
  from: string,
  distanceId: string,
  letter: Letter,
  withLink: boolean,
): EmailTemplate {
  const subject = headerSafe(letter.subject);
  const facts = [...(letter.facts ?? []), ...registrationFacts(race, distanceId)];
  const width = Math.max(...facts.map(([label]) => label.length)) + 3;

  const text = [
    `Hi ${FIRST_NAME},`,
    '',
    letter.lead.text,
    '',
    ...facts.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
    '',
    // The link on a line of its own, so every mail client makes it clickable and none breaks it.
    ...(withLink ? [MANAGE_LABEL, MANAGE_URL, ''] : []),
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
    ...(withLink
      ? [
          `<p style="${PARAGRAPH_STYLE}">${MANAGE_LABEL} <a href="${MANAGE_URL}" style="${LINK_STYLE}">${MANAGE_URL}</a></p>`,
        ]
      : []),
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
 * is asked for only when the template is first built, so it holds nothing of one runner: their values
 * are `facts` and, for the letter's own slots (see slot), `values`. A distance the race does not have
 * (never from validated input) is rendered with its id and built each time rather than kept, so odd
 * input cannot grow the cache.
 */
export function runnerEmail(
  race: Race,
  from: string,
  facts: RunnerFacts,
  kind: string,
  letter: () => Letter,
  values: Readonly<Record<string, string>> = {},
): EmailMessage {
  const withLink = Boolean(facts.manageUrl);
  const build = () => letterTemplate(race, from, facts.distance, letter(), withLink);
  if (!findDistance(race, facts.distance)) return fill(build(), facts, values);
  let byKey = templates.get(race);
  if (!byKey) {
    byKey = new Map();
    templates.set(race, byKey);
  }
  const key = `${kind}\n${facts.distance}\n${from}\n${withLink ? 'link' : 'no link'}`;
  let template = byKey.get(key);
  if (!template) {
    template = build();
    byKey.set(key, template);
  }
  return fill(template, facts, values);
}

/** The value of the slot `name`: the runner's own, or one of the letter's `values`. */
function slotValue(name: string, facts: RunnerFacts, values: Readonly<Record<string, string>>): string {
  let value: string | undefined;
  switch (name) {
    case 'first-name':
      value = facts.firstName;
      break;
    case 'registration-id':
      value = facts.registrationId;
      break;
    case 'manage-url':
      value = facts.manageUrl;
      break;
    default:
      value = Object.hasOwn(values, name) ? values[name] : undefined;
  }
  if (value === undefined) throw new Error(`no value for the slot ${name}`);
  return value;
}

/** The runner's values in the template's slots: escaped for the HTML part, as they are for the text. */
function fill(template: EmailTemplate, facts: RunnerFacts, values: Readonly<Record<string, string>>): EmailMessage {
  const put = (parts: string[], show: (value: string) => string) =>
    parts.map((part, index) => (index % 2 === 1 ? show(slotValue(part, facts, values)) : part)).join('');
  return {
    from: template.from,
    to: headerSafe(facts.email),
    subject: template.subject,
    html: put(template.html, escapeHtml),
    text: put(template.text, (value) => value),
  };
}
