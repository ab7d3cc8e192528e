import { describe, expect, it } from 'vitest';
import { DEFAULT_RACE, type Race } from './race.js';
import { type FieldProblem, normalizeEmail, validateRegistration } from './registration.js';

const valid = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  address: '12 St James Square\nLondon',
  distance: 'half',
};

function problems(input: unknown, race: Race = DEFAULT_RACE): FieldProblem[] {
  const result = validateRegistration(race, input);
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
  return result.problems;
}

/** One field changed; expects exactly one problem, at that field. */
function problemWith(field: string, value: unknown): FieldProblem {
  const found = problems({ ...valid, [field]: value });
  expect(found).toHaveLength(1);
  expect(found[0]?.path).toBe(field);
  return found[0] as FieldProblem;
}

describe('validateRegistration: valid input', () => {
  it('accepts the fields and trims the strings', () => {
    const result = validateRegistration(DEFAULT_RACE, {
      firstName: '  Ada ',
      lastName: '\tLovelace  ',
      email: '  Ada@Example.com ',
      address: '  12 St James Square\r\nLondon \n',
      distance: 'full',
    });
    expect(result).toEqual({
      ok: true,
      value: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'Ada@Example.com', // trimmed; case kept (comparison is case-insensitive via normalizeEmail)
        address: '12 St James Square\nLondon', // CRLF → LF
        distance: 'full',
      },
    });
  });

  it('accepts every distance of the race, and the boundary lengths', () => {
    for (const distance of ['10', 'half', 'full']) {
      expect(validateRegistration(DEFAULT_RACE, { ...valid, distance }).ok).toBe(true);
    }
    const local = 'a'.repeat(64);
    const email254 = `${local}@${'b'.repeat(254 - local.length - 1 - 4)}.com`;
    expect(email254).toHaveLength(254);
    const result = validateRegistration(DEFAULT_RACE, {
      ...valid,
      firstName: 'x'.repeat(100),
      lastName: 'y'.repeat(100),
      email: email254,
      address: 'z'.repeat(300),
    });
    expect(result.ok).toBe(true);
    // Lengths count after trimming.
    expect(validateRegistration(DEFAULT_RACE, { ...valid, firstName: ` ${'x'.repeat(100)} ` }).ok).toBe(true);
  });

  it('accepts names with letters from any script', () => {
    expect(validateRegistration(DEFAULT_RACE, { ...valid, firstName: 'Zoë', lastName: 'Ó Súilleabháin-李' }).ok).toBe(
      true,
    );
  });
});

