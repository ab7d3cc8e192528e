import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../tools/seeded-random.js';
import { findDuplicateKey, nestsDeeperThan } from './strict-json.js';

/** Every case is valid JSON: the function's precondition, checked here so a typo cannot hide. */
function dup(text: string): string | undefined {
  JSON.parse(text);
  return findDuplicateKey(text);
}

describe('findDuplicateKey', () => {
  describe('no duplicates', () => {
    it.each([
      ['an empty object', '{}'],
      ['an empty array', '[]'],
      ['a primitive', '42'],
      ['a string that looks like an object', '"{\\"a\\":1,\\"a\\":2}"'],
      ['null', 'null'],
      ['distinct keys', '{"a":1,"b":2,"c":3}'],
      ['a value equal to its key', '{"a":"a","b":"a"}'],
      ['values equal to other keys', '{"a":"b","b":"a"}'],
      ['the same key in sibling objects', '[{"a":1},{"a":2}]'],
      ['the same key at different depths', '{"a":{"a":{"a":1}}}'],
      ['the same key in an object and in a nested array of objects', '{"a":[{"a":1},{"a":2}]}'],
      ['keys differing by case', '{"a":1,"A":2}'],
      ['keys differing by a trailing space', '{"a":1,"a ":2}'],
      ['"1" and "01"', '{"1":1,"01":2}'],
      ['composed and decomposed é (no normalisation)', '{"\u00e9":1,"e\u0301":2}'],
      ['an empty key once', '{"":1,"a":2}'],
      ['__proto__ once', '{"__proto__":{"x":1},"constructor":2}'],
      ['string values full of structure', '{"a":"{\\"b\\":1,\\"b\\":2}","b":"[,:]{}","c":"\\\\"}'],
      ['a value ending in an escaped backslash', '{"a":"x\\\\","b":"y\\\\\\\\","c":"\\\\\\""}'],
      ['whitespace everywhere', ' \n\t{ "a" \r\n : 1 , "b"\t:\n[ { "a" : 2 } , { "b" : 3 } ] } \n'],
      ['numbers, literals and nesting', '{"a":-1.5e+10,"b":true,"c":false,"d":null,"e":[1,[2,[3]]],"f":{}}'],
      ['a key after a nested object', '{"a":{"b":1,"c":2},"b":3,"c":4}'],
      ['a key after a nested array', '{"a":[1,{"b":1}],"b":[{"b":2}]}'],
      ['objects inside arrays inside objects', '{"x":[{"k":1,"j":2},{"k":3,"j":4}],"k":5,"j":6}'],
    ])('%s', (_name, text) => {
      expect(dup(text)).toBeUndefined();
    });
  });

  describe('duplicates', () => {
    it.each([
      ['a top-level duplicate', '{"a":1,"a":2}', 'a'],
      ['the same value twice', '{"a":1,"a":1}', 'a'],
      ['a duplicate with other keys between', '{"email":"a@x.y","name":"n","email":"b@x.y"}', 'email'],
      ['a duplicate after a nested object value', '{"a":{"b":1},"a":2}', 'a'],
      ['a duplicate after a nested array value', '{"a":[1,2,{"a":3}],"a":4}', 'a'],
      ['a duplicate inside a nested object', '{"a":{"b":1,"b":2}}', 'b'],
      ['a duplicate inside an array of objects', '[{"a":1},{"b":1,"b":2}]', 'b'],
      ['a duplicate deep inside', '{"a":[{"b":[{"c":{"d":1,"e":2,"d":3}}]}]}', 'd'],
      ['an empty key twice', '{"":1,"":2}', ''],
      ['__proto__ twice', '{"__proto__":1,"__proto__":{}}', '__proto__'],
      ['a \\u escape equal to a plain key', '{"a":1,"\\u0061":2}', 'a'],
      ['two different escapes of the same key', '{"\\u0065mail":1,"\\u0065\\u006dail":2}', 'email'],
      ['an uppercase hex escape', '{"\\u00E9":1,"\u00e9":2}', '\u00e9'],
      ['an escaped solidus', '{"a/b":1,"a\\/b":2}', 'a/b'],
      ['a key with an escaped quote', '{"a\\"b":1,"a\\u0022b":2}', 'a"b'],
      ['a key with an escaped backslash', '{"a\\\\":1,"a\\u005c":2}', 'a\\'],
      ['a key with an escaped newline', '{"a\\n":1,"a\\u000a":2}', 'a\n'],
      ['a surrogate pair escaped and raw', '{"\\ud83d\\ude00":1,"\u{1f600}":2}', '\u{1f600}'],
      ['whitespace around the keys', '{ "a" : 1 ,\n "a"\t: 2 }', 'a'],
      ['a key that looks like a value elsewhere', '{"a":"b","b":"a","a":"b"}', 'a'],
    ])('%s', (_name, text, key) => {
      expect(dup(text)).toBe(key);
    });

    it('answers the first duplicate in document order', () => {
      expect(dup('{"a":1,"b":2,"b":3,"a":4}')).toBe('b');
      expect(dup('{"x":{"y":1,"y":2},"x":3}')).toBe('y');
      expect(dup('{"x":1,"z":{"y":1,"y":2},"x":3}')).toBe('y');
      expect(dup('[{"p":1,"p":2},{"q":1,"q":2}]')).toBe('p');
    });

    it('forgets the keys of an object once it is closed', () => {
      expect(dup('{"a":{"k":1},"b":{"k":2},"c":{"k":3,"k":4}}')).toBe('k');
      expect(dup('[{"k":1},{"k":1},{"j":1,"j":1}]')).toBe('j');
    });
  });

  describe('size and depth', () => {
    it('handles nesting far deeper than a recursive parser could', () => {
      const depth = 200_000;
      const deepArrays = `${'['.repeat(depth)}{"a":1,"a":2}${']'.repeat(depth)}`;
      expect(findDuplicateKey(deepArrays)).toBe('a');
      const deepObjects = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      expect(findDuplicateKey(deepObjects)).toBeUndefined();
      const deepObjectsWithDuplicate = `${'{"a":'.repeat(depth)}{"b":1,"b":2}${'}'.repeat(depth)}`;
      expect(findDuplicateKey(deepObjectsWithDuplicate)).toBe('b');
    });

    // Correctness at size, not a stopwatch: the single pass is visible in strict-json.ts, and a
    // quadratic regression would show as this test running into the test timeout.
    it('is right on large inputs: a hundred thousand keys, long strings, many escapes', () => {
      const keys = Array.from({ length: 100_000 }, (_, i) => `"k${i}":${i}`);
      const wide = `{${keys.join(',')}}`;
      expect(findDuplicateKey(wide)).toBeUndefined();
      expect(findDuplicateKey(`{${keys.join(',')},"k99999":0}`)).toBe('k99999');
      expect(findDuplicateKey(`{"k0":0,${keys.slice(1).join(',')},"k0":1}`)).toBe('k0');
      // Escaped quotes and backslashes inside values must never end a string early.
      const longValue = `{"a":"${'x\\"'.repeat(200_000)}","b":"${'\\\\'.repeat(200_000)}"}`;
      expect(JSON.parse(longValue).a).toHaveLength(400_000);
      expect(findDuplicateKey(longValue)).toBeUndefined();
      expect(findDuplicateKey(`${longValue.slice(0, -1)},"a":1}`)).toBe('a');
      // Escaped keys are decoded: 50,000 distinct ones, then the first again spelled without escapes.
      const escaped = Array.from({ length: 50_000 }, (_, i) => `"\\u0061${i}":1`);
      expect(findDuplicateKey(`{${escaped.join(',')}}`)).toBeUndefined();
      expect(findDuplicateKey(`{${escaped.join(',')},"a0":2}`)).toBe('a0');
    });
  });

  describe('on text that is not valid JSON (outside the contract)', () => {
    it.each(['', '{', '}', ']]]', '{"a', '{"a\\', '{"\\u00":1,"\\u00":2}', '"', '{"a":1,}'])(
      'neither throws nor hangs on %j',
      (text) => {
        expect(() => findDuplicateKey(text)).not.toThrow();
      },
    );
  });

  describe('agrees with a straightforward recursive reference on random documents', () => {
    it('10,000 random documents', () => {
      const random = seededRandom(20260702);
      let withDuplicates = 0;
      for (let n = 0; n < 10_000; n += 1) {
        const text = randomJson(random, 0);
        JSON.parse(text);
        const expected = referenceDuplicate(text);
        if (expected !== undefined) withDuplicates += 1;
        expect(findDuplicateKey(text), text).toBe(expected);
      }
      // The generator must exercise both answers.
      expect(withDuplicates).toBeGreaterThan(1_000);
      expect(withDuplicates).toBeLessThan(9_000);
    });
  });
});

