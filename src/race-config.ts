// RACE_CONFIG: the race description, from a JSON file (Node) or a var (Workers). Errors say which of
// the three things went wrong — no such file, not JSON (and where), or JSON that is not a race.
import { ConfigError } from './config.js';
import { parseRace, type Race } from './domain/race.js';

/** `line L, column C` of a character offset. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/**
 * Parses the text of a race description; `source` names it in errors (a file path, or "the RACE_CONFIG
 * var"). JSON.parse says "at position N" (V8); people count lines and columns.
 */
export function raceFromJson(text: string, source: string): Race {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message)?.[1];
    const where = position === undefined ? 'at its end' : `at ${lineAndColumn(text, Number(position))}`;
    const why = message.replace(/\s*\(?\s*(in JSON )?at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
    throw new ConfigError(`RACE_CONFIG ${source} is not valid JSON ${where}: ${why}`);
  }
  return raceFromValue(json, source);
}

export function raceFromValue(value: unknown, source: string): Race {
  try {
    return parseRace(value);
  } catch (error) {
    throw new ConfigError(`RACE_CONFIG is invalid (${source}): ${(error as Error).message}`);
  }
}