describe('validateRegistration: the rules of docs/design.md, HTTP contract', () => {
  for (const field of ['firstName', 'lastName'] as const) {
    describe(field, () => {
      it('must not be empty (also after trimming)', () => {
        expect(problemWith(field, '')).toEqual({ path: field, message: 'must not be empty' });
        expect(problemWith(field, '   ')).toEqual({ path: field, message: 'must not be empty' });
      });
      it('at most 100 characters', () => {
        expect(problemWith(field, 'x'.repeat(101))).toEqual({ path: field, message: 'must be at most 100 characters' });
      });
      it('no control characters, not even a newline', () => {
        for (const bad of [
          'A\nda',
          'A\rda',
          'A\tda',
          'A\u0000da',
          'A\u0007da',
          'A\u007fda',
          'A\u0085da',
          'A\u2028da',
        ]) {
          expect(problemWith(field, bad)).toEqual({ path: field, message: 'must not contain control characters' });
        }
      });
      it('must be a string', () => {
        expect(problemWith(field, 42)).toEqual({ path: field, message: 'must be a string' });
        expect(problemWith(field, null)).toEqual({ path: field, message: 'must be a string' });
        expect(problemWith(field, ['Ada'])).toEqual({ path: field, message: 'must be a string' });
      });
    });
  }

  describe('email', () => {
    it('must be a valid address', () => {
      for (const bad of [
        '',
        'ada',
        'ada@',
        '@example.com',
        'ada@example',
        'ada@@example.com',
        'ada lovelace@example.com',
        'Ada <ada@example.com>',
        'ada@example.com, bob@example.com',
        'ada@exa\nmple.com',
        'ada@example.com\r\nBcc: x@y.z',
        'ada@example..com',
        '.ada@example.com',
        'ada.@example.com',
        'a..da@example.com',
        'ada@.example.com',
        'ada@example.com.',
      ]) {
        expect(problemWith('email', bad), JSON.stringify(bad)).toEqual({
          path: 'email',
          message: 'must be a valid address',
        });
      }
    });
    it('at most 254 characters', () => {
      const long = `${'a'.repeat(64)}@${'b'.repeat(186)}.com`;
      expect(long).toHaveLength(255);
      expect(problemWith('email', long)).toEqual({ path: 'email', message: 'must be at most 254 characters' });
    });
    it('must be a string', () => {
      expect(problemWith('email', true)).toEqual({ path: 'email', message: 'must be a string' });
    });
  });

  describe('address', () => {
    it('1–300 characters', () => {
      expect(problemWith('address', '')).toEqual({ path: 'address', message: 'must not be empty' });
      expect(problemWith('address', ' \n ')).toEqual({ path: 'address', message: 'must not be empty' });
      expect(problemWith('address', 'x'.repeat(301))).toEqual({
        path: 'address',
        message: 'must be at most 300 characters',
      });
    });
    it('allows newlines (LF and CRLF) but no other control characters', () => {
      expect(validateRegistration(DEFAULT_RACE, { ...valid, address: 'a\nb\r\nc' })).toMatchObject({
        ok: true,
        value: { address: 'a\nb\nc' },
      });
      for (const bad of ['a\tb', 'a\rb', 'a\u0000b', 'a\u001bb', 'a\u2029b']) {
        expect(problemWith('address', bad), JSON.stringify(bad)).toEqual({
          path: 'address',
          message: 'must not contain control characters',
        });
      }
    });
    it('must be a string', () => {
      expect(problemWith('address', { street: 'x' })).toEqual({ path: 'address', message: 'must be a string' });
    });
  });

  describe('distance', () => {
    it("must be one of the race's distances", () => {
      for (const bad of ['marathon', 'Half', ' half', '', '5']) {
        expect(problemWith('distance', bad)).toEqual({ path: 'distance', message: 'must be one of: 10, half, full' });
      }
    });
    it("follows the race's own distances", () => {
      const race: Race = { ...DEFAULT_RACE, distances: [{ id: '5k', label: '5 km', startTime: '10:00', cap: 10 }] };
      expect(validateRegistration(race, { ...valid, distance: '5k' }).ok).toBe(true);
      expect(problems({ ...valid, distance: 'half' }, race)).toEqual([
        { path: 'distance', message: 'must be one of: 5k' },
      ]);
    });
    it('must be a string (10 is not "10")', () => {
      expect(problemWith('distance', 10)).toEqual({ path: 'distance', message: 'must be a string' });
    });
  });

  it('unknown fields are named, one problem each', () => {
    expect(problems({ ...valid, age: 36 })).toEqual([{ path: 'age', message: 'unknown field' }]);
    expect(problems({ ...valid, age: 36, isAdmin: true })).toEqual(
      expect.arrayContaining([
        { path: 'age', message: 'unknown field' },
        { path: 'isAdmin', message: 'unknown field' },
      ]),
    );
    expect(problems({ ...valid, __proto__x: 1 })).toEqual([{ path: '__proto__x', message: 'unknown field' }]);
  });

  it('missing fields → "is required", one problem each', () => {
    for (const field of Object.keys(valid)) {
      const { [field as keyof typeof valid]: _omitted, ...rest } = valid;
      expect(problems(rest)).toEqual([{ path: field, message: 'is required' }]);
    }
    expect(problems({})).toEqual(
      ['firstName', 'lastName', 'email', 'address', 'distance'].map((path) => ({ path, message: 'is required' })),
    );
    // Present but undefined (can't come from JSON) is not "missing".
    expect(problems({ ...valid, firstName: undefined })).toEqual([{ path: 'firstName', message: 'must be a string' }]);
  });

  it('reports every problem at once', () => {
    const found = problems({ firstName: '', email: 'nope', address: 'x'.repeat(301), distance: 'ultra', extra: 1 });
    expect(found).toEqual(
      expect.arrayContaining([
        { path: 'firstName', message: 'must not be empty' },
        { path: 'lastName', message: 'is required' },
        { path: 'email', message: 'must be a valid address' },
        { path: 'address', message: 'must be at most 300 characters' },
        { path: 'distance', message: 'must be one of: 10, half, full' },
        { path: 'extra', message: 'unknown field' },
      ]),
    );
    expect(found).toHaveLength(6);
  });

  it('a body that is not an object → one problem at the root', () => {
    for (const body of [null, undefined, [], [valid], 'Ada', 42, true]) {
      expect(problems(body), JSON.stringify(body)).toEqual([{ path: '', message: 'body must be a JSON object' }]);
    }
  });
});

