// Where the benchmark and docs scripts write.
//
// Every run would otherwise rewrite committed files (docs/compare.md, bench/results/*, the
// screenshots) and leave the working tree dirty. Runs write to `out/<name>/` (ignored by git); the
// committed copies change only when asked with `--update-docs`.
import { join, resolve } from 'node:path';

export const OUT_ROOT = 'out';

/** `out/<name>`, or `committed` (the tracked folder) with --update-docs. */
export function outputDir(name: string, committed: string, updateDocs: boolean | undefined): string {
  return resolve(updateDocs ? committed : join(OUT_ROOT, name));
}
