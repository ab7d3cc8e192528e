// The AdminStore's session statements on every driver: embedded PGlite, node-postgres and Neon's HTTP
// driver (through the local stand-in for Neon's SQL endpoint, in front of a real PostgreSQL). Each is
// one statement, so none needs an interactive transaction (Neon HTTP has none).
import { neonConfig } from '@neondatabase/serverless';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createAdminStore } from '../../src/adapters/db/admin-store.js';
import { type DatabaseHandle, queryRows } from '../../src/adapters/db/database.js';
import { migrateEmbedded } from '../../src/adapters/db/migrate.js';
import { openNeonHttp } from '../../src/adapters/db/neon-http.js';
import { openNodePostgres } from '../../src/adapters/db/node-postgres.js';
import { openPglite } from '../../src/adapters/db/pglite.js';
import { createTestDatabase } from '../../tools/postgres.js';
import { startNeonHttpEndpoint } from '../support/neon-http-endpoint.js';

// Looks like a real Neon URL; the endpoint ignores it and talks to the test database.
const NEON_URL = 'postgres://user:pass@ep-test-123.us-east-2.aws.neon.tech/neondb';

type Open = () => Promise<{ handle: DatabaseHandle; close: () => Promise<void> }>;

const DRIVERS: [string, Open][] = [
  [
    'pglite',
    async () => {
      const handle = await openPglite();
      await migrateEmbedded(handle);
      return { handle, close: () => handle.close() };
    },
  ],
  [
    'node-postgres',
    async () => {
      const db = await createTestDatabase('fl_sessions_pg');
      const handle = openNodePostgres(db.url);
      return {
        handle,
        async close() {
          await handle.close();
          await db.drop();
        },
      };
    },
  ],
  [
    'neon-http',
    async () => {
      const db = await createTestDatabase('fl_sessions_neon');
      const endpoint = await startNeonHttpEndpoint({ targetUrl: db.url });
      const handle = openNeonHttp(NEON_URL, { fetchEndpoint: endpoint.fetchEndpoint });
      if (neonConfig.fetchEndpoint !== endpoint.fetchEndpoint) throw new Error('fetchEndpoint was not applied');
      return {
        handle,
        async close() {
          await handle.close();
          await endpoint.close();
          await db.drop();
        },
      };
    },
  ],
];

describe.each(DRIVERS)('admin sessions on %s', (_name, open) => {
  it('start, look up, end; an ended session is not active and is swept at the next start', async () => {
    const { handle, close } = await open();
    try {
      const admin = createAdminStore(handle.db);
      const hash = (n: number) => n.toString(16).padStart(64, '0');
      await admin.createSession(hash(1), 12 * 60 * 60 * 1000);
      await admin.createSession(hash(2), 12 * 60 * 60 * 1000);
      expect(await admin.sessionActive(hash(1))).toBe(true);
      expect(await admin.sessionActive(hash(3))).toBe(false);
      const [ttl] = await queryRows<{ seconds: number | string }>(
        handle.db,
        sql`SELECT extract(epoch FROM expires_at - created_at)::int AS seconds FROM admin_sessions WHERE id_hash = ${hash(1)}`,
      );
      expect(Number(ttl?.seconds)).toBe(12 * 60 * 60);

      await admin.deleteSession(hash(1));
      expect(await admin.sessionActive(hash(1))).toBe(false);
      await admin.deleteSession(hash(1)); // ending it twice is fine

      await handle.db.execute(
        sql`UPDATE admin_sessions SET expires_at = now() - interval '1 second' WHERE id_hash = ${hash(2)}`,
      );
      expect(await admin.sessionActive(hash(2))).toBe(false);
      await admin.createSession(hash(4), 60_000);
      const left = await queryRows<{ id_hash: string }>(handle.db, sql`SELECT id_hash FROM admin_sessions`);
      expect(left.map((r) => r.id_hash)).toEqual([hash(4)]);
    } finally {
      await close();
    }
  });
});
