// Static assets, served from string constants (workerd has no filesystem; there is no build step).
import { Hono } from 'hono';
import { APP_CSS, ICON_SVG } from '../pages/styles.js';

const CACHE = 'public, max-age=3600';

export function assetRoutes() {
  const app = new Hono();
  app.get('/assets/app.css', (c) =>
    c.body(APP_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': CACHE }),
  );
  app.get('/assets/icon.svg', (c) =>
    c.body(ICON_SVG, 200, { 'content-type': 'image/svg+xml', 'cache-control': CACHE }),
  );
  return app;
}
