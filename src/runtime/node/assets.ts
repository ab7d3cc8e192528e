// The static files, public/assets/ (the stylesheet, the icon): read once at start; the app serves them at
// /assets/<name> (app/routes/assets.ts). On Workers the asset server serves the same folder before the
// Worker runs (wrangler.jsonc `assets`), so the Worker never bundles them: public/ is their one copy.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StaticAssets } from '../../app/deps.js';

/** Content-Type by extension: a file of another kind fails the start until it gets its type here. */
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The nearest public/ above this module (with the stylesheet the pages link): this file runs from
 * src/runtime/node/ (tsx, vitest) and bundled into dist/ (`npm start`), as migrate.ts does.
 */
function findPublicFolder(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'public');
    if (existsSync(join(candidate, 'assets', 'app.css'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`no public/ folder (with assets/app.css) above ${from}`);
  }
}

/** Every file of public/assets/, by the path it is served at (`/assets/app.css`). */
export function readStaticAssets(): StaticAssets {
  const folder = join(findPublicFolder(dirname(fileURLToPath(import.meta.url))), 'assets');
  const assets = new Map<string, { body: Uint8Array<ArrayBuffer>; type: string }>();
  for (const name of readdirSync(folder).sort()) {
    const type = TYPES[extname(name)];
    if (!type) throw new Error(`public/assets/${name}: no Content-Type for its extension (runtime/node/assets.ts)`);
    assets.set(`/assets/${name}`, { body: readFileSync(join(folder, name)), type });
  }
  return assets;
}
