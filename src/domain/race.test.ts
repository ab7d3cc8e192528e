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

it('names the reminder at fault', () => {
  expect(parseRace({ ...DEFAULT_RACE, reminders: ['7d', '1d'] }).reminders).toEqual(['7d', '1d']);
  expect(parseRace({ ...DEFAULT_RACE, reminders: [] }).reminders).toEqual([]);
  expect(parseRace(DEFAULT_RACE).reminders).toBeUndefined();
  expect(() => parseRace({ ...DEFAULT_RACE, reminders: ['7d', '1 day'] })).toThrow(
    'reminders.1: a duration like 7d, 36h, 90m or 30s',
  );
  expect(() => parseRace({ ...DEFAULT_RACE, reminders: ['400d'] })).toThrow('reminders.0: at most 366 days');
  expect(() => parseRace({ ...DEFAULT_RACE, reminders: '7d' })).toThrow(/^reminders: Invalid input: expected array/);
  const eleven = Array.from({ length: 11 }, (_, i) => `${i + 1}d`);
  expect(() => parseRace({ ...DEFAULT_RACE, reminders: eleven })).toThrow(/^reminders: Too big: expected array/);
});

it('refuses the same reminder twice, however it is spelled', () => {
  expect(() => parseRace({ ...DEFAULT_RACE, reminders: ['7d', '1d', '7d'] })).toThrow(
    'reminders.2: the same length of time as reminders.0 (7d)',
  );
  expect(() => parseRace({ ...DEFAULT_RACE, reminders: ['1h', '60m'] })).toThrow(
    'reminders.1: the same length of time as reminders.0 (1h)',
  );
  // A calendar day is not 24 hours: across a daylight-saving change they are an hour apart.
  expect(parseRace({ ...DEFAULT_RACE, reminders: ['1d', '24h'] }).reminders).toEqual(['1d', '24h']);
});
