// Rows for store-level tests: a valid registration (unique email) for a race, with overrides.
import { randomUUID } from 'node:crypto';
import type { NewRegistration } from '../../src/ports/store.js';

export function newRegistration(raceId: string, overrides: Partial<NewRegistration> = {}): NewRegistration {
  return {
    id: randomUUID(),
    raceId,
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: `runner-${randomUUID()}@example.com`,
    address: '12 Analytical Row\nLondon',
    distance: 'half',
    strategy: 'outbox',
    ...overrides,
  };
}
