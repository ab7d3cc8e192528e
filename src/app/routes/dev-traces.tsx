// The dev trace view, mounted only in dev mode (src/services.ts, routeGroups); otherwise 404.
import { Hono } from 'hono';
import type { RecentTraces } from '../../tracing/recent-traces.js';
import { DevTracesPage } from '../pages/dev-traces.js';
import type { Site } from '../pages/layout.js';

const LIMIT = 50;

export function devTraceRoutes({ recent, site }: { recent: RecentTraces; site: Site }) {
  const app = new Hono();
  app.get('/dev/traces', (c) => {
    c.header('cache-control', 'no-store');
    return c.html(<DevTracesPage site={site} traces={recent.requests(LIMIT)} />);
  });
  return app;
}
