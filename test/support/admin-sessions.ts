// The admin store's dashboard sessions (src/ports/admin-store.ts) in memory, for the session code and
// the admin gate over app.request(): sessions are kept by the hash of their id, as the database keeps
// them, and every call is recorded so a test can tell whether (and with what) the store was asked.
import type { AdminStore } from '../../src/ports/admin-store.js';

export type AdminSessionStore = Pick<AdminStore, 'sessionActive' | 'createSession' | 'deleteSession'>;

export interface MemoryAdminSessions extends AdminSessionStore {
  /** The hashes of the sessions that exist now. */
  readonly active: Set<string>;
  /** Every call, in order: the method and the hash it was given (and the TTL for createSession). */
  readonly calls: ['sessionActive' | 'createSession' | 'deleteSession', string, number?][];
}

export function memoryAdminSessions(): MemoryAdminSessions {
  const active = new Set<string>();
  const calls: MemoryAdminSessions['calls'] = [];
  return {
    active,
    calls,
    async sessionActive(idHash) {
      calls.push(['sessionActive', idHash]);
      return active.has(idHash);
    },
    async createSession(idHash, ttlMs) {
      calls.push(['createSession', idHash, ttlMs]);
      active.add(idHash);
    },
    async deleteSession(idHash) {
      calls.push(['deleteSession', idHash]);
      active.delete(idHash);
    },
  };
}