describe('validateRegistration: invisible formatting characters (Unicode category Cf)', () => {
  const FORMAT: [string, string][] = [
    ['U+202E right-to-left override', '\u202e'],
    ['U+202A left-to-right embedding', '\u202a'],
    ['U+200B zero-width space', '\u200b'],
    ['U+200C zero-width non-joiner', '\u200c'],
    ['U+200D zero-width joiner', '\u200d'],
    ['U+200E left-to-right mark', '\u200e'],
    ['U+2060 word joiner', '\u2060'],
    ['U+FEFF byte order mark', '\ufeff'],
    ['U+2066 left-to-right isolate', '\u2066'],
    ['U+2067 right-to-left isolate', '\u2067'],
    ['U+2068 first strong isolate', '\u2068'],
    ['U+2069 pop directional isolate', '\u2069'],
    ['U+00AD soft hyphen', '\u00ad'],
    ['U+061C Arabic letter mark', '\u061c'],
    ['U+180E Mongolian vowel separator', '\u180e'],
    ['U+E0041 tag latin capital letter A (astral)', '\u{e0041}'],
  ];
  const inside: Record<'firstName' | 'lastName' | 'email' | 'address', (c: string) => string> = {
    firstName: (c) => `Ad${c}a`,
    lastName: (c) => `Love${c}lace`,
    email: (c) => `ada${c}@example.com`,
    address: (c) => `12 St James${c} Square\nLondon`,
  };
  for (const [field, place] of Object.entries(inside)) {
    it(`${field}: refused inside the value, one problem naming the field`, () => {
      for (const [name, char] of FORMAT) {
        expect(problemWith(field, place(char)), name).toEqual({
          path: field,
          message: 'must not contain invisible formatting characters',
        });
      }
    });
  }

  it('also at either end, except U+FEFF, which trim() strips as white space', () => {
    expect(problemWith('firstName', 'Ada\u200b')).toMatchObject({ path: 'firstName' });
    expect(problemWith('lastName', '\u202eLovelace')).toMatchObject({ path: 'lastName' });
    expect(problemWith('email', 'ada@example.com\u2069')).toMatchObject({ path: 'email' });
    expect(validateRegistration(DEFAULT_RACE, { ...valid, firstName: '\ufeffAda\ufeff' })).toMatchObject({
      ok: true,
      value: { firstName: 'Ada' },
    });
  });

  it('a value made only of them is refused too', () => {
    expect(problemWith('firstName', '\u200b\u200b')).toEqual({
      path: 'firstName',
      message: 'must not contain invisible formatting characters',
    });
  });

  it('visible characters of other categories that look like punctuation stay allowed', () => {
    // Hyphen, apostrophes, NBSP inside (Zs, not Cf), combining accents (Mn).
    for (const name of ['Anne-Marie', 'O\u2019Brien', "D'Arcy", 'Jean\u00a0Luc', 'Zoe\u0308']) {
      expect(validateRegistration(DEFAULT_RACE, { ...valid, firstName: name }).ok, name).toBe(true);
    }
  });
});

