// A corpus of malformed requests for POST /api/registrations (and a few for the seed strategy routes),
// each with the answer docs/design.md (HTTP contract) and src/domain/registration.ts call for. Built programmatically from
// one valid body; every case changes one thing, so the expected answer is unambiguous.
//
// Facts the cases rely on (checked against the code, not assumed):
// - strings are trimmed with String.prototype.trim (which also strips NBSP, U+2028/2029, U+3000 and
//   U+FEFF), so a control character only counts when it is INSIDE a value: "Ada\u2028" is valid;
// - the address turns CRLF into LF and keeps LF; a lone CR (or LF CR) is a control character;
// - the email is trimmed, at most 254 characters, matches a pragmatic pattern (one @, a dot in the
//   domain, none of whitespace < > ( ) [ ] \ , ; : "), and has no control character;
// - the distance is NOT trimmed and must equal one of the race's ids exactly (`10`, `half`, `full`);
// - lengths count code points (zod), so 101 astral characters are too long but 100 are fine;
// - TextDecoder drops ONE leading UTF-8 BOM, so a BOM-prefixed valid body is accepted (RFC 8259 allows
//   that); a second BOM reaches JSON.parse, which refuses it;
// - a lone surrogate (`"\ud800"`) is valid JSON but not Unicode text: refused like a control character;
// - Unicode format characters (category Cf: U+202E, U+200B, U+2066–2069, U+00AD, …) are refused in
//   every text field, wherever they sit, except U+FEFF at either end, which trim() strips first;
// - 1e309 parses to Infinity and -0 to a number: wrong type, not invalid JSON;
// - the body limit is 16384 bytes from Content-Length (> limit → 413; exactly the limit is read).
// Names containing "<script>" are NOT bad input (they are escaped on output), so they are not here.

export interface BadInputCase {
  name: string;
  category: string;
  /** Default: POST /api/registrations. */
  route?: string;
  /** Default `application/json`; `null` = no Content-Type header at all. */
  contentType?: string | null;
  body: string | Uint8Array;
  expectStatus: number;
  expectCode: string;
  /** For 422: a `details[].path` that must be present. */
  expectPath?: string;
  /** A substring the error message must contain. */
  expectMessageIncludes?: string;
  /** The most `details` the answer may list. */
  expectAtMostDetails?: number;
  /** The largest answer body, in bytes. */
  expectAtMostBytes?: number;
}

export const REGISTRATIONS_ROUTE = '/api/registrations';
export const SEED_STRATEGY_ROUTES = [
  '/api/marathon-sequential',
  '/api/marathon-fire-and-forget',
  '/api/marathon-waituntil',
  '/api/marathon-parallel',
  '/api/marathon-outbox',
] as const;

export const BODY_LIMIT = 16 * 1024;

export type Field = 'firstName' | 'lastName' | 'email' | 'address' | 'distance';
export const FIELDS: readonly Field[] = ['firstName', 'lastName', 'email', 'address', 'distance'];

export const VALID_BASE = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  address: '12 Analytical Row',
  distance: 'half',
} as const;

let emailCounter = 0;
/** A fresh address per case, so a case that is wrongly accepted can never hide behind a 409. */
function nextEmail(): string {
  emailCounter += 1;
  return `bad-input-${String(emailCounter).padStart(4, '0')}@example.com`;
}

/** The valid base with a unique email, then the overrides (`undefined` removes a field). */
export function validBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { ...VALID_BASE, email: nextEmail(), ...overrides };
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete body[key];
  return body;
}

/** The base (unique email) with one field replaced by a raw JSON text, e.g. `1e309`. */
function withRawField(field: Field, rawValue: string): string {
  return rawObject(
    FIELDS.map((f): [string, string] => [
      JSON.stringify(f),
      f === field ? rawValue : JSON.stringify(f === 'email' ? nextEmail() : VALID_BASE[f]),
    ]),
  );
}

/** `{"k":v,...}` from raw key and value texts (keys already quoted), so keys can repeat. */
function rawObject(entries: [string, string][]): string {
  return `{${entries.map(([k, v]) => `${k}:${v}`).join(',')}}`;
}

/** The base's entries as raw texts (unique email), to be extended with repeated or odd keys. */
function baseEntries(): [string, string][] {
  return Object.entries(validBody()).map(([k, v]): [string, string] => [JSON.stringify(k), JSON.stringify(v)]);
}

const bytes = (...values: number[]) => new Uint8Array(values);
const utf8 = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

/** A JSON text of exactly `size` bytes: the base with a long address. */
function bodyOfSize(size: number, filler = 'x'): string {
  const shell = JSON.stringify(validBody({ address: '' }));
  const address = filler.repeat(Math.ceil((size - utf8(shell).length) / utf8(filler).length) + 1);
  let text = JSON.stringify(validBody({ address }));
  while (utf8(text).length > size) text = text.replace(`"address":"${filler}`, '"address":"');
  return text;
}

