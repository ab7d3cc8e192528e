// What the default Worker build has instead of Neon's HTTP driver (./neon-driver.ts, replaced by the
// wrangler configurations' `alias`): no URL is taken for Neon's, so every database is opened over sockets.
import type { DatabaseHandle } from '../../adapters/db/database.js';

export const isNeonUrl = (_connectionString: string): boolean => false;

export function openNeonHttp(_connectionString: string): DatabaseHandle {
  throw new Error("this Worker was built without Neon's HTTP driver (the wrangler configuration's alias)");
}
