// The one thing the task engine needs from a database: run one SQL statement, get its rows. The
// statement is drizzle-orm's query-builder `SQL` (a library, not a driver), so src/tasks writes its SQL
// without knowing which driver runs it; src/adapters/db provides this for every driver.
import type { SQL } from 'drizzle-orm';

export interface SqlDatabase {
  /**
   * Runs ONE statement (Neon's HTTP driver has no interactive transactions: whatever must happen
   * together is one statement) and returns its rows. Throws StoreUnavailableError (./errors.ts) when
   * the database cannot be reached.
   */
  rows<T>(statement: SQL): Promise<T[]>;
}
