// `npm run db:migrate`: applies the committed migrations to DATABASE_URL, or to the embedded
// database in DATA_DIR when DATABASE_URL is unset. Safe to run while the service runs elsewhere
// (server databases); the embedded one belongs to one process at a time, so stop the service first.
import { migrateEmbedded, migrateServer } from '../src/adapters/db/migrate.js';
import { openPglite, PGLITE_TEMPLATE } from '../src/adapters/db/pglite.js';
import { parseConfig } from '../src/config.js';
import { describeError } from '../src/ports/errors.js';
import {
  databaseTarget,
  explainDatabaseError,
  StartError,
  startFailureMessage,
} from '../src/runtime/node/start-errors.js';

try {
  const config = parseConfig(process.env);
  if (config.databaseUrl) {
    const url = config.databaseUrl;
    await migrateServer(url).catch((error) => {
      throw explainDatabaseError(error, url, 'migrate');
    });
    const { where, database } = databaseTarget(url);
    console.log(`migrated ${database} at ${where}`);
  } else {
    const handle = await openPglite(config.dataDir, { template: PGLITE_TEMPLATE });
    try {
      await migrateEmbedded(handle);
    } catch (error) {
      throw new StartError(`applying the migrations in ${config.dataDir} failed: ${describeError(error)}`);
    } finally {
      await handle.close();
    }
    console.log(`migrated the embedded database in ${config.dataDir}`);
  }
} catch (error) {
  console.error(startFailureMessage(error).replace(/^Failed to start: /, 'Migration failed: '));
  process.exit(1);
}
