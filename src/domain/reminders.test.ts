import { describe, expect, it } from 'vitest';
import { DEFAULT_RACE, type Race } from './race.js';
import { distanceStart, reminderSchedule } from './reminders.js';

const HOUR = 3_600_000;

/** A race with one distance, "run", starting at `startTime` on `date` in `timeZone`. */
function race(date: string, startTime: string, timeZone: string, reminders?: string[]): Race {
  return {
    ...DEFAULT_RACE,
    date,
    timeZone,
    distances: [{ id: 'run', label: 'Run', startTime, cap: 100 }],
    ...(reminders ? { reminders } : {}),
  };
}

const start = (date: string, startTime: string, timeZone: string) =>
  distanceStart(race(date, startTime, timeZone), 'run').toISOString();

const LONG_AGO = new Date('2000-01-01T00:00:00Z');

function schedule(r: Race, now = LONG_AGO) {
  return reminderSchedule(r, 'run', now).map(({ offset, runAt }) => [offset, runAt.toISOString()]);
}

/** By zone: local start (race date and start time) → the UTC instant. */
const STARTS: Record<string, Record<string, string>> = {
  // UTC+1 in winter, UTC+2 in summer.
  'Europe/Amsterdam': {
    '2027-01-17 09:00': '2027-01-17T08:00:00.000Z',
    '2027-07-18 09:00': '2027-07-18T07:00:00.000Z',
    '2027-01-01 00:00': '2026-12-31T23:00:00.000Z',
  },
  // West of UTC: UTC−5 in winter, UTC−4 in summer; a late start is on the next UTC day.
  'America/New_York': {
    '2027-01-17 09:00': '2027-01-17T14:00:00.000Z',
    '2027-07-18 09:00': '2027-07-18T13:00:00.000Z',
    '2027-07-18 21:30': '2027-07-19T01:30:00.000Z',
  },
  // A half-hour offset: UTC+5:30 all year.
  'Asia/Kolkata': {
    '2027-01-17 06:00': '2027-01-17T00:30:00.000Z',
    '2027-07-18 05:00': '2027-07-17T23:30:00.000Z',
  },
  UTC: { '2027-01-01 00:00': '2027-01-01T00:00:00.000Z' },
};

describe('distanceStart', () => {
  it.each(Object.entries(STARTS))('%s: the start time is local time on the race date', (timeZone, starts) => {
    for (const [local, utc] of Object.entries(starts)) {
      const [date, time] = local.split(' ');
      expect(start(date!, time!, timeZone), local).toBe(utc);
    }
  });

  it('each distance starts at its own time', () => {
    expect(distanceStart(DEFAULT_RACE, 'full').toISOString()).toBe('2027-04-18T06:30:00.000Z');
    expect(distanceStart(DEFAULT_RACE, 'half').toISOString()).toBe('2027-04-18T07:00:00.000Z');
    expect(distanceStart(DEFAULT_RACE, '10').toISOString()).toBe('2027-04-18T07:30:00.000Z');
  });

  it('a wall time in the spring-forward gap is the instant just after the gap', () => {
    // Amsterdam, 28 March 2027: 02:00 CET becomes 03:00 CEST (01:00Z); 02:30 never happens.
    expect(start('2027-03-28', '02:30', 'Europe/Amsterdam')).toBe('2027-03-28T01:00:00.000Z');
    // New York, 14 March 2027: 02:00 EST becomes 03:00 EDT (07:00Z).
    expect(start('2027-03-14', '02:30', 'America/New_York')).toBe('2027-03-14T07:00:00.000Z');
    // Lord Howe Island moves its clock by half an hour: 02:00 becomes 02:30 (UTC+11) on 3 October 2027.
    expect(start('2027-10-03', '02:15', 'Australia/Lord_Howe')).toBe('2027-10-02T15:30:00.000Z');
  });

  it('an ambiguous wall time in the autumn overlap is its first occurrence', () => {
    // Amsterdam, 31 October 2027: 03:00 CEST becomes 02:00 CET; 02:30 happens at 00:30Z and 01:30Z.
    expect(start('2027-10-31', '02:30', 'Europe/Amsterdam')).toBe('2027-10-31T00:30:00.000Z');
    // New York, 7 November 2027: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
    expect(start('2027-11-07', '01:30', 'America/New_York')).toBe('2027-11-07T05:30:00.000Z');
    // Lord Howe, 4 April 2027: 02:00 (UTC+11) becomes 01:30 (UTC+10:30); 01:45 happens twice.
    expect(start('2027-04-04', '01:45', 'Australia/Lord_Howe')).toBe('2027-04-03T14:45:00.000Z');
    // The times around the overlap are unambiguous.
    expect(start('2027-10-31', '01:59', 'Europe/Amsterdam')).toBe('2027-10-30T23:59:00.000Z');
    expect(start('2027-10-31', '03:00', 'Europe/Amsterdam')).toBe('2027-10-31T02:00:00.000Z');
  });

  it('throws for a distance the race does not have', () => {
    expect(() => distanceStart(DEFAULT_RACE, 'ultra')).toThrow('unknown distance: ultra');
  });
});

