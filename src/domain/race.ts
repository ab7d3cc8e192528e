// The race: what runners sign up for. Pure data and rules — no HTTP, no database.
// Zod Mini: the same schemas and parsing as classic Zod, written as functions instead of methods, so
// the Worker bundle carries only what is used (issue 13: the upload ≤ 200 KB gzip).
import * as z from 'zod/mini';
import { durationKey, durationSchema, parseDuration } from './duration.js';
import './zod-messages.js';

const distanceSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z0-9-]{1,20}$/, 'lowercase letters, digits and dashes, up to 20')),
  label: z.string().check(z.minLength(1), z.maxLength(60)),
  // Local wall-clock start time, e.g. "08:30", in the race's time zone.
  startTime: z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM')),
  cap: z.number().check(z.int(), z.positive()),
});

const MAX_REMINDERS = 10;

// Two spellings of one length ("1h", "60m") would send the same email twice at the same moment. The
// later one is named, so the message points at the line to delete.
const distinctDurations = z.check<string[]>((ctx) => {
  const seen = new Map<string, number>();
  ctx.value.forEach((text, index) => {
    const duration = parseDuration(text);
    if (!duration) return; // already reported by durationSchema
    const key = durationKey(duration);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return;
    }
    const message = `the same length of time as reminders.${first} (${ctx.value[first]})`;
    ctx.issues.push({ code: 'custom', input: text, path: [index], message });
  });
});

export const raceSchema = z
  .strictObject({
    id: z.string().check(z.regex(/^[a-z0-9-]{1,60}$/, 'lowercase letters, digits and dashes')),
    name: z.string().check(z.minLength(1), z.maxLength(120)),
    date: z.iso.date(),
    place: z.string().check(z.minLength(1), z.maxLength(120)),
    timeZone: z.string().check(z.minLength(1), z.maxLength(60)),
    senderName: z.string().check(z.minLength(1), z.maxLength(60)),
    distances: z.array(distanceSchema).check(z.minLength(1), z.maxLength(20)),
    // How long before a runner's distance starts each reminder email goes out ("7d", "36h"). Absent or
    // empty: no reminders.
    reminders: z.optional(z.array(durationSchema).check(z.maxLength(MAX_REMINDERS), distinctDurations)),
    // A full distance takes runners on a waitlist; a freed place is offered to the next one, held for
    // offerTtl ("48h"). Absent: a full distance refuses sign-ups.
    waitlist: z.optional(z.strictObject({ offerTtl: durationSchema })),
    // Sign-ups hold their place for holdFor ("30m") until the runner confirms their address.
    verification: z.optional(z.strictObject({ holdFor: durationSchema })),
  })
  .check(
    z.refine((race) => new Set(race.distances.map((d) => d.id)).size === race.distances.length, {
      message: 'distance ids must be unique',
      path: ['distances'],
    }),
  );

export type Race = z.infer<typeof raceSchema>;
export type Distance = Race['distances'][number];

export const DEFAULT_RACE: Race = {
  id: 'riverside-2027',
  name: 'Riverside Marathon 2027',
  date: '2027-04-18',
  place: 'Riverside Park',
  timeZone: 'Europe/Amsterdam',
  senderName: 'Riverside Marathon',
  distances: [
    { id: '10', label: '10 km', startTime: '09:30', cap: 2000 },
    { id: 'half', label: 'Half marathon', startTime: '09:00', cap: 3000 },
    { id: 'full', label: 'Marathon', startTime: '08:30', cap: 2000 },
  ],
};

export function findDistance(race: Race, id: string): Distance | undefined {
  return race.distances.find((d) => d.id === id);
}

/** Parses a race description, throwing a message that names the offending field. */
export function parseRace(input: unknown): Race {
  const result = raceSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'race';
    throw new Error(`${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}
