import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript without declarations (it runs before anything is compiled)
import { pruneChunks } from '../../scripts/dist-chunks.js';

describe('pruneChunks (npm run build: chunks of older builds leave dist/)', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps this build's and the previous build's files, entries and everything else; deletes older chunks", () => {
    dir = mkdtempSync(join(tmpdir(), 'finishline-dist-'));
    const files = [
      'main.js',
      'main.js.map',
      'meta.json',
      'chunk-AAAAAAAA.js', // this build
      'chunk-AAAAAAAA.js.map',
      'node-postgres-BBBBBBBB.js', // the previous build
      'node-postgres-BBBBBBBB.js.map',
      'chunk-OLD00001.js', // older
      'chunk-OLD00001.js.map',
      'node-postgres-OLD00002.js',
      'main.js.tmp-123', // another build writing right now
    ];
    for (const file of files) writeFileSync(join(dir, file), '');
    const removed = pruneChunks(dir, [
      'dist/main.js',
      'dist/chunk-AAAAAAAA.js',
      'dist/chunk-AAAAAAAA.js.map',
      'dist/node-postgres-BBBBBBBB.js',
    ]);
    expect(removed).toEqual(['chunk-OLD00001.js', 'chunk-OLD00001.js.map', 'node-postgres-OLD00002.js']);
    expect(readdirSync(dir).sort()).toEqual(files.filter((f) => !removed.includes(f)).sort());
  });
});