describe('reminderSchedule', () => {
  it('no reminders in the race, none scheduled', () => {
    expect(reminderSchedule(DEFAULT_RACE, 'half', LONG_AGO)).toEqual([]);
    expect(schedule(race('2027-04-18', '09:00', 'Europe/Amsterdam', []))).toEqual([]);
  });

  it('days are calendar days: 7d before a start is the same wall-clock time a week earlier', () => {
    const r = race('2027-04-18', '09:00', 'Europe/Amsterdam', ['7d', '1d']);
    expect(schedule(r)).toEqual([
      ['7d', '2027-04-11T07:00:00.000Z'],
      ['1d', '2027-04-17T07:00:00.000Z'],
    ]);
  });

  it('7d across the spring-forward change is 167 hours before the start, at 09:00 local', () => {
    // Race on Saturday 3 April 2027 at 09:00 CEST (07:00Z); the clocks go forward early on 28 March, so
    // a week earlier, 27 March, 09:00 is CET (08:00Z).
    const r = race('2027-04-03', '09:00', 'Europe/Amsterdam', ['7d']);
    const [reminder] = reminderSchedule(r, 'run', LONG_AGO);
    expect(reminder!.offset).toBe('7d');
    expect(reminder!.runAt.toISOString()).toBe('2027-03-27T08:00:00.000Z');
    expect(distanceStart(r, 'run').getTime() - reminder!.runAt.getTime()).toBe(167 * HOUR);
  });

  it('7d onto the day of the spring-forward change: 09:00 that day is already summer time', () => {
    // Race on 4 April 2027 at 09:00 CEST; the clocks went forward at 02:00 on 28 March, before 09:00.
    const r = race('2027-04-04', '09:00', 'Europe/Amsterdam', ['7d']);
    const [reminder] = reminderSchedule(r, 'run', LONG_AGO);
    expect(reminder!.runAt.toISOString()).toBe('2027-03-28T07:00:00.000Z'); // 09:00 CEST
    expect(distanceStart(r, 'run').getTime() - reminder!.runAt.getTime()).toBe(168 * HOUR);
  });

  it('7d across the autumn change is 169 hours before the start, at 09:00 local', () => {
    // Race on 6 November 2027 at 09:00 CET (08:00Z); the clocks went back on 31 October.
    const r = race('2027-11-06', '09:00', 'Europe/Amsterdam', ['7d']);
    const [reminder] = reminderSchedule(r, 'run', LONG_AGO);
    expect(reminder!.runAt.toISOString()).toBe('2027-10-30T07:00:00.000Z'); // 09:00 CEST
    expect(distanceStart(r, 'run').getTime() - reminder!.runAt.getTime()).toBe(169 * HOUR);
  });

  it('hours, minutes and seconds are elapsed time, whatever the clocks do', () => {
    // 36 h before 09:00 CEST on 29 March 2027 crosses the spring-forward change: 20:00 CET on the 27th.
    const r = race('2027-03-29', '09:00', 'Europe/Amsterdam', ['36h', '90m', '30s', '168h']);
    const startAt = distanceStart(r, 'run').getTime();
    const reminders = reminderSchedule(r, 'run', LONG_AGO);
    expect(reminders.map((reminder) => [reminder.offset, (startAt - reminder.runAt.getTime()) / 1000])).toEqual([
      ['168h', 168 * 3600],
      ['36h', 36 * 3600],
      ['90m', 90 * 60],
      ['30s', 30],
    ]);
    expect(reminders[1]!.runAt.toISOString()).toBe('2027-03-27T19:00:00.000Z');
  });

  it('a 1d reminder whose wall time falls in the gap is sent just after the gap', () => {
    const r = race('2027-03-29', '02:30', 'Europe/Amsterdam', ['1d']);
    expect(schedule(r)).toEqual([['1d', '2027-03-28T01:00:00.000Z']]);
  });

  it('west of UTC and at a half-hour offset too', () => {
    // New York springs forward on 14 March 2027: 7d before 08:00 EDT on the 20th is 08:00 EST on the 13th.
    expect(schedule(race('2027-03-20', '08:00', 'America/New_York', ['7d']))).toEqual([
      ['7d', '2027-03-13T13:00:00.000Z'],
    ]);
    expect(schedule(race('2027-01-17', '06:00', 'Asia/Kolkata', ['1d', '2h']))).toEqual([
      ['1d', '2027-01-16T00:30:00.000Z'],
      ['2h', '2027-01-16T22:30:00.000Z'],
    ]);
  });

  it('earliest first, whatever order the race file lists them in', () => {
    const r = race('2027-04-18', '09:00', 'Europe/Amsterdam', ['1d', '36h', '7d', '2h']);
    expect(schedule(r).map(([offset]) => offset)).toEqual(['7d', '36h', '1d', '2h']);
  });

  it('leaves out reminders that are not after now', () => {
    const r = race('2027-04-18', '09:00', 'Europe/Amsterdam', ['7d', '1d', '2h']);
    // Registering three days before: no "7 days to go".
    expect(schedule(r, new Date('2027-04-15T12:00:00Z'))).toEqual([
      ['1d', '2027-04-17T07:00:00.000Z'],
      ['2h', '2027-04-18T05:00:00.000Z'],
    ]);
    // Exactly at a reminder's instant is too late for it.
    expect(schedule(r, new Date('2027-04-17T07:00:00Z'))).toEqual([['2h', '2027-04-18T05:00:00.000Z']]);
    expect(schedule(r, new Date('2027-04-17T06:59:59.999Z')).map(([offset]) => offset)).toEqual(['1d', '2h']);
    // After the start: nothing.
    expect(schedule(r, new Date('2027-04-18T08:00:00Z'))).toEqual([]);
  });

  it('returns fresh dates each time (a caller changing one cannot move the next runner’s reminder)', () => {
    const r = race('2027-04-18', '09:00', 'Europe/Amsterdam', ['7d']);
    reminderSchedule(r, 'run', LONG_AGO)[0]!.runAt.setTime(0);
    expect(schedule(r)).toEqual([['7d', '2027-04-11T07:00:00.000Z']]);
  });

  it('throws for a distance the race does not have', () => {
    expect(() => reminderSchedule(DEFAULT_RACE, 'ultra', LONG_AGO)).toThrow('unknown distance: ultra');
  });
});
