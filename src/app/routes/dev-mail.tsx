// The dev mailbox, only when no Resend key is set (otherwise these routes do not exist: 404): the list
// (JSON and a page), each email's HTML part alone (the page's frames show it, and its link opens it at
// full size; createApp gives it a CSP of its own that sandboxes it), and the frames' heights.
import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { apiErrors } from '../errors.js';
import { DEV_MAIL_FRAMES_CSS, DevMailPage, devMailFrameStyles } from '../pages/dev-mail.js';
import { siteOf } from '../pages/layout.js';

const LIMIT = 100;

/** GET /dev/mail/:id — an email's HTML part alone (createApp's headers match this path for its CSP). */
export const DEV_MAIL_MESSAGE_PATH = /^\/dev\/mail\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  // The same messages as the page: each frame's height, per layout band.
  app.get(DEV_MAIL_FRAMES_CSS, async (c) => {
    const messages = await c.get('deps').store.listDevMail(LIMIT);
    return c.body(devMailFrameStyles(messages), 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'no-store',
    });
  });
  app.get('/dev/mail/:id', async (c) => {
    const path = c.req.path;
    const message = DEV_MAIL_MESSAGE_PATH.test(path)
      ? await c.get('deps').store.findDevMail(c.req.param('id').toLowerCase())
      : null;
    if (!message) throw apiErrors.notFound('message');
    c.header('cache-control', 'no-store');
    return c.html(message.html);
  });
  return app;
}
