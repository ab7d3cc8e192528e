// What a runner sends, and the rules it must meet (docs/design.md: HTTP contract). Pure: used by routes and docs alike.
// `import * as z` rather than `import { z }`: esbuild (wrangler) then keeps only the parts of Zod we use —
// without it every locale ships too (Zod was 764 KB of the Worker bundle; then about 200 KB). Zod Mini
// (the same parsing and messages, written as functions) leaves out classic Zod's methods on every schema.
import * as z from 'zod/mini';
import './zod-messages.js';
import type { Race } from './race.js';

// Control characters are never accepted; the address alone may contain line breaks.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
// Half of a surrogate pair: not text. Postgres would refuse it in JSON, or store U+FFFD instead.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// Unicode format characters (category Cf): invisible, yet they change what is shown or compared.
// U+202E turns the rest of a name around in the admin list and the email; U+200B, U+2060 or a soft
// hyphen make two addresses or names that look the same differ. JS's trim() already strips U+FEFF at
// either end (it counts as white space there), so only those inside a value are left to refuse.
const FORMAT_CHARACTER = /\p{Cf}/u;
const FORMAT_CHARACTER_MESSAGE = 'must not contain invisible formatting characters';

// Names must show something: at least one letter that is not itself blank. Hangul fillers (U+115F,
// U+1160, U+3164, U+FFA0) are letters (Lo) that render as nothing; U+2800 (braille blank) and U+034F
// (combining grapheme joiner) are no letters at all. So "\u3164" or "\u2800\u2800" is refused.
const BLANK_LETTER = /[\u115f\u1160\u3164\uffa0]/gu;
const LETTER = /\p{L}/u;
const NO_LETTER_MESSAGE = 'must contain a letter';
// A character carries a few marks at most (Vietnamese two, pointed Hebrew or Tibetan stacks three or
// four); a letter under dozens of them ("Zalgo" text) spills over the lines around it in the admin
// list and the email.
export const MAX_MARKS_IN_A_ROW = 4;
const MARKS_IN_A_ROW = new RegExp(`\\p{M}{${MAX_MARKS_IN_A_ROW + 1}}`, 'u');
const TOO_MANY_MARKS_MESSAGE = `must not stack more than ${MAX_MARKS_IN_A_ROW} accents or marks on one character`;

const hasVisibleLetter = (s: string) => LETTER.test(s.replace(BLANK_LETTER, ''));

/**
 * NFC: one spelling per text. "é" typed as one code point and as "e" + combining accent are the same
 * name and the same address, so they are stored, compared (duplicate emails) and hashed (the
 * Idempotency-Key's request hash) alike. Runs first, so the length limits count composed characters.
 */
const nfc = (s: string) => s.normalize('NFC');

function textField(max: number, { allowNewline = false, name = false } = {}) {
  const forbidden = allowNewline ? CONTROL_EXCEPT_NEWLINE : CONTROL;
  const newlines = allowNewline ? [z.overwrite((s: string) => s.replace(/\r\n/g, '\n'))] : [];
  // Only once every other rule passed (one problem per field, the most basic first).
  const whenValid = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };
  const nameRules = name ? [z.refine<string>(hasVisibleLetter, { error: NO_LETTER_MESSAGE, ...whenValid })] : [];
  // Built-in trim/min/max (rather than a transform) so the limits also appear in the OpenAPI schema.
  return z.string({ error: 'must be a string' }).check(
    z.overwrite(nfc),
    ...newlines,
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(max, `must be at most ${max} characters`),
    z.refine((s) => !forbidden.test(s), 'must not contain control characters'),
    z.refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode text'),
    z.refine((s) => !FORMAT_CHARACTER.test(s), FORMAT_CHARACTER_MESSAGE),
    z.refine((s) => !MARKS_IN_A_ROW.test(s), { error: TOO_MANY_MARKS_MESSAGE, ...whenValid }),
    ...nameRules,
  );
}

