// A race file with a mistake is refused with a message that names the field and says what is wrong in
// words (Zod Mini has no messages until English is set: src/domain/zod-messages.ts).
import { expect, it } from 'vitest';
import { DEFAULT_RACE, parseRace } from './race.js';

it('names the field and says what is wrong, in English, for the checks Zod words itself', () => {
  expect(() => parseRace({ ...DEFAULT_RACE, name: '' })).toThrow(
    /^name: Too small: expected string to have >=1 characters$/,
  );
  expect(() => parseRace({ ...DEFAULT_RACE, date: '18 April 2027' })).toThrow(/^date: Invalid ISO date$/);
  const distances = [{ ...DEFAULT_RACE.distances[0]!, cap: 1.5 }];
  expect(() => parseRace({ ...DEFAULT_RACE, distances })).toThrow(
    /^distances\.0\.cap: Invalid input: expected int, received number$/,
  );
});

it('uses our own words where we gave them', () => {
  expect(() => parseRace({ ...DEFAULT_RACE, id: 'Riverside 2027' })).toThrow(
    'id: lowercase letters, digits and dashes',
  );
  const twice = [DEFAULT_RACE.distances[0]!, DEFAULT_RACE.distances[0]!];
  expect(() => parseRace({ ...DEFAULT_RACE, distances: twice })).toThrow('distances: distance ids must be unique');
});
