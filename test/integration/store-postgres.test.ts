// The Store contract on a real PostgreSQL server through node-postgres (a fresh database for this file).
import { openNodePostgres } from '../../src/adapters/db/node-postgres.js';
import { createStore } from '../../src/adapters/db/store.js';
import { createTestDatabase, resetDatabase } from '../../tools/postgres.js';
import { describeStoreContract, storesOn } from './store.contract.js';

describeStoreContract('node-postgres', async () => {
  const db = await createTestDatabase('fl_store_pg');
  const handle = openNodePostgres(db.url);
  return {
    ...storesOn(handle.db),
    withCaps: (capOf) => createStore(handle.db, capOf),
    // Raw SQL through the test's own pool, outside the app's code.
    query: <T>(text: string) => db.query(text) as Promise<T[]>,
    reset: () => resetDatabase(db),
    async close() {
      await handle.close();
      await db.drop();
    },
  };
});