// A pragmatic address check: a local part and a dotted domain, no spaces, no empty labels (`a..b`,
// `.a@`, `a.@`, `@example..com`). Deliverability is the provider's job.
const EMAIL = /^(?!\.)(?!.*\.\.)[^\s@<>()[\]\\,;:"]+(?<!\.)@[^\s@<>()[\]\\,;:".]+(\.[^\s@<>()[\]\\,;:".]+)+$/;

export function registrationInputSchema(race: Race) {
  const ids = race.distances.map((d) => d.id);
  return z.strictObject(
    {
      firstName: textField(100, { name: true }),
      lastName: textField(100, { name: true }),
      email: z.string({ error: 'must be a string' }).check(
        z.overwrite(nfc),
        z.trim(),
        z.maxLength(254, 'must be at most 254 characters'),
        // Checked before the address pattern, and final: the precise reason rather than two problems.
        z.refine((s) => !FORMAT_CHARACTER.test(s), { error: FORMAT_CHARACTER_MESSAGE, abort: true }),
        z.refine((s) => EMAIL.test(s) && !CONTROL.test(s) && !LONE_SURROGATE.test(s), 'must be a valid address'),
        z.meta({ format: 'email' }),
      ),
      address: textField(300, { allowNewline: true }),
      distance: z.enum(ids as [string, ...string[]], {
        error: (issue) => (typeof issue.input === 'string' ? `must be one of: ${ids.join(', ')}` : 'must be a string'),
      }),
      // When the distance is full and the race has a waitlist: join it rather than be refused.
      joinWaitlist: z.optional(z.boolean({ error: 'must be true or false' })).check(
        z.meta({
          description:
            'If the distance is full: join its waitlist (201 `waitlisted`, with the runner’s number) rather ' +
            'than be refused (409 `distance_full`). Only where the race has a waitlist; else refused as full',
        }),
      ),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? 'unknown field' : undefined) },
  );
}

export type RegistrationInput = z.infer<ReturnType<typeof registrationInputSchema>>;

// Building the schema costs far more than using it (Zod compiles each object schema on its first
// parse): one per race, built on first use — the race is fixed for the life of a process or isolate.
const schemas = new WeakMap<Race, ReturnType<typeof registrationInputSchema>>();

function schemaFor(race: Race): ReturnType<typeof registrationInputSchema> {
  let schema = schemas.get(race);
  if (!schema) {
    schema = registrationInputSchema(race);
    schemas.set(race, schema);
  }
  return schema;
}

export interface FieldProblem {
  path: string;
  message: string;
}

export type ValidationResult = { ok: true; value: RegistrationInput } | { ok: false; problems: FieldProblem[] };

export function validateRegistration(race: Race, input: unknown): ValidationResult {
  return validateWith(schemaFor(race), input);
}

/** A schema's verdict on `input` as the API words it: the value, or one problem per field at fault. */
function validateWith<T>(
  schema: z.ZodMiniType<T>,
  input: unknown,
): { ok: true; value: T } | { ok: false; problems: FieldProblem[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, problems: [{ path: '', message: 'body must be a JSON object' }] };
  }
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const problems: FieldProblem[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ path: key, message: 'unknown field' });
      continue;
    }
    const path = issue.path.join('.');
    const missing = issue.path.length === 1 && !Object.hasOwn(input, String(issue.path[0]));
    const message = missing ? 'is required' : issue.message;
    problems.push({ path, message });
  }
  return { ok: false, problems };
}

/**
 * The key for "one registration per email per race": trimmed, lower-cased, NFC. NFC last, because
 * lower-casing can undo it: "Ϊ́" (U+03AA U+0301) is NFC, its lower case "ϊ" + U+0301 is not ("ΐ").
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase().normalize('NFC');
}

/** A recipient as an email's `to` may give it (`Name <a@b.c>` or a bare address), normalized as above. */
export function normalizeRecipient(recipient: string): string {
  return normalizeEmail(/<([^<>]+)>\s*$/.exec(recipient)?.[1] ?? recipient);
}

/**
 * "Send me my confirmation again": the address alone, under the same rule as at sign-up (an address
 * that could not have registered is refused as it would be there).
 */
export function resendInputSchema(race: Race) {
  return z.strictObject(
    { email: schemaFor(race).shape.email },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? 'unknown field' : undefined) },
  );
}

export type ResendInput = z.infer<ReturnType<typeof resendInputSchema>>;

const resendSchemas = new WeakMap<Race, ReturnType<typeof resendInputSchema>>();

export function validateResendInput(
  race: Race,
  input: unknown,
): { ok: true; value: ResendInput } | { ok: false; problems: FieldProblem[] } {
  let schema = resendSchemas.get(race);
  if (!schema) {
    schema = resendInputSchema(race);
    resendSchemas.set(race, schema);
  }
  return validateWith(schema, input);
}
