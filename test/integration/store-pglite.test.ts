// The Store contract on embedded PGlite (in memory), migrated with the committed migrations.
import { migrateEmbedded } from '../../src/adapters/db/migrate.js';
import { openPglite } from '../../src/adapters/db/pglite.js';
import { describeStoreContract, rawAccess, storesOn } from './store.contract.js';

describeStoreContract('pglite', async () => {
  const handle = await openPglite();
  await migrateEmbedded(handle);
  return {
    ...storesOn(handle.db),
    ...rawAccess(handle.db),
    close: () => handle.close(),
  };
});
