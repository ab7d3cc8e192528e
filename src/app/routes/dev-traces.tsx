// The dev trace view, only in development (no Resend key, like the dev mailbox): otherwise 404.
import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { DevTracesPage } from '../pages/dev-traces.js';
import { siteOf } from '../pages/layout.js';

const LIMIT = 50;

export function devTraceRoutes(deps: AppDeps) {
  const app = new Hono();
  const recent = deps.recentTraces;
  if (!deps.devMode || !recent) return app;
  app.get('/dev/traces', (c) => {
    c.header('cache-control', 'no-store');
    return c.html(<DevTracesPage site={siteOf(deps)} traces={recent.requests(LIMIT)} />);
  });
  return app;
}
