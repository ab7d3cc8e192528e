// Lengths of time as people write them in a race file or a setting: "7d", "36h", "90m", "30s". Pure, so
// it parses the same in Node and workerd. Days are kept apart from the fixed units because a day is a
// calendar day where it matters (a reminder "7d" before a start is the same wall-clock time a week
// earlier, 167 or 169 hours when daylight saving changes in between); only s, m and h have a length.
import * as z from 'zod/mini';
import './zod-messages.js';

export type DurationUnit = 's' | 'm' | 'h' | 'd';
export type FixedUnit = Exclude<DurationUnit, 'd'>;

export interface Duration {
  amount: number;
  unit: DurationUnit;
}

export interface FixedDuration extends Duration {
  unit: FixedUnit;
}

const SECONDS: Record<DurationUnit, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

// Longer is a typo, not a plan: nothing a race or a waitlist waits for is over a year away.
export const MAX_DURATION_DAYS = 366;
const MAX_SECONDS = MAX_DURATION_DAYS * SECONDS.d;

// One spelling per length: no sign, no leading zero, no space, no decimals, a lowercase unit. The text
// is used as written (a reminder's task key holds it), so "07d" beside "7d" would be a second reminder.
// Ten digits at most, so the number is exact before it is compared with the cap.
const DURATION = /^([1-9]\d{0,9})([smhd])$/;

export const DURATION_MESSAGE = 'a duration like 7d, 36h, 90m or 30s';
const TOO_LONG_MESSAGE = `at most ${MAX_DURATION_DAYS} days`;

/** The duration a text spells, or undefined when it is not one (see DURATION) or is over the cap. */
export function parseDuration(text: string): Duration | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] as DurationUnit;
  if (amount * SECONDS[unit] > MAX_SECONDS) return undefined;
  return { amount, unit };
}

export function isFixed(duration: Duration): duration is FixedDuration {
  return duration.unit !== 'd';
}

/** Milliseconds of a fixed-length duration. Days have none: see reminders.ts for calendar days. */
export function durationMs(duration: FixedDuration): number {
  return duration.amount * SECONDS[duration.unit] * 1_000;
}

/** The same length of time, whatever the spelling: "90m" and "5400s" say one thing, "1d" and "24h" do not. */
export function durationKey(duration: Duration): string {
  return isFixed(duration) ? `${durationMs(duration)}ms` : `${duration.amount}d`;
}

const UNIT_WORDS: Record<DurationUnit, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day' };

/** "48 hours", "2 days", "1 minute": the duration as written ("48h" is not "2 days"), in words. */
export function durationInWords(duration: Duration): string {
  const word = UNIT_WORDS[duration.unit];
  return `${duration.amount} ${duration.amount === 1 ? word : `${word}s`}`;
}

/** A duration as text (kept as written); the format is checked first, so a typo gets the example. */
export const durationSchema = z.string().check(
  z.regex(DURATION, { error: DURATION_MESSAGE, abort: true }),
  z.refine((text) => parseDuration(text) !== undefined, TOO_LONG_MESSAGE),
);
