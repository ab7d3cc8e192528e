// The Store contract on embedded PGlite (in memory), migrated with the committed migrations.
import { migrateEmbedded } from '../../src/adapters/db/migrate.js';
import { openPglite } from '../../src/adapters/db/pglite.js';
import { createStore } from '../../src/adapters/db/store.js';
import { describeStoreContract, rawAccess } from './store.contract.js';

describeStoreContract('pglite', async () => {
  const handle = await openPglite();
  await migrateEmbedded(handle);
  return {
    store: createStore(handle.db),
    ...rawAccess(handle.db),
    close: () => handle.close(),
  };
});
