// The database on Node: embedded PGlite in DATA_DIR without DATABASE_URL, else a PostgreSQL server
// through node-postgres. One pool for the process, migrated before the service accepts requests; a
// failure says what to fix (start-errors.ts).
import type { DatabaseHandle } from '../../adapters/db/database.js';
import { migrateEmbedded, migrateServer } from '../../adapters/db/migrate.js';
import { openNodePostgres } from '../../adapters/db/node-postgres.js';
import { openPglite } from '../../adapters/db/pglite.js';
import type { Config } from '../../config.js';
import { describeError } from '../../ports/errors.js';
import { explainDatabaseError, StartError } from './start-errors.js';

export async function openDatabase(config: Config): Promise<DatabaseHandle> {
  if (!config.databaseUrl) {
    const handle = await openPglite(config.dataDir);
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
  return openNodePostgres(url);
}
