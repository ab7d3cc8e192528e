// PGlite: real Postgres compiled to WebAssembly, in a local folder. The embedded default, so
// `npm start` needs no server. Node only.
//
// Fitting a small server (issue 13; figures in bench/results/embedded.md):
// - shared_buffers 8 MB instead of Postgres' 128 MB. All of it lives in the process' WebAssembly
//   memory, and our tables are small (a page not in the pool is read from the OS' file cache); it
//   saves ~120 MB of resident memory (8 MB rather than 16 saved another 9 MB after 100 sign-ups).
// - PGlite starts Postgres with -F (fsync off), and its file system layer (Emscripten's NODEFS) has no
//   fsync either: a write reaches the operating system at once, so a crash of the process loses
//   nothing, but a power cut may lose the last writes. A real PostgreSQL (DATABASE_URL) is for that.
// - WebAssembly compiled by Liftoff only (see liftoffOnly).
// - A new folder is copied from a template when there is one (`npm run build` makes
//   dist/pglite-template/, initialised and migrated, in a process of its own): PGlite's initdb runs
//   seconds of WebAssembly and leaves ~450 MB behind in the process that ran it, so the service should
//   not be that process. Without a template (tsx, tests) the folder is initialised here, as before.
//
// One process owns a data folder at a time: two PGlite instances writing one folder corrupt it, and
// PGlite itself does not stop a second one. A lock file (`finishline.lock`, holding the owner's pid)
// does: created exclusively, removed on close. A lock whose process is gone (a crash, SIGKILL) is
// stale and taken over.
import {
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import type { PGlite } from '@electric-sql/pglite';
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

/**
 * PGlite's own start parameters, with a smaller buffer pool and shared memory sized for the one backend
 * PGlite runs rather than for 100 connections and 10 WAL senders (15 MB of shared memory → 12 MB: its
 * lock and process tables are written at start, so they are resident). See the top of this file.
 */
export function pgliteStartParams(pglite: typeof PGlite): string[] {
  return [
    ...pglite.defaultStartParams,
    ...['-c', 'shared_buffers=8MB', '-c', 'max_connections=5', '-c', 'max_wal_senders=0'],
  ];
}

/**
 * V8 compiles WebAssembly twice by default: at once with Liftoff, then again with TurboFan in
 * background threads. PGlite is mostly WebAssembly: on a 2-core server that second compile competes
 * for CPU with the start and the first requests, and its code stays in memory, which the embedded
 * target counts (bench:embedded). Liftoff's code is fast enough for our small statements.
 * Process-wide, and PGlite is the only WebAssembly the service runs; set before the first instance
 * compiles its module.
 */
export function liftoffOnly(): void {
  setFlagsFromString('--liftoff-only');
}

/** Whether `dataDir` holds no database yet (a first start: initialise it, or copy the template). */
export function isNewDataDir(dataDir: string): boolean {
  return !existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * Where `npm run build` puts the template: beside the bundle (dist/pglite-template/). Run from src/
 * (tsx, vitest) this names a folder that does not exist, and a new folder is initialised instead.
 */
export const PGLITE_TEMPLATE = fileURLToPath(new URL('pglite-template', import.meta.url));

export interface OpenPgliteOptions {
  /** An initialised data folder to copy into a new one instead of running initdb, if it exists. */
  template?: string;
}

/**
 * Copies the template into a new folder (a file copy: no WebAssembly, no memory). PG_VERSION, which
 * marks a folder as holding a database, goes last: a copy cut short is still a new folder next time.
 */
function copyTemplate(template: string, dataDir: string): void {
  const last = join(template, 'PG_VERSION');
  cpSync(template, dataDir, { recursive: true, filter: (source) => source !== last });
  copyFileSync(last, join(dataDir, 'PG_VERSION'));
}

/** `dataDir` undefined → in memory (tests). */
export async function openPglite(dataDir?: string, options: OpenPgliteOptions = {}): Promise<DatabaseHandle> {
  let unlock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  try {
    // Loaded only when used: a service on a PostgreSQL server never holds PGlite's code in memory.
    const [{ PGlite }, { drizzle }] = await Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite')]);
    if (dataDir && options.template && !isNewDataDir(options.template) && isNewDataDir(dataDir)) {
      copyTemplate(options.template, dataDir);
    }
    liftoffOnly();
    const client = new PGlite({ dataDir, startParams: pgliteStartParams(PGlite) });
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
