// The database on Node: embedded PGlite in DATA_DIR without DATABASE_URL, else a PostgreSQL server
// through node-postgres. One pool for the process, migrated before the service accepts requests; a
// failure says what to fix (start-errors.ts). A first start on an empty folder says so (`progress`):
// it takes a few seconds, and nothing else is printed meanwhile.
import type { DatabaseHandle } from '../../adapters/db/database.js';
import { migrateEmbedded, migrateServer } from '../../adapters/db/migrate.js';
import { isNewDataDir, openPglite, PGLITE_TEMPLATE } from '../../adapters/db/pglite.js';
import type { Config } from '../../config.js';
import { describeError } from '../../ports/errors.js';
import { explainDatabaseError, StartError } from './start-errors.js';

export async function openDatabase(
  config: Config,
  progress: (line: string) => void = () => {},
): Promise<DatabaseHandle> {
  if (!config.databaseUrl) {
    if (isNewDataDir(config.dataDir)) {
      progress(`preparing the embedded database in ${config.dataDir} (first start takes a few seconds)…`);
    }
    const handle = await openPglite(config.dataDir, { template: PGLITE_TEMPLATE });
    try {
      await migrateEmbedded(handle);
    } catch (error) {
      await handle.close();
      throw new StartError(
        `applying the migrations to the embedded database in ${config.dataDir} failed: ${describeError(error)}`,
      );
    }
    return handle;
  }
  const url = config.databaseUrl;
  await migrateServer(url).catch((error) => {
    throw explainDatabaseError(error, url, 'migrate');
  });
  // Loaded only for a server database, as migrateServer's driver is: the embedded database never needs
  // node-postgres (memory the embedded target counts). The build splits it into a chunk of its own
  // (scripts/build.js).
  const { openNodePostgres } = await import('../../adapters/db/node-postgres.js');
  return openNodePostgres(url, { prepareStatements: true, serverOptions: process.env.PGOPTIONS });
}
