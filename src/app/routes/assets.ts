// /assets/*, the stylesheet and the icon, from the files the entry read (`routes.assets`: Node reads
// public/assets/ at start). On Workers this group is not mounted: the asset server answers these paths
// from the same folder before the Worker runs (wrangler.jsonc `assets`, caching in public/_headers).
import { Hono } from 'hono';
import type { StaticAssets } from '../deps.js';

/** As public/_headers says for the asset server (not fingerprinted: an hour, then fetched again). */
const CACHE = 'public, max-age=3600';

export function assetRoutes(assets: StaticAssets) {
  const app = new Hono();
  for (const [path, { body, type }] of assets) {
    app.get(path, (c) => c.body(body, 200, { 'content-type': type, 'cache-control': CACHE }));
  }
  return app;
}
