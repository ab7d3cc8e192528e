// The race on Workers: the RACE_CONFIG var, a JSON object in wrangler.jsonc's `vars` or a JSON string;
// without it, the default race.
import { DEFAULT_RACE, type Race } from '../../domain/race.js';
import { raceFromJson, raceFromValue } from '../../race-config.js';

export function loadRace(value: unknown): Race {
  if (value === undefined) return DEFAULT_RACE;
  return typeof value === 'string' ? raceFromJson(value, 'var') : raceFromValue(value, 'var');
}
