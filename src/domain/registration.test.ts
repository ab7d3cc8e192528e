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

describe('validateRegistration: the rules of DESIGN §5', () => {
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

describe('normalizeEmail', () => {
  it('is lower(trim(email))', () => {
    expect(normalizeEmail(' ADA@Example.com ')).toBe('ada@example.com');
    expect(normalizeEmail('ada@example.com')).toBe('ada@example.com');
    expect(normalizeEmail('\tAda@EXAMPLE.COM\n')).toBe('ada@example.com');
  });
});
