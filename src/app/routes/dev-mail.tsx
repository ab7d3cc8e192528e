// The dev mailbox, mounted only when it is the mailer (dev mode without a Resend key: src/services.ts,
// routeGroups); otherwise these paths are 404.
import { Hono } from 'hono';
import { DevMailPage } from '../pages/dev-mail.js';
import type { Site } from '../pages/layout.js';

const LIMIT = 100;

export function devMailRoutes({ site }: { site: Site }) {
  const app = new Hono();
  app.get('/api/dev/mail', async (c) => {
    const messages = await c.get('services').store.listDevMail(LIMIT);
    return c.json({ messages: messages.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) });
  });
  app.get('/dev/mail', async (c) => {
    c.header('cache-control', 'no-store');
    return c.html(<DevMailPage site={site} messages={await c.get('services').store.listDevMail(LIMIT)} />);
  });
  return app;
}
