// The dev mailbox, only when no Resend key is set (otherwise these routes do not exist: 404).
import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { DevMailPage } from '../pages/dev-mail.js';
import { siteOf } from '../pages/layout.js';

const LIMIT = 100;

export function devMailRoutes(deps: AppDeps) {
  const app = new Hono();
  if (!deps.devMailbox) return app;
  app.get('/api/dev/mail', async (c) => {
    const messages = await c.get('deps').store.listDevMail(LIMIT);
    return c.json({ messages: messages.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) });
  });
  app.get('/dev/mail', async (c) => {
    c.header('cache-control', 'no-store');
    return c.html(<DevMailPage site={siteOf(deps)} messages={await c.get('deps').store.listDevMail(LIMIT)} />);
  });
  return app;
}
