// PGlite: real Postgres compiled to WebAssembly, in a local folder. The embedded default, so
// `npm start` needs no server. Node only.
//
// One process owns a data folder at a time: two PGlite instances writing one folder corrupt it, and
// PGlite itself does not stop a second one. A lock file (`finishline.lock`, holding the owner's pid)
// does: created exclusively, removed on close. A lock whose process is gone (a crash, SIGKILL) is
// stale and taken over.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, DatabaseHandle } from './database.js';

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** Takes the folder's lock for this process, or says who holds it. Returns the release. */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, 'finishline.lock');
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new DataDirInUseError(
          `DATA_DIR ${dataDir} is in use by another finishline process (pid ${holder}): ` +
            'stop it, or give this one its own DATA_DIR (or a DATABASE_URL)',
        );
      }
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new DataDirInUseError(`DATA_DIR ${dataDir} is being taken by another process: try again`);
}

/** `dataDir` undefined → in memory (tests). */
export async function openPglite(dataDir?: string): Promise<DatabaseHandle> {
  let unlock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  try {
    // Loaded only when used: a service on a PostgreSQL server never holds PGlite's code in memory.
    const [{ PGlite }, { drizzle }] = await Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite')]);
    const client = dataDir ? new PGlite(dataDir) : new PGlite();
    await client.waitReady;
    return {
      db: drizzle({ client }) as unknown as Database,
      driver: 'pglite',
      close: () => client.close().finally(unlock),
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
