import { Hono } from 'hono';
import { apiErrors } from '../errors.js';

export function healthRoutes() {
  const app = new Hono();
  // Liveness: the process answers. No dependency is checked, so a database outage does not restart us.
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  // Readiness: the database answers.
  app.get('/readyz', async (c) => {
    const { store, engine } = c.get('services');
    try {
      await store.ping();
    } catch {
      throw apiErrors.unavailable();
    }
    // Still ready while delivery is paused (registrations are stored and their emails wait), but say so.
    return c.json({ status: 'ready', delivery: engine.deliveryState() });
  });
  return app;
}
