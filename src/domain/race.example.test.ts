// The example race file in the repository is valid and is the built-in default, plus the reminders it
// shows (the built-in race has none).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DEFAULT_RACE, parseRace } from './race.js';

it('race.example.json parses and equals the built-in race, plus two reminders', () => {
  const example = parseRace(JSON.parse(readFileSync(new URL('../../race.example.json', import.meta.url), 'utf8')));
  const { reminders, ...race } = example;
  expect(race).toEqual(DEFAULT_RACE);
  expect(reminders).toEqual(['7d', '1d']);
});
