// The example race file in the repository is valid and is the built-in default.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DEFAULT_RACE, parseRace } from './race.js';

it('race.example.json parses and equals the built-in race', () => {
  const example = parseRace(JSON.parse(readFileSync(new URL('../../race.example.json', import.meta.url), 'utf8')));
  expect(example).toEqual(DEFAULT_RACE);
});
