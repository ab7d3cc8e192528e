// The dev mailbox, mounted only when it is the mailer (dev mode without a Resend key: src/services.ts,
// routeGroups); otherwise these paths are 404. The list (JSON and a page), each email's HTML part alone
// (the page's frames show it, and its link opens it at full size; createApp gives it a CSP of its own
// that sandboxes it), and the frames' heights.
import { Hono } from 'hono';
import { apiErrors } from '../errors.js';
import { DEV_MAIL_FRAMES_CSS, DevMailPage, devMailFrameStyles } from '../pages/dev-mail.js';
import type { Site } from '../pages/layout.js';

const LIMIT = 100;

/** GET /dev/mail/:id — an email's HTML part alone (createApp's headers match this path for its CSP). */
export const DEV_MAIL_MESSAGE_PATH = /^\/dev\/mail\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  // The same messages as the page: each frame's height, per layout band.
  app.get(DEV_MAIL_FRAMES_CSS, async (c) => {
    const messages = await c.get('services').store.listDevMail(LIMIT);
    return c.body(devMailFrameStyles(messages), 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'no-store',
    });
  });
  app.get('/dev/mail/:id', async (c) => {
    const path = c.req.path;
    const message = DEV_MAIL_MESSAGE_PATH.test(path)
      ? await c.get('services').store.findDevMail(c.req.param('id').toLowerCase())
      : null;
    if (!message) throw apiErrors.notFound('message');
    c.header('cache-control', 'no-store');
    return c.html(message.html);
  });
  return app;
}