// ---------------------------------------------------------------- reference and generator

// Spellings of a few keys, several of them the same key once decoded.
const KEY_SPELLINGS = ['a', '\\u0061', 'b', '\\u0062', 'a\\"', 'a\\u0022', '\\\\', '\\u005C', '', 'é', '\\u00e9', 'ab'];
const STRING_VALUES = ['', 'a', '{', '}', '[', ']', ':', ',', '\\"', '\\\\', '\\"}', 'x\\\\\\"{', '\\u0022'];

function randomJson(random: () => number, depth: number): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const roll = random();
  if (depth > 4 || roll < 0.35) {
    return pick(['0', '-1.5e3', 'true', 'false', 'null', ...STRING_VALUES.map((s) => `"${s}"`)]);
  }
  const ws = () => pick(['', ' ', '\n', '\t ', '\r\n']);
  const size = Math.floor(random() * 4);
  const items: string[] = [];
  if (roll < 0.6) {
    for (let i = 0; i < size; i += 1) items.push(`${ws()}${randomJson(random, depth + 1)}${ws()}`);
    return `[${items.join(',')}]`;
  }
  for (let i = 0; i < size; i += 1) {
    items.push(`${ws()}"${pick(KEY_SPELLINGS)}"${ws()}:${ws()}${randomJson(random, depth + 1)}${ws()}`);
  }
  return `{${items.join(',')}}`;
}

