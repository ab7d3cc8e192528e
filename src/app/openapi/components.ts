// The document's component schemas for the race being served: the committed conversion of the Zod
// schemas (components.generated.json, made by schemas.ts: `npm run openapi:components`) with the race's
// distances where the stand-in race has its one distance. No Zod at startup: the Worker uploads
// neither the JSON Schema conversion nor the response schemas, only their result.
import type { Race } from '../../domain/race.js';
import generated from './components.generated.json';
import { ANY_DISTANCE, type JsonSchema } from './refs.js';

/**
 * `node` with the race's distances for the stand-in's: an enum or a `required` list of it alone
 * becomes the race's distance ids; an object whose one key it is (the properties of a map by
 * distance) gets one key per distance, each with that key's value.
 */
function forDistances(node: unknown, ids: string[]): unknown {
  if (Array.isArray(node)) {
    return node.length === 1 && node[0] === ANY_DISTANCE ? [...ids] : node.map((item) => forDistances(item, ids));
  }
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node);
  const [only] = entries;
  if (entries.length === 1 && only?.[0] === ANY_DISTANCE) {
    return Object.fromEntries(ids.map((id) => [id, forDistances(only[1], ids)]));
  }
  return Object.fromEntries(entries.map(([key, value]) => [key, forDistances(value, ids)]));
}

/** The components, as JSON Schema 2020-12: what schemas.ts converts from Zod for this race. */
export function componentSchemas(race: Race): Record<string, JsonSchema> {
  // In the order of an object's keys, as Zod lists an enum's values and an object's required keys:
  // ids that are array indices ("10", "42") first, in numeric order, then the rest as the race has them.
  const ids = Object.keys(Object.fromEntries(race.distances.map((d) => [d.id, d.id])));
  return forDistances(generated, ids) as Record<string, JsonSchema>;
}
