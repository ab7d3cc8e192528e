// How long a place is held for a runner who has not yet taken it: an offer from the waitlist
// (`waitlist.offerTtl`) or an unconfirmed sign-up (`verification.holdFor`). A hold is a length of
// time, not a calendar date, so a day here is 24 hours.
import { type Duration, durationMs, isFixed, parseDuration } from './duration.js';
import type { Race } from './race.js';

function holdLengthMs(duration: Duration): number {
  return isFixed(duration) ? durationMs(duration) : duration.amount * 86_400_000;
}

function lengthOf(text: string | undefined): number | undefined {
  const duration = text === undefined ? undefined : parseDuration(text);
  return duration ? holdLengthMs(duration) : undefined;
}

/** How long an offer keeps its place, or undefined when the race has no waitlist. */
export function offerTtlMs(race: Race): number | undefined {
  return lengthOf(race.waitlist?.offerTtl);
}

/** How long an unconfirmed sign-up keeps its place, or undefined when the race asks for no confirmation. */
export function verificationHoldMs(race: Race): number | undefined {
  return lengthOf(race.verification?.holdFor);
}
