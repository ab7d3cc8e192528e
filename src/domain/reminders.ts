// When a distance starts, and when each of the race's reminders goes out before it. Pure, and time zones
// come from Intl.DateTimeFormat alone (no library, no tz data of our own), so Node and workerd agree.
// A start is a wall-clock time ("09:00" on the race date) in the race's IANA time zone; a reminder "7d"
// before it is the same wall-clock time seven calendar days earlier in that zone, while "36h" is
// exactly 36 hours of elapsed time earlier.
import { type Duration, durationMs, isFixed, parseDuration } from './duration.js';
import { findDistance, type Race } from './race.js';

export interface Reminder {
  /** The duration as the race file writes it ("7d"): part of the reminder's task key. */
  offset: string;
  runAt: Date;
}

const DAY = 86_400_000;

// Building a formatter costs far more than using one; a process has one race, so one time zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // h23: midnight is 00, where hour12: false gives 24 on some engines.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms (negative west of Greenwich). */
function offsetAt(timeZone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  // The formatter shows whole seconds; compare it with the instant's whole second.
  return wall - (instant - (((instant % 1_000) + 1_000) % 1_000));
}

/**
 * The instant a wall-clock time in a zone names. `wall` is that time written as if it were UTC (ms).
 * Around a daylight-saving change a wall time names two instants or none:
 * - in the overlap (autumn: 02:30 happens twice) it is the first occurrence, the earlier instant;
 * - in the gap (spring: 02:30 never happens) it is the instant just after the gap, the change itself
 *   (03:00 the new time): the first moment the clock shows a time at or past the one asked for.
 * Assumes at most one change within a day of it, which holds for every zone in use.
 */
function zonedInstant(timeZone: string, wall: number): number {
  const before = offsetAt(timeZone, wall - DAY);
  const after = offsetAt(timeZone, wall + DAY);
  const candidates = [wall - before, wall - after].filter((instant) => instant + offsetAt(timeZone, instant) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // A gap: the wall clock jumps from before to after somewhere in (wall - after, wall - before]. Find the
  // change by halving, to the second (offsets and changes fall on whole seconds).
  let low = wall - after; // still on the old offset
  let high = wall - before; // already on the new one
  while (high - low > 1_000) {
    const middle = low + Math.floor((high - low) / 2_000) * 1_000;
    if (offsetAt(timeZone, middle) === before) low = middle;
    else high = middle;
  }
  return high;
}

function startWall(race: Race, distanceId: string, daysBefore = 0): number {
  const distance = findDistance(race, distanceId);
  if (!distance) throw new Error(`unknown distance: ${distanceId}`);
  const [year, month, day] = race.date.split('-').map(Number);
  const [hour, minute] = distance.startTime.split(':').map(Number);
  // Date.UTC carries day 0 or -5 back into the month before, so calendar days are plain subtraction.
  return Date.UTC(year ?? 1970, (month ?? 1) - 1, (day ?? 1) - daysBefore, hour ?? 0, minute ?? 0);
}

/** The instant a distance starts: its start time on the race date, in the race's time zone. */
export function distanceStart(race: Race, distanceId: string): Date {
  return new Date(zonedInstant(race.timeZone, startWall(race, distanceId)));
}

function reminderAt(race: Race, distanceId: string, duration: Duration): number {
  if (isFixed(duration)) return distanceStart(race, distanceId).getTime() - durationMs(duration);
  return zonedInstant(race.timeZone, startWall(race, distanceId, duration.amount));
}

/** Per race, by distance: every reminder's instant, earliest first. A race is fixed for a process's life. */
const schedules = new WeakMap<Race, Map<string, { offset: string; runAt: number }[]>>();

function schedulesOf(race: Race): Map<string, { offset: string; runAt: number }[]> {
  const durations: [string, Duration][] = [];
  for (const offset of race.reminders ?? []) {
    // A race from parseRace holds only durations; anything else is not a reminder.
    const duration = parseDuration(offset);
    if (duration) durations.push([offset, duration]);
  }
  return new Map(
    race.distances.map((distance) => {
      const schedule = durations.map(([offset, duration]) => ({
        offset,
        runAt: reminderAt(race, distance.id, duration),
      }));
      return [distance.id, schedule.sort((a, b) => a.runAt - b.runAt)];
    }),
  );
}

/**
 * The reminders a runner of a distance gets, earliest first: one per duration in `race.reminders`,
 * except those whose instant is not after `now` (someone registering three days before the race gets no
 * "7 days to go"). Throws for a distance the race does not have.
 */
export function reminderSchedule(race: Race, distanceId: string, now: Date): Reminder[] {
  let byDistance = schedules.get(race);
  if (!byDistance) {
    byDistance = schedulesOf(race);
    schedules.set(race, byDistance);
  }
  const schedule = byDistance.get(distanceId);
  if (!schedule) throw new Error(`unknown distance: ${distanceId}`);
  return schedule
    .filter((reminder) => reminder.runAt > now.getTime())
    .map((reminder) => ({ offset: reminder.offset, runAt: new Date(reminder.runAt) }));
}