describe('validateRegistration: names that render blank or spill over', () => {
  const BLANK: [string, string][] = [
    ['U+3164 Hangul filler', '\u3164'],
    ['U+115F and U+1160 Hangul choseong and jungseong fillers', '\u115f\u1160'],
    ['U+FFA0 half-width Hangul filler', '\uffa0\uffa0'],
    ['U+2800 braille blank', '\u2800'],
    ['U+034F combining grapheme joiner alone', '\u034f'],
    ['combining marks alone', '\u0301\u0302'],
    ['digits and punctuation only', "42 - '."],
    ['a symbol only', '\u{1f3c3}'],
  ];
  for (const field of ['firstName', 'lastName'] as const) {
    it(`${field}: no visible letter → one problem naming the field`, () => {
      for (const [name, value] of BLANK) {
        expect(problemWith(field, value), name).toEqual({ path: field, message: 'must contain a letter' });
      }
    });
    it(`${field}: zero-width characters alone stay "invisible formatting characters" (one problem)`, () => {
      expect(problemWith(field, '\u200b\u200c')).toEqual({
        path: field,
        message: 'must not contain invisible formatting characters',
      });
    });
  }

  it('more than 4 combining marks in a row are refused, in names and the address', () => {
    for (const field of ['firstName', 'lastName', 'address'] as const) {
      for (const value of [`A${'\u0301'.repeat(99)}`, `Ada${'\u0316\u0317\u0318\u0319\u031a'}`]) {
        expect(problemWith(field, value)).toEqual({
          path: field,
          message: 'must not stack more than 4 accents or marks on one character',
        });
      }
    }
  });

  it('real names stay accepted: marks up to 4 in a row, letters of any script, fillers beside letters', () => {
    for (const name of [
      'Ngô Bảo Châu',
      'Nguyê\u0303n', // e + circumflex + tilde after NFC: ê + one mark
      'a\u0316\u0317\u0318\u0319', // 4 marks, the most allowed
      '\u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd', // pointed Hebrew
      '\u0f56\u0f66\u0f92\u0fb2\u0f74\u0f56\u0f66', // Tibetan, stacked consonants
      '\u0928\u093f\u0924\u094d\u092f\u093e', // Devanagari with virama
      "O'Brien 3rd",
      'Zoe\u0308',
    ]) {
      expect(validateRegistration(DEFAULT_RACE, { ...valid, firstName: name }).ok, name).toBe(true);
    }
  });
});

describe('validateRegistration: NFC normalisation', () => {
  const composed = 'Zo\u00eb Cl\u00e9ment';
  const decomposed = 'Zoe\u0308 Cle\u0301ment';

  it('every text field comes out in NFC, whichever way it was typed', () => {
    expect(decomposed).not.toBe(composed);
    const result = validateRegistration(DEFAULT_RACE, {
      firstName: decomposed,
      lastName: `  ${decomposed} `,
      email: 'zoe\u0308@exa\u0301mple.com',
      address: `1 Rue de l'E\u0301glise\r\nParis`,
      distance: 'half',
    });
    expect(result).toEqual({
      ok: true,
      value: {
        firstName: composed,
        lastName: composed,
        email: 'zo\u00eb@ex\u00e1mple.com',
        address: "1 Rue de l'\u00c9glise\nParis",
        distance: 'half',
      },
    });
  });

  it('composed and decomposed input validate to the same value', () => {
    const a = validateRegistration(DEFAULT_RACE, { ...valid, firstName: composed, email: 'zo\u00eb@example.com' });
    const b = validateRegistration(DEFAULT_RACE, { ...valid, firstName: decomposed, email: 'zoe\u0308@example.com' });
    expect(a.ok && b.ok).toBe(true);
    expect(a).toEqual(b);
  });

  it('lengths count the composed form', () => {
    // 100 × "e" + combining acute is 200 code units as sent, 100 characters in NFC.
    expect(validateRegistration(DEFAULT_RACE, { ...valid, firstName: 'e\u0301'.repeat(100) })).toMatchObject({
      ok: true,
      value: { firstName: '\u00e9'.repeat(100) },
    });
    expect(problemWith('firstName', 'e\u0301'.repeat(101))).toEqual({
      path: 'firstName',
      message: 'must be at most 100 characters',
    });
  });
});

describe('normalizeEmail', () => {
  it('is lower(trim(email))', () => {
    expect(normalizeEmail(' ADA@Example.com ')).toBe('ada@example.com');
    expect(normalizeEmail('ada@example.com')).toBe('ada@example.com');
    expect(normalizeEmail('\tAda@EXAMPLE.COM\n')).toBe('ada@example.com');
  });

  it('is NFC: composed and decomposed spellings are one address', () => {
    expect(normalizeEmail('Zo\u00eb@example.com')).toBe('zo\u00eb@example.com');
    expect(normalizeEmail(' ZOE\u0308@EXAMPLE.COM')).toBe('zo\u00eb@example.com');
    // "Ϊ́" is already NFC (no composed capital exists); lower-cased it becomes "ϊ" + acute, which NFC
    // composes into "ΐ" — so the key matches an address typed with "ΐ" itself.
    expect('\u03aa\u0301'.normalize('NFC')).toBe('\u03aa\u0301');
    expect(normalizeEmail('\u03aa\u0301@x.gr')).toBe('\u0390@x.gr');
    expect(normalizeEmail('\u0390@x.gr')).toBe('\u0390@x.gr');
    expect(normalizeEmail('E\u0301@x.y')).toBe('\u00e9@x.y');
  });
});
