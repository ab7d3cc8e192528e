// `npm run db:migrate`: applies the committed migrations to DATABASE_URL, or to the embedded
// database in DATA_DIR when DATABASE_URL is unset. Safe to run while the service runs elsewhere.
import { migrateEmbedded, migrateServer } from '../src/adapters/db/migrate.js';
import { openPglite } from '../src/adapters/db/pglite.js';
import { ConfigError, parseConfig } from '../src/config.js';

try {
  const config = parseConfig(process.env);
  if (config.databaseUrl) {
    await migrateServer(config.databaseUrl);
    console.log(`migrated ${new URL(config.databaseUrl).host}${new URL(config.databaseUrl).pathname}`);
  } else {
    const handle = await openPglite(config.dataDir);
    await migrateEmbedded(handle);
    await handle.close();
    console.log(`migrated the embedded database in ${config.dataDir}`);
  }
} catch (error) {
  console.error(
    error instanceof ConfigError
      ? `Configuration error: ${error.message}`
      : `Migration failed: ${(error as Error).name}`,
  );
  process.exit(1);
}
