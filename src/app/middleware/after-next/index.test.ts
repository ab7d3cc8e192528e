import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { setResponseHeader } from './index.js';

function appReturning(response: () => Response) {
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    setResponseHeader(c, 'cache-control', 'no-store');
    setResponseHeader(c, 'server-timing', 'total;dur=1', { append: true });
  });
  app.get('/', () => response());
  return app;
}

describe('setResponseHeader after next()', () => {
  it('sets and appends on the handler’s answer, keeping its status, headers and body', async () => {
    const res = await appReturning(() =>
      Response.json({ ok: true }, { status: 201, headers: { 'server-timing': 'db;dur=2' } }),
    ).request('/');
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('server-timing')).toBe('db;dur=2, total;dur=1');
    expect(await res.json()).toEqual({ ok: true });
  });

  it('falls back to rebuilding a Response whose headers are immutable', async () => {
    const res = await appReturning(() => Response.redirect('http://localhost/elsewhere', 302)).request('/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://localhost/elsewhere');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('server-timing')).toBe('total;dur=1');
  });
});
