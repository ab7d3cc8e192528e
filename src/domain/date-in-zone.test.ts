import { describe, expect, it } from 'vitest';
import { formatDateTimeInZone } from './date-in-zone.js';

describe('formatDateTimeInZone', () => {
  it.each([
    ['2026-12-09T13:30:00Z', 'Europe/Paris', 'Wednesday 9 December 2026, 14:30 (Europe/Paris)'],
    // Past midnight there: the next day, and 00, never 24.
    ['2026-12-09T23:05:00Z', 'Europe/Paris', 'Thursday 10 December 2026, 00:05 (Europe/Paris)'],
    // Summer time.
    ['2027-04-18T06:30:00Z', 'Europe/Amsterdam', 'Sunday 18 April 2027, 08:30 (Europe/Amsterdam)'],
    // The morning daylight saving starts in New York (02:00 → 03:00).
    ['2027-03-14T07:30:00Z', 'America/New_York', 'Sunday 14 March 2027, 03:30 (America/New_York)'],
    ['2027-01-01T09:07:59Z', 'UTC', 'Friday 1 January 2027, 09:07 (UTC)'],
  ])('%s in %s reads "%s"', (iso, timeZone, words) => {
    expect(formatDateTimeInZone(new Date(iso), timeZone)).toBe(words);
  });

  it('keeps the formatter of one zone apart from another’s', () => {
    const moment = new Date('2026-12-09T13:30:00Z');
    expect(formatDateTimeInZone(moment, 'Asia/Tokyo')).toBe('Wednesday 9 December 2026, 22:30 (Asia/Tokyo)');
    expect(formatDateTimeInZone(moment, 'Europe/Paris')).toBe('Wednesday 9 December 2026, 14:30 (Europe/Paris)');
  });

  it('throws for a time zone Intl does not know and for an invalid date', () => {
    expect(() => formatDateTimeInZone(new Date(), 'Mars/Olympus')).toThrow(RangeError);
    expect(() => formatDateTimeInZone(new Date(Number.NaN), 'UTC')).toThrow(RangeError);
  });
});
