// Chunks of older builds in dist/. esbuild names each chunk by its content (chunk-XXXXXXXX.js,
// node-postgres-XXXXXXXX.js), so every build that changes one leaves the old file behind, and dist/
// would grow with each rebuild. A build keeps its own outputs and the previous build's — a service
// started from that build may still import one of its chunks: they load on first use — and deletes
// the older ones. Plain JavaScript: scripts/build.js runs before anything is compiled.
import { readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';

/** A chunk (or its source map): a name ending in esbuild's 8-character hash. */
const CHUNK = /-[A-Z0-9]{8}\.js(\.map)?$/;

/** Deletes the chunks in `dir` that none of `keep` (output paths, e.g. from esbuild's metafiles) names; returns their names. */
export function pruneChunks(dir, keep) {
  const kept = new Set();
  for (const path of keep) {
    kept.add(basename(path));
    kept.add(`${basename(path)}.map`);
  }
  const removed = [];
  for (const name of readdirSync(dir)) {
    if (!CHUNK.test(name) || kept.has(name)) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed.sort();
}