const invalid = (path: string) => ({ expectStatus: 422, expectCode: 'validation_failed', expectPath: path });
const INVALID_JSON = { expectStatus: 400, expectCode: 'invalid_json' } as const;
const DUPLICATE = {
  expectStatus: 400,
  expectCode: 'invalid_json',
  expectMessageIncludes: 'duplicate key',
} as const;
const UNSUPPORTED = { expectStatus: 415, expectCode: 'unsupported_media_type' } as const;
const TOO_LARGE = { expectStatus: 413, expectCode: 'payload_too_large' } as const;

/** Where to put a character INSIDE each field's value (trimming cannot remove it). */
function withInside(field: Field, inner: string): string {
  switch (field) {
    case 'firstName':
      return `Ad${inner}a`;
    case 'lastName':
      return `Love${inner}lace`;
    case 'email':
      return `ada${inner}lovelace@example.com`;
    case 'address':
      return `12 Analytical${inner}Row`;
    case 'distance':
      return `ha${inner}lf`;
  }
}

function build(): BadInputCase[] {
  const cases: BadInputCase[] = [];
  const add = (category: string, name: string, rest: Omit<BadInputCase, 'name' | 'category'>) =>
    cases.push({ name: `${category}: ${name}`, category, ...rest });
  const json = (value: unknown) => JSON.stringify(value);

  // ------------------------------------------------------------ wrong types (5 kinds × 5 fields)
  const WRONG: [string, unknown][] = [
    ['number', 42],
    ['boolean', true],
    ['array', ['Ada']],
    ['object', { value: 'Ada' }],
    ['null', null],
  ];
  for (const field of FIELDS) {
    for (const [kind, value] of WRONG) {
      add('wrong-type', `${field} is ${kind}`, { body: json(validBody({ [field]: value })), ...invalid(field) });
    }
  }

  // ------------------------------------------------------------ missing fields
  for (const field of FIELDS) {
    add('missing-field', `no ${field}`, { body: json(validBody({ [field]: undefined })), ...invalid(field) });
  }
  add('missing-field', 'empty object', { body: '{}', ...invalid('firstName') });
  add('missing-field', 'only a distance', { body: json({ distance: 'half' }), ...invalid('email') });

  // ------------------------------------------------------------ unknown fields
  const withKey = (rawKey: string, rawValue: string) => rawObject([...baseEntries(), [rawKey, rawValue]]);
  const UNKNOWN: [string, string, string][] = [
    ['__proto__ = {}', '"__proto__"', '{"isAdmin":true}'],
    ['__proto__ = 1', '"__proto__"', '1'],
    ['__proto__ = null', '"__proto__"', 'null'],
    ['constructor', '"constructor"', '{"prototype":{"isAdmin":true}}'],
    ['prototype', '"prototype"', '{"isAdmin":true}'],
    ['isAdmin', '"isAdmin"', 'true'],
    ['admin', '"admin"', 'true'],
    ['role', '"role"', '"admin"'],
    ['id', '"id"', '"00000000-0000-4000-8000-000000000000"'],
    ['raceId', '"raceId"', '"other-race"'],
    ['status', '"status"', '"sent"'],
    ['strategy', '"strategy"', '"sequential"'],
    ['createdAt', '"createdAt"', '"2000-01-01T00:00:00Z"'],
    ['toString', '"toString"', '"x"'],
    ['hasOwnProperty', '"hasOwnProperty"', '1'],
    ['an empty key', '""', '1'],
    ['a key with a trailing space', '"email "', '"eve@example.com"'],
  ];
  for (const [name, rawKey, rawValue] of UNKNOWN) {
    add('unknown-field', name, { body: withKey(rawKey, rawValue), ...invalid(JSON.parse(rawKey) as string) });
  }
  add('unknown-field', 'FirstName instead of firstName', {
    body: json(validBody({ firstName: undefined, FirstName: 'Ada' })),
    ...invalid('FirstName'),
  });
  add('unknown-field', 'first_name instead of firstName', {
    body: json(validBody({ firstName: undefined, first_name: 'Ada' })),
    ...invalid('first_name'),
  });

  // ------------------------------------------------------------ empty and blank strings
  for (const field of FIELDS) {
    add('empty-or-blank', `${field} empty`, { body: json(validBody({ [field]: '' })), ...invalid(field) });
    add('empty-or-blank', `${field} spaces`, { body: json(validBody({ [field]: '   ' })), ...invalid(field) });
  }
  const BLANKS: [string, string][] = [
    ['tabs and newlines', '\t\n \t'],
    ['no-break spaces', '\u00a0\u00a0'],
    ['ideographic space', '\u3000'],
    ['a BOM character', '\ufeff'],
    ['line separators', '\u2028\u2029'],
  ];
  for (const [name, blank] of BLANKS) {
    add('empty-or-blank', `firstName is ${name}`, {
      body: json(validBody({ firstName: blank })),
      ...invalid('firstName'),
    });
  }
  add('empty-or-blank', 'address is only CRLFs', {
    body: json(validBody({ address: '\r\n\r\n' })),
    ...invalid('address'),
  });
  add('empty-or-blank', 'email is only whitespace and newlines', {
    body: json(validBody({ email: ' \n ' })),
    ...invalid('email'),
  });

  // ------------------------------------------------------------ too long
  const TEN_KB = 10 * 1024;
  const longEmail = (length: number) => `${'a'.repeat(length - '@example.com'.length)}@example.com`;
  add('too-long', 'firstName 101 characters', {
    body: json(validBody({ firstName: 'x'.repeat(101) })),
    ...invalid('firstName'),
  });
  add('too-long', 'lastName 101 characters', {
    body: json(validBody({ lastName: 'x'.repeat(101) })),
    ...invalid('lastName'),
  });
  add('too-long', 'firstName 101 accented characters', {
    body: json(validBody({ firstName: '\u00e9'.repeat(101) })),
    ...invalid('firstName'),
  });
  add('too-long', 'lastName 101 astral characters', {
    body: json(validBody({ lastName: '\u{1f3c3}'.repeat(101) })),
    ...invalid('lastName'),
  });
  add('too-long', 'address 301 characters', {
    body: json(validBody({ address: 'x'.repeat(301) })),
    ...invalid('address'),
  });
  add('too-long', 'address 301 characters over several lines', {
    body: json(validBody({ address: `${'x'.repeat(150)}\n${'y'.repeat(150)}\nz` })),
    ...invalid('address'),
  });
  add('too-long', 'email 255 characters', { body: json(validBody({ email: longEmail(255) })), ...invalid('email') });
  for (const field of FIELDS) {
    const value = field === 'email' ? longEmail(TEN_KB) : 'x'.repeat(TEN_KB);
    add('too-long', `${field} 10 KiB`, { body: json(validBody({ [field]: value })), ...invalid(field) });
  }

  // ------------------------------------------------------------ control characters (inside each field)
  const CONTROLS: [string, string][] = [
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['ESC', '\u001b'],
    ['DEL', '\u007f'],
    ['U+0085', '\u0085'],
    ['U+2028', '\u2028'],
  ];
  for (const field of FIELDS) {
    for (const [name, char] of CONTROLS) {
      add('control-characters', `${name} in ${field}`, {
        body: json(validBody({ [field]: withInside(field, char) })),
        ...invalid(field),
      });
    }
  }
  const MORE_CONTROLS: [string, Field, string][] = [
    ['TAB', 'firstName', '\t'],
    ['backspace', 'lastName', '\b'],
    ['U+001F', 'firstName', '\u001f'],
    ['U+009F', 'lastName', '\u009f'],
    ['U+2029', 'address', '\u2029'],
    ['TAB', 'address', '\t'],
    ['vertical tab', 'address', '\u000b'],
    ['form feed', 'address', '\u000c'],
    ['U+0080', 'email', '\u0080'],
  ];
  for (const [name, field, char] of MORE_CONTROLS) {
    add('control-characters', `${name} in ${field}`, {
      body: json(validBody({ [field]: withInside(field, char) })),
      ...invalid(field),
    });
  }

  // ------------------------------------------------------------ lone UTF-16 surrogates (as JSON \u escapes)
  // Valid JSON, but not Unicode text: no UTF-8 spelling exists, so it cannot be stored or emailed as
  // sent. Expected like a control character (422 on the field), not a 500 or a silent U+FFFD.
  const SURROGATES: [string, Field, string][] = [
    ['a lone high surrogate in firstName', 'firstName', 'Ada\\ud800'],
    ['a lone low surrogate in firstName', 'firstName', 'Ada\\udc00'],
    ['a lone high surrogate in lastName', 'lastName', 'Love\\ud83dlace'],
    ['a lone high surrogate in email', 'email', 'ada\\ud800@example.com'],
    ['a lone low surrogate in address', 'address', '12 Analytical \\udfff Row'],
    ['a reversed surrogate pair in address', 'address', '12 \\ude00\\ud83d Row'],
  ];
  for (const [name, field, escaped] of SURROGATES) {
    add('lone-surrogates', name, { body: withRawField(field, `"${escaped}"`), ...invalid(field) });
  }

  // ------------------------------------------------------------ invisible formatting characters (Unicode Cf)
  // Inside each text field (the distance is an exact enum: any of them there is an unknown distance).
  const FORMAT: [string, string][] = [
    ['U+202E right-to-left override', '\u202e'],
    ['U+200B zero-width space', '\u200b'],
    ['U+FEFF byte order mark', '\ufeff'],
    ['U+2066 left-to-right isolate', '\u2066'],
    ['U+2069 pop directional isolate', '\u2069'],
    ['U+00AD soft hyphen', '\u00ad'],
    ['U+200D zero-width joiner', '\u200d'],
    ['U+2060 word joiner', '\u2060'],
  ];
  for (const field of ['firstName', 'lastName', 'email', 'address'] as const) {
    for (const [name, char] of FORMAT) {
      add('format-characters', `${name} in ${field}`, {
        body: json(validBody({ [field]: withInside(field, char) })),
        ...invalid(field),
        expectMessageIncludes: 'invisible formatting characters',
      });
    }
  }
  const FORMAT_PLACES: [string, Field, string][] = [
    ['a trailing zero-width space in firstName (trim keeps it)', 'firstName', 'Ada\u200b'],
    ['a leading right-to-left override in lastName', 'lastName', '\u202eecalevoL'],
    ['only zero-width spaces as firstName', 'firstName', '\u200b\u200b\u200b'],
    ['an isolate pair around the domain of the email', 'email', 'ada@\u2068example.com\u2069'],
    ['a right-to-left override at the end of the address', 'address', '12 Analytical Row\u202e'],
    ['an astral tag character in lastName', 'lastName', 'Love\u{e0041}lace'],
    ['an Arabic letter mark in the address', 'address', '12 \u061cAnalytical Row'],
  ];
  for (const [name, field, value] of FORMAT_PLACES) {
    add('format-characters', name, {
      body: json(validBody({ [field]: value })),
      ...invalid(field),
      expectMessageIncludes: 'invisible formatting characters',
    });
  }
  add('format-characters', 'the same override sent as a raw \\u202E escape in firstName', {
    body: withRawField('firstName', '"Ada\\u202Elace"'),
    ...invalid('firstName'),
    expectMessageIncludes: 'invisible formatting characters',
  });

  // ------------------------------------------------------------ line breaks (names and email; address rules)
  const BREAKS: [string, string][] = [
    ['CR', '\r'],
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ];
  for (const field of ['firstName', 'lastName', 'email'] as const) {
    for (const [name, br] of BREAKS) {
      add('line-breaks', `${name} in ${field}`, {
        body: json(validBody({ [field]: withInside(field, br) })),
        ...invalid(field),
      });
    }
  }
  const ADDRESS_BREAKS: [string, string][] = [
    ['lone CR', '12 Analytical Row\rLondon'],
    ['LF CR', '12 Analytical Row\n\rLondon'],
    ['CR CR LF', '12 Analytical Row\r\r\nLondon'],
    ['CRLF then lone CR', '12 Analytical Row\r\nLondon\rUK'],
  ];
  for (const [name, address] of ADDRESS_BREAKS) {
    add('line-breaks', `${name} in address`, { body: json(validBody({ address })), ...invalid('address') });
  }

  // ------------------------------------------------------------ header injection through the email
  const INJECTIONS: [string, string][] = [
    ['CRLF Bcc', 'a@b.c\r\nBcc: x@y.z'],
    ['LF Bcc', 'a@b.c\nBcc: x@y.z'],
    ['CR Bcc', 'a@b.c\rBcc: x@y.z'],
    ['CRLF Subject', 'a@b.c\r\nSubject: you won'],
    ['CRLF CRLF body', 'a@b.c\r\n\r\n<html>hi</html>'],
    ['URL-encoded LF Bcc', 'a@b.c%0aBcc:x@y.z'],
    ['URL-encoded CRLF Bcc', 'a@b.c%0d%0aBcc:x@y.z'],
    ['URL-encoded CRLF in the local part', 'a%0d%0aBcc:x@y.z'],
    ['TAB Bcc', 'a@b.c\tBcc:x@y.z'],
    ['U+2028 Bcc', 'a@b.c\u2028Bcc: x@y.z'],
    ['U+0085 Bcc', 'a@b.c\u0085Bcc:x@y.z'],
    ['a second recipient after a comma', 'a@b.c,x@y.z'],
    ['a second recipient after a semicolon', 'a@b.c;x@y.z'],
    ['a display name', 'Ada <a@b.c>'],
    ['a display name with a Bcc', '"Ada" <a@b.c>, x@y.z'],
  ];
  for (const [name, email] of INJECTIONS) {
    add('header-injection', name, { body: json(validBody({ email })), ...invalid('email') });
  }
  add('header-injection', 'CRLF Bcc in firstName', {
    body: json(validBody({ firstName: 'Ada\r\nBcc: x@y.z' })),
    ...invalid('firstName'),
  });
  add('header-injection', 'CRLF Subject in lastName', {
    body: json(validBody({ lastName: 'Lovelace\r\nSubject: hi' })),
    ...invalid('lastName'),
  });

  // ------------------------------------------------------------ invalid emails
  const EMAILS: [string, string][] = [
    ['no @', 'ada.example.com'],
    ['two @', 'ada@lovelace@example.com'],
    ['@@', 'ada@@example.com'],
    ['a space in the local part', 'ada lovelace@example.com'],
    ['a space in the domain', 'ada@exa mple.com'],
    ['no dot in the domain', 'ada@example'],
    ['localhost', 'ada@localhost'],
    ['script tag', '<script>@x.y'],
    ['script in the domain', 'ada@<script>.y'],
    ['quoted local part', '"ada"@example.com'],
    ['a quote inside', 'ad"a@example.com'],
    ['no local part', '@example.com'],
    ['no domain', 'ada@'],
    ['a dot for a domain', 'ada@.'],
    ['a trailing dot only', 'ada@example.'],
    ['an IP literal', 'ada@[127.0.0.1]'],
    ['a comment', 'ada(comment)@example.com'],
    ['a backslash', 'ada\\@example.com'],
    ['a colon', 'mailto:ada@example.com'],
    ['a lone @', '@'],
    ['a lone dot', '.'],
    ['SQL in the email', "ada'; DROP TABLE registrations;--"],
    ['a no-break space inside', 'ada\u00a0lovelace@example.com'],
  ];
  for (const [name, email] of EMAILS) {
    add('invalid-email', name, { body: json(validBody({ email })), ...invalid('email') });
  }

  // ------------------------------------------------------------ markup and SQL in the distance
  const INJECTED_DISTANCES: [string, string][] = [
    ['script tag', '<script>alert(1)</script>'],
    ['img onerror', '<img src=x onerror=alert(1)>'],
    ['half in a script tag', 'half<script>'],
    ['SQL DROP', "half'; DROP TABLE registrations;--"],
    ['SQL OR', "' OR '1'='1"],
    ['SQL double-quoted OR', 'half" OR "1"="1'],
    ['SQL sleep', '10; SELECT pg_sleep(5)'],
    ['SQL comment', 'half--'],
    ['SQL UNION', "half' UNION SELECT email FROM registrations--"],
    ['LIKE wildcard %', '%'],
    ['LIKE wildcard _', '____'],
    ['glob', '*'],
    ['path traversal', '../full'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection attempt, on purpose
    ['template', '${distance}'],
    ['mustache', '{{half}}'],
    ['a trailing backslash', 'half\\'],
    ['JSON inside', '{"id":"half"}'],
  ];
  for (const [name, distance] of INJECTED_DISTANCES) {
    add('distance-injection', name, { body: json(validBody({ distance })), ...invalid('distance') });
  }

  // ------------------------------------------------------------ unknown distances (not trimmed, exact case)
  const DISTANCES: [string, string][] = [
    ['ultra', 'ultra'],
    ['HALF', 'HALF'],
    ['Half', 'Half'],
    ['FULL', 'FULL'],
    ['" half " (not trimmed)', ' half '],
    ['"half " (not trimmed)', 'half '],
    ['" half" (not trimmed)', ' half'],
    ['"half\\n" (not trimmed)', 'half\n'],
    ['10km', '10km'],
    ['10 km', '10 km'],
    ['"10.0"', '10.0'],
    ['"010"', '010'],
    ['5', '5'],
    ['marathon', 'marathon'],
    ['a zero-width space', 'half\u200b'],
    ['a Cyrillic homoglyph', 'h\u0430lf'],
    ['a fullwidth homoglyph', '\uff48alf'],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['toString', 'toString'],
    ['hasOwnProperty', 'hasOwnProperty'],
    ['the label instead of the id', 'Half marathon'],
  ];
  for (const [name, distance] of DISTANCES) {
    add('unknown-distance', name, { body: json(validBody({ distance })), ...invalid('distance') });
  }

  // ------------------------------------------------------------ numbers where strings belong
  const NUMBERS: [string, Field, string][] = [
    ['1e309 (Infinity) as firstName', 'firstName', '1e309'],
    ['-1e309 as lastName', 'lastName', '-1e309'],
    ['1e309 as distance', 'distance', '1e309'],
    ['-0 as distance', 'distance', '-0'],
    ['-0 as firstName', 'firstName', '-0'],
    ['10 (a distance id, as a number)', 'distance', '10'],
    ['10.0 as distance', 'distance', '10.0'],
    ['a huge integer as email', 'email', '123456789012345678901234567890'],
    ['a tiny float as address', 'address', '1e-400'],
    ['0.1 as lastName', 'lastName', '0.1'],
  ];
  for (const [name, field, raw] of NUMBERS) {
    add('numbers', name, { body: withRawField(field, raw), ...invalid(field) });
  }

  // ------------------------------------------------------------ the body is not an object
  const NOT_OBJECT: [string, string][] = [
    ['null', 'null'],
    ['true', 'true'],
    ['false', 'false'],
    ['42', '42'],
    ['-0', '-0'],
    ['1e309', '1e309'],
    ['a string', '"str"'],
    ['an empty string', '""'],
    ['the body as a JSON string', JSON.stringify(JSON.stringify(validBody()))],
    ['an empty array', '[]'],
    ['an array of the body', json([validBody()])],
    ['an array of arrays', '[[]]'],
  ];
  // Deep nesting, still under the body limit: parsed without a stack overflow, then refused as a shape.
  NOT_OBJECT.push(['arrays nested 8000 deep', `${'['.repeat(8000)}${']'.repeat(8000)}`]);
  for (const [name, body] of NOT_OBJECT) {
    add('body-shape', name, { body, ...invalid('') });
  }
  const WRAPPED: [string, string][] = [
    ['registration', 'registration'],
    ['data', 'data'],
    ['body', 'body'],
    ['0', '0'],
  ];
  for (const [name, key] of WRAPPED) {
    add('body-shape', `the body nested under "${name}"`, { body: json({ [key]: validBody() }), ...invalid(key) });
  }
  add('body-shape', 'objects nested 2500 deep', {
    body: `${'{"x":'.repeat(2500)}1${'}'.repeat(2500)}`,
    ...invalid('x'),
  });

  // ------------------------------------------------------------ duplicate keys (400, JSON.parse would keep the last)
  const DUPLICATES: [string, string][] = [];
  for (const field of FIELDS) {
    const second = field === 'email' ? nextEmail() : field === 'distance' ? 'full' : `${VALID_BASE[field]}2`;
    DUPLICATES.push([`${field} twice`, rawObject([...baseEntries(), [json(field), json(second)]])]);
  }
  DUPLICATES.push(
    ['email twice, the second an injection', rawObject([...baseEntries(), ['"email"', json('x@y.z\r\nBcc: v@w.x')]])],
    ['distance twice, the first invalid', rawObject([['"distance"', '"ultra"'], ...baseEntries()])],
    [
      'email twice with the same value',
      rawObject([
        ['"email"', '"same@example.com"'],
        ...baseEntries().filter(([k]) => k !== '"email"'),
        ['"email"', '"same@example.com"'],
      ]),
    ],
    [
      'email twice, once spelled with a \\u escape',
      rawObject([...baseEntries(), ['"\\u0065mail"', json(nextEmail())]]),
    ],
    ['firstName twice, once spelled first\\u004eame', rawObject([...baseEntries(), ['"first\\u004eame"', '"Eve"']])],
    ['isAdmin twice', rawObject([...baseEntries(), ['"isAdmin"', 'false'], ['"isAdmin"', 'true']])],
    ['__proto__ twice', rawObject([...baseEntries(), ['"__proto__"', '{}'], ['"__proto__"', '{"isAdmin":true}']])],
    ['inside an object in a field', withRawField('firstName', '{"a":1,"a":2}')],
    ['inside an object in an array in a field', withRawField('address', '[{"line":"x","line":"y"}]')],
    ['inside an unknown field, deep', rawObject([...baseEntries(), ['"extra"', '{"a":{"b":[{"c":1,"c":2}]}}']])],
    ['inside an array body', `[${rawObject([...baseEntries(), ['"email"', json(nextEmail())]])}]`],
    ['a key with an escaped quote twice', rawObject([...baseEntries(), ['"a\\"b"', '1'], ['"a\\u0022b"', '2']])],
  );
  for (const [name, body] of DUPLICATES) add('duplicate-key', name, { body, ...DUPLICATE });

  // ------------------------------------------------------------ invalid JSON
  const valid = json(validBody());
  const INVALID_TEXTS: [string, string][] = [
    ['trailing comma in the object', `${valid.slice(0, -1)},}`],
    ['trailing comma in an array', withRawField('firstName', '["Ada",]')],
    ['two commas', valid.replace(',', ',,')],
    ['single quotes', valid.replaceAll('"', "'")],
    ['unquoted keys', valid.replace(/"(\w+)":/g, '$1:')],
    ['a line comment', `// registration\n${valid}`],
    ['a block comment', `${valid.slice(0, 1)}/* c */${valid.slice(1)}`],
    ['a hash comment', `${valid}\n# end`],
    ['NaN', withRawField('firstName', 'NaN')],
    ['Infinity', withRawField('firstName', 'Infinity')],
    ['-Infinity', withRawField('lastName', '-Infinity')],
    ['undefined', withRawField('address', 'undefined')],
    ['a hex number', withRawField('distance', '0x0A')],
    ['a leading zero', withRawField('distance', '010')],
    ['a leading plus', withRawField('distance', '+10')],
    ['a bare fraction', withRawField('distance', '.5')],
    ['a trailing dot', withRawField('distance', '10.')],
    ['True', withRawField('firstName', 'True')],
    ['nul', withRawField('firstName', 'nul')],
    ['truncated in the middle', valid.slice(0, Math.floor(valid.length / 2))],
    ['truncated before the last brace', valid.slice(0, -1)],
    ['only an opening brace', '{'],
    ['only a closing brace', '}'],
    ['an extra closing bracket', `${valid}]`],
    ['garbage before', `x${valid}`],
    ['garbage after', `${valid}x`],
    ['two objects', `${valid}${valid}`],
    ['two objects with a newline (NDJSON)', `${valid}\n${valid}`],
    ['an unclosed string', '{"firstName":"Ada'],
    ['a missing colon', valid.replace('":', '"')],
    ['a missing comma', valid.replace('","', '" "')],
    ['a raw newline in a string', valid.replace('Row', 'Row\nLondon')],
    ['a raw tab in a string', valid.replace('Ada', 'A\tda')],
    ['a raw NUL in a string', valid.replace('Ada', 'A\u0000da')],
    ['a raw ESC in a string', valid.replace('Ada', 'A\u001bda')],
    ['an invalid escape \\x41', valid.replace('Ada', '\\x41da')],
    ['an invalid escape \\a', valid.replace('Ada', '\\ada')],
    ['a short \\u escape', valid.replace('Ada', '\\u41')],
    ['a lone backslash before the quote', valid.replace('Ada"', 'Ada\\"')],
    ['backtick strings', valid.replaceAll('"', '`')],
    ['whitespace only', ' \n\t\r\n '],
    ['the word undefined', 'undefined'],
    ['a form body', 'firstName=Ada&lastName=Lovelace&email=ada%40example.com&address=12&distance=half'],
    ['a BOM character after the brace', `{\ufeff${valid.slice(1)}`],
    ['a non-JSON whitespace (NBSP) between tokens', valid.replace(',', ',\u00a0')],
  ];
  for (const [name, body] of INVALID_TEXTS) add('invalid-json', name, { body, ...INVALID_JSON });
  add('invalid-json', 'two UTF-8 BOMs (TextDecoder drops only one)', {
    body: concat(bytes(0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf), utf8(json(validBody()))),
    ...INVALID_JSON,
  });

  // ------------------------------------------------------------ invalid UTF-8
  /** A valid body whose firstName is `prefix`, the raw bytes, then `suffix`. */
  const inNameWith = (prefix: string, suffix: string, ...raw: number[]) => {
    const [before, after] = json(validBody({ firstName: `${prefix}@@${suffix}` })).split('@@') as [string, string];
    return concat(utf8(before), bytes(...raw), utf8(after));
  };
  const inName = (...raw: number[]) => inNameWith('A', 'da', ...raw);
  const UTF8: [string, Uint8Array][] = [
    ['0xFF in a value', inName(0xff)],
    ['0xFE in a value', inName(0xfe)],
    ['a lone continuation byte', inName(0x80)],
    ['overlong "/" (C0 AF)', inName(0xc0, 0xaf)],
    ['overlong NUL (C0 80)', inName(0xc0, 0x80)],
    ['overlong 3-byte (E0 80 AF)', inName(0xe0, 0x80, 0xaf)],
    ['an encoded surrogate (ED A0 80)', inName(0xed, 0xa0, 0x80)],
    ['a CESU-8 surrogate pair', inName(0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80)],
    ['a truncated 3-byte sequence', inName(0xe2, 0x82)],
    ['a truncated 4-byte sequence', inName(0xf0, 0x9f, 0x8f)],
    ['above U+10FFFF (F4 90 80 80)', inName(0xf4, 0x90, 0x80, 0x80)],
    ['F5 lead byte', inName(0xf5, 0x80, 0x80, 0x80)],
    ['a 5-byte sequence', inName(0xf8, 0x88, 0x80, 0x80, 0x80)],
    ['Latin-1 "Zoë"', inNameWith('Zo', '', 0xeb)],
    [
      'an invalid byte in a key',
      concat(
        utf8('{"first'),
        bytes(0xff),
        utf8(`Name":"Ada",${json(validBody()).slice(1).replace('"firstName":"Ada",', '')}`),
      ),
    ],
    ['a truncated sequence at the very end', concat(utf8(json(validBody())), bytes(0xe2))],
    ['UTF-16LE with a BOM', concat(bytes(0xff, 0xfe), utf16le(json(validBody())))],
    ['UTF-16LE without a BOM', utf16le(json(validBody()))],
  ];
  for (const [name, body] of UTF8) add('invalid-utf8', name, { body, ...INVALID_JSON });
  add('invalid-utf8', 'Latin-1 bytes declared as charset=iso-8859-1 (JSON is always UTF-8)', {
    contentType: 'application/json; charset=iso-8859-1',
    body: inNameWith('Zo', '', 0xeb),
    ...INVALID_JSON,
  });

  // ------------------------------------------------------------ empty body
  add('empty-body', 'empty with application/json', { body: '', ...INVALID_JSON });
  add('empty-body', 'empty with a charset parameter', {
    contentType: 'application/json; charset=utf-8',
    body: '',
    ...INVALID_JSON,
  });
  add('empty-body', 'empty byte array', { body: new Uint8Array(0), ...INVALID_JSON });

  // ------------------------------------------------------------ content types (a valid body each time)
  const TYPES: [string, string | null, string?][] = [
    ['text/plain', 'text/plain'],
    ['text/plain with charset', 'text/plain;charset=UTF-8'],
    [
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded',
      'firstName=Ada&lastName=Lovelace&email=form%40example.com&address=12+Analytical+Row&distance=half',
    ],
    [
      'multipart/form-data',
      'multipart/form-data; boundary=xyz',
      '--xyz\r\nContent-Disposition: form-data; name="firstName"\r\n\r\nAda\r\n--xyz--\r\n',
    ],
    ['no Content-Type', null],
    ['an empty Content-Type', ''],
    ['application/jsonx', 'application/jsonx'],
    ['application/json5', 'application/json5'],
    ['application/x-json', 'application/x-json'],
    ['application/jsonp', 'application/jsonp'],
    ['application/json-seq', 'application/json-seq'],
    ['text/json', 'text/json'],
    ['text/javascript', 'text/javascript'],
    ['application/javascript', 'application/javascript'],
    ['application/xml', 'application/xml'],
    ['text/html', 'text/html'],
    ['application/octet-stream', 'application/octet-stream'],
    ['*/*', '*/*'],
    ['application', 'application'],
    ['json', 'json'],
    ['application/json+xml', 'application/json+xml'],
    ['text/plain then application/json as a parameter', 'text/plain; type=application/json'],
    ['multipart/related with a JSON type parameter', 'multipart/related; type="application/json"'],
  ];
  for (const [name, contentType, body] of TYPES) {
    add('content-type', name, { contentType, body: body ?? json(validBody()), ...UNSUPPORTED });
  }

  // ------------------------------------------------------------ body size
  add('body-size', 'one byte over the limit', { body: bodyOfSize(BODY_LIMIT + 1), ...TOO_LARGE });
  add('body-size', '17 KiB', { body: bodyOfSize(17 * 1024), ...TOO_LARGE });
  add('body-size', '64 KiB', { body: bodyOfSize(64 * 1024), ...TOO_LARGE });
  add('body-size', 'over the limit in bytes but not in characters (3-byte €)', {
    body: bodyOfSize(BODY_LIMIT + 600, '\u20ac'),
    ...TOO_LARGE,
  });
  add('body-size', 'over the limit and not JSON either', { body: '{'.repeat(BODY_LIMIT + 1), ...TOO_LARGE });
  add('body-size', 'over the limit with whitespace padding around a valid body', {
    body: `${' '.repeat(BODY_LIMIT)}${json(validBody())}`,
    ...TOO_LARGE,
  });
  // Exactly at the limit the body is read: the answer is about the content, not the size.
  add('body-size', 'exactly the limit is read (then the address is too long)', {
    body: bodyOfSize(BODY_LIMIT),
    ...invalid('address'),
  });

  // ------------------------------------------------------------ names that render blank or spill over
  const BLANK_NAMES: [string, Field, string, string][] = [
    ['a Hangul filler as firstName', 'firstName', '\u3164', 'must contain a letter'],
    ['Hangul choseong and jungseong fillers as lastName', 'lastName', '\u115f\u1160', 'must contain a letter'],
    ['a half-width Hangul filler as firstName', 'firstName', '\uffa0', 'must contain a letter'],
    ['braille blanks as lastName', 'lastName', '\u2800\u2800', 'must contain a letter'],
    ['a combining grapheme joiner alone as firstName', 'firstName', '\u034f', 'must contain a letter'],
    ['a letter under 99 combining marks as firstName', 'firstName', `A${'\u0301'.repeat(99)}`, 'marks'],
    ['Zalgo text as lastName', 'lastName', 'L\u0316\u0317\u0318\u0319\u031aove', 'marks'],
    ['a letter under 20 marks in the address', 'address', `12 R${'\u0300'.repeat(20)}ow`, 'marks'],
  ];
  for (const [name, field, value, message] of BLANK_NAMES) {
    add('blank-or-stacked-names', name, {
      body: json(validBody({ [field]: value })),
      ...invalid(field),
      expectMessageIncludes: message,
    });
  }

  // ------------------------------------------------------------ many problems: a short answer all the same
  const manyUnknown = (count: number) =>
    rawObject([
      ...baseEntries(),
      ...Array.from({ length: count }, (_, i): [string, string] => [`"k${String(i).padStart(5, '0')}"`, '0']),
    ]);
  let keys = 100;
  while (utf8(manyUnknown(keys + 100)).length < BODY_LIMIT - 200) keys += 100;
  add('many-problems', `${keys} unknown keys in a ~15 KiB body`, {
    body: manyUnknown(keys),
    ...invalid('k00000'),
    expectMessageIncludes: `and ${keys - 20} more`,
    expectAtMostDetails: 20,
    expectAtMostBytes: 2048,
  });
  add('many-problems', 'one unknown key of 10 KiB', {
    body: rawObject([...baseEntries(), [json('k'.repeat(TEN_KB)), '0']]),
    ...invalid(`${'k'.repeat(64)}…`),
    expectAtMostBytes: 1024,
  });

  // ------------------------------------------------------------ the seed strategy routes share the reader
  for (const route of SEED_STRATEGY_ROUTES) {
    const short = route.replace('/api/marathon-', '');
    const seed = (name: string, rest: Omit<BadInputCase, 'name' | 'category' | 'route'>) =>
      add('seed-routes', `${short}: ${name}`, { route, ...rest });
    seed('firstName is a number', { body: json(validBody({ firstName: 42 })), ...invalid('firstName') });
    seed('unknown field __proto__', { body: withKey('"__proto__"', '{"isAdmin":true}'), ...invalid('__proto__') });
    seed('CRLF Bcc in email', { body: json(validBody({ email: 'a@b.c\r\nBcc: x@y.z' })), ...invalid('email') });
    seed('invalid JSON', { body: '{"firstName":', ...INVALID_JSON });
    seed('invalid UTF-8', { body: inName(0xff), ...INVALID_JSON });
    seed('text/plain', { contentType: 'text/plain', body: json(validBody()), ...UNSUPPORTED });
    seed('over 16 KiB', { body: bodyOfSize(17 * 1024), ...TOO_LARGE });
    seed('email twice', { body: rawObject([...baseEntries(), ['"email"', json(nextEmail())]]), ...DUPLICATE });
  }

  return cases;
}

function utf16le(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    out[i * 2] = unit & 0xff;
    out[i * 2 + 1] = unit >> 8;
  }
  return out;
}

export const BAD_INPUT_CORPUS: readonly BadInputCase[] = build();

/** Category → number of cases, in corpus order. */
export function corpusCategories(corpus: readonly BadInputCase[] = BAD_INPUT_CORPUS): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of corpus) counts[c.category] = (counts[c.category] ?? 0) + 1;
  return counts;
}
