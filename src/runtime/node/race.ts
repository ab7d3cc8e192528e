// The race on Node: RACE_CONFIG names a JSON file; without it, the default race. A file that cannot be
// read is told apart from one that is not a race (src/race-config.ts says what is wrong inside it).
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../config.js';
import { DEFAULT_RACE, type Race } from '../../domain/race.js';
import { raceFromJson } from '../../race-config.js';

export async function loadRace(path: string | undefined): Promise<Race> {
  if (!path) return DEFAULT_RACE;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? `does not exist (relative paths start at ${process.cwd()}): check the path`
        : code === 'EISDIR'
          ? 'is a folder: name the JSON file in it'
          : `cannot be read (${code ?? 'error'}): check its permissions`;
    throw new ConfigError(`RACE_CONFIG file ${path} ${why}`);
  }
  return raceFromJson(text, path);
}
