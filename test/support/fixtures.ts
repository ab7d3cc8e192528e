// The one registration fixture: every test builds its runners here, from the same defaults.
// - `runner(overrides)`: a runner's input, the body a client sends to POST /api/registrations (or the
//   sign-up form), with a unique email; overrides replace (or break) any field.
// - `newRegistration(raceId, overrides)`: a `NewRegistration` row for store-level tests, built from the
//   same defaults (and the same unique email), with overrides.
import { randomUUID } from 'node:crypto';
import { DEFAULT_RACE } from '../../src/domain/race.js';
import type { NewRegistration } from '../../src/ports/store.js';

/** The runner every fixture starts from. */
export const RUNNER_DEFAULTS = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  address: '12 Analytical Row\nLondon',
  distance: 'half',
} as const;

/** An address no other call returns, so a test never meets another's registration (409). */
export function uniqueEmail(prefix = 'runner'): string {
  return `${prefix}-${randomUUID()}@example.com`;
}

/** A valid registration body with a unique email; `overrides` replace (or break) any field. */
export function runner(overrides: Record<string, unknown> = {}) {
  return {
    firstName: RUNNER_DEFAULTS.firstName as string,
    lastName: RUNNER_DEFAULTS.lastName as string,
    email: uniqueEmail(),
    address: RUNNER_DEFAULTS.address as string,
    distance: RUNNER_DEFAULTS.distance as string,
    ...overrides,
  };
}

/** A valid row for a race (unique id and email, outbox strategy); `overrides` replace any field. */
export function newRegistration(raceId: string, overrides: Partial<NewRegistration> = {}): NewRegistration {
  return {
    id: randomUUID(),
    raceId,
    ...RUNNER_DEFAULTS,
    email: uniqueEmail(),
    strategy: 'outbox',
    ...overrides,
  };
}

/** The waitlist's part of the app's dependencies, for route modules tested on their own: links off. */
export function noWaitlist() {
  return {
    race: DEFAULT_RACE,
    emailFrom: 'Riverside Marathon <race@example.com>',
    links: undefined,
    offerTtlMs: undefined,
    newTask: (): never => {
      throw new Error('no task is written in this test');
    },
  };
}
