// GET /openapi.json — the API described; GET /docs — the same document as a page (pages/api-docs.tsx).
import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { openApiDocument } from '../openapi/index.js';
import { ApiDocsPage } from '../pages/api-docs.js';
import type { Site } from '../pages/layout.js';

export function docsRoutes({ race, site }: Pick<AppDeps, 'race'> & { site: Site }) {
  const app = new Hono();
  // Built once per app (once per Node process or Worker isolate): the race, and so the distances in the
  // schema, does not change while running.
  const doc = openApiDocument(race);
  app.get('/openapi.json', (c) => c.json(doc));
  app.get('/docs', (c) => c.html(<ApiDocsPage doc={doc} site={site} />));
  return app;
}
