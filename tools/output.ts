// What the benchmark and docs scripts share about their surroundings: where they write, and the
// PostgreSQL they need.
//
// Every run would otherwise rewrite committed files (docs/compare.md, bench/results/*, the
// screenshots) and leave the working tree dirty. Runs write to `out/<name>/` (ignored by git); the
// committed copies change only when asked with `--update-docs`.
import { join, resolve } from 'node:path';
import pg from 'pg';
import { POSTGRES_ADMIN_URL } from './postgres.js';

export const OUT_ROOT = 'out';

/** `out/<name>`, or `committed` (the tracked folder) with --update-docs. */
export function outputDir(name: string, committed: string, updateDocs: boolean | undefined): string {
  return resolve(updateDocs ? committed : join(OUT_ROOT, name));
}

/** A failure to say in one line, without a stack: the run could not even begin. */
export class PrerequisiteError extends Error {
  override name = 'PrerequisiteError';
}

/** Fails with one clear line when PostgreSQL is not reachable (the scripts create their own database). */
export async function requirePostgres(script: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch {
    const { host } = new URL(POSTGRES_ADMIN_URL);
    throw new PrerequisiteError(
      `${script} needs PostgreSQL at ${host} (trust auth, user postgres; or set TEST_POSTGRES_URL): ` +
        'start it, e.g. pg_ctlcluster --skip-systemctl-redirect 15 main start',
    );
  } finally {
    await client.end().catch(() => {});
  }
}
