import { describe, expect, it } from 'vitest';
import {
  DURATION_MESSAGE,
  durationInWords,
  durationKey,
  durationMs,
  durationSchema,
  isFixed,
  parseDuration,
} from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30, 's'],
    ['90m', 90, 'm'],
    ['36h', 36, 'h'],
    ['7d', 7, 'd'],
    ['1d', 1, 'd'],
    ['366d', 366, 'd'],
    ['8784h', 8784, 'h'], // 366 days
    ['31622400s', 31_622_400, 's'], // 366 days
  ])('reads %s', (text, amount, unit) => {
    expect(parseDuration(text)).toEqual({ amount, unit });
  });

  it.each([
    ['zero or a sign', ['0d', '-7d', '+7d']],
    ['not one whole number in one spelling', ['1.5h', '07d', '1e3s', '٧d']],
    ['spaces', ['7 d', ' 7d', '7d ']],
    ['no unit, or not one of ours', ['7', '7w', '500ms', '7D', 'P7D', '1h30m']],
    ['nothing', ['', 'd']],
    ['more than 366 days', ['367d', '8785h', '31622401s', '99999999999999999999d']],
  ])('refuses %s', (_why, texts) => {
    for (const text of texts) expect(parseDuration(text), text).toBeUndefined();
  });
});

describe('durationMs', () => {
  it('is the exact length of a fixed unit', () => {
    expect(durationMs({ amount: 30, unit: 's' })).toBe(30_000);
    expect(durationMs({ amount: 90, unit: 'm' })).toBe(5_400_000);
    expect(durationMs({ amount: 48, unit: 'h' })).toBe(172_800_000);
  });

  it('days are not fixed (a calendar day may be 23 or 25 hours)', () => {
    expect(isFixed({ amount: 1, unit: 'd' })).toBe(false);
    expect(isFixed({ amount: 24, unit: 'h' })).toBe(true);
  });
});

describe('durationKey', () => {
  it('is one for one length of time, whatever the unit', () => {
    const key = (text: string) => durationKey(parseDuration(text)!);
    expect(key('60m')).toBe(key('1h'));
    expect(key('3600s')).toBe(key('1h'));
    expect(key('90m')).not.toBe(key('1h'));
    expect(key('1d')).not.toBe(key('24h'));
    expect(key('2d')).not.toBe(key('1d'));
  });
});

describe('durationSchema', () => {
  const messages = (input: unknown) => durationSchema.safeParse(input).error?.issues.map((issue) => issue.message);

  it('keeps a duration as written', () => {
    expect(durationSchema.parse('48h')).toBe('48h');
  });

  it('gives the example for a typo, and only that', () => {
    expect(messages('7 days')).toEqual([DURATION_MESSAGE]);
    expect(DURATION_MESSAGE).toBe('a duration like 7d, 36h, 90m or 30s');
  });

  it('gives the cap for a duration too long', () => {
    expect(messages('367d')).toEqual(['at most 366 days']);
  });

  it('refuses what is not a string', () => {
    expect(messages(7)).toEqual(['Invalid input: expected string, received number']);
  });
});

describe('durationInWords', () => {
  it.each([
    ['48h', '48 hours'],
    ['2d', '2 days'],
    ['1d', '1 day'],
    ['30m', '30 minutes'],
    ['1m', '1 minute'],
    ['1h', '1 hour'],
    ['90s', '90 seconds'],
    ['1s', '1 second'],
    ['24h', '24 hours'], // as written: not "1 day"
  ])('%s → %s', (text, words) => {
    expect(durationInWords(parseDuration(text)!)).toBe(words);
  });
});
