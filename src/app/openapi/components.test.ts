// The component schemas served are the Zod schemas' conversion: components.generated.json is what
// schemas.ts makes now (else: `npm run openapi:components`), and components.ts, for any race, gives
// exactly what converting the Zod schemas for that race gives — byte for byte, key order included.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RACE, type Race, raceSchema } from '../../domain/race.js';
import { componentSchemas } from './components.js';
import { ANY_DISTANCE } from './refs.js';
import { componentsFile, convertComponentSchemas } from './schemas.js';

const withDistances = (ids: string[], more: Partial<Race> = {}): Race => ({
  ...DEFAULT_RACE,
  ...more,
  distances: ids.map((id, i) => ({ id, label: `Distance ${i + 1}`, startTime: '09:00', cap: 10 })),
});

describe('the OpenAPI component schemas', () => {
  it('components.generated.json is the conversion of the Zod schemas now (npm run openapi:components)', () => {
    const committed = readFileSync(new URL('./components.generated.json', import.meta.url), 'utf8');
    expect(committed === componentsFile(), 'out of date: run `npm run openapi:components`').toBe(true);
  });

  it('for a race, are what converting its Zod schemas gives, byte for byte', () => {
    const races: Race[] = [
      DEFAULT_RACE,
      withDistances(['10', 'half', 'full', 'relay', 'mile', '5k'], { waitlist: { offerTtl: '1h' } }),
      withDistances(['only'], { verification: { holdFor: '30m' } }),
      withDistances(['half', '42', '10', 'full']),
    ];
    for (const race of races) {
      expect(JSON.stringify(componentSchemas(race))).toBe(JSON.stringify(convertComponentSchemas(race)));
    }
  });

  it('for any distances a race may have', () => {
    const ids = fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{1,20}$/), { minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(ids, (ids) => {
        const race = withDistances(ids);
        expect(JSON.stringify(componentSchemas(race))).toBe(JSON.stringify(convertComponentSchemas(race)));
      }),
      { numRuns: 40 },
    );
  });

  it("the stand-in distance is no race's", () => {
    expect(raceSchema.safeParse(withDistances([ANY_DISTANCE])).success).toBe(false);
  });
});
