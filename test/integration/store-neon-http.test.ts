// The Store contract through Neon's serverless HTTP driver (@neondatabase/serverless + drizzle neon-http),
// against the local Neon HTTP SQL endpoint in front of a fresh real Postgres database.
import { neonConfig } from '@neondatabase/serverless';
import { openNeonHttp } from '../../src/adapters/db/neon-http.js';
import { createTestDatabase } from '../../tools/postgres.js';
import { startNeonHttpEndpoint } from '../support/neon-http-endpoint.js';
import { describeStoreContract, rawAccess, storesOn } from './store.contract.js';

// Looks like a real Neon URL; the endpoint ignores it and talks to the test database.
const NEON_URL = 'postgres://user:pass@ep-test-123.us-east-2.aws.neon.tech/neondb';

describeStoreContract('neon-http', async () => {
  const db = await createTestDatabase('fl_store_neon');
  const endpoint = await startNeonHttpEndpoint({ targetUrl: db.url });
  const handle = openNeonHttp(NEON_URL, { fetchEndpoint: endpoint.fetchEndpoint });
  // openNeonHttp sets the driver's global config (vitest isolates modules per file).
  if (neonConfig.fetchEndpoint !== endpoint.fetchEndpoint) throw new Error('fetchEndpoint was not applied');
  return {
    ...storesOn(handle.db),
    // Raw SQL also through the HTTP driver, so even the assertions exercise the endpoint.
    ...rawAccess(handle.db),
    async close() {
      await handle.close();
      await endpoint.close();
      await db.drop();
    },
  };
});