/** A plain recursive-descent reading of valid JSON, reporting the first repeated key. */
function referenceDuplicate(text: string): string | undefined {
  let i = 0;
  let found: string | undefined;
  const skipWs = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i += 1;
  };
  const readString = (): string => {
    const start = i;
    i += 1;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i += 1;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const readValue = (): void => {
    skipWs();
    const c = text[i];
    if (c === '{') {
      i += 1;
      const seen = new Set<string>();
      skipWs();
      if (text[i] === '}') {
        i += 1;
        return;
      }
      for (;;) {
        skipWs();
        const key = readString();
        if (seen.has(key) && found === undefined) found = key;
        seen.add(key);
        skipWs();
        i += 1; // :
        readValue();
        skipWs();
        if (text[i++] === '}') return;
      }
    }
    if (c === '[') {
      i += 1;
      skipWs();
      if (text[i] === ']') {
        i += 1;
        return;
      }
      for (;;) {
        readValue();
        skipWs();
        if (text[i++] === ']') return;
      }
    }
    if (c === '"') {
      readString();
      return;
    }
    while (i < text.length && !',]} \t\r\n'.includes(text[i]!)) i += 1;
  };
  readValue();
  return found;
}

describe('nestsDeeperThan', () => {
  it('counts objects and arrays, not brackets inside strings', () => {
    expect(nestsDeeperThan('{"a":[1,{"b":[]}]}', 4)).toBe(false);
    expect(nestsDeeperThan('{"a":[1,{"b":[]}]}', 3)).toBe(true);
    expect(nestsDeeperThan('{"a":"[[[[[[{{{{"}', 1)).toBe(false);
    expect(nestsDeeperThan('["\\"[[[["]', 1)).toBe(false);
    expect(nestsDeeperThan('7', 0)).toBe(false);
  });

  it('takes any depth without recursion', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(nestsDeeperThan(deep, 199_999)).toBe(true);
    expect(nestsDeeperThan(deep, 200_000)).toBe(false);
  });
});
