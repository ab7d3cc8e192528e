// `Cache-Control: no-store` on answers about a person, over app.request(): on what the handler returns
// and on the errors the app's error handler renders for it.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../ports/logger.js';
import { apiErrors, handleError } from '../../errors.js';
import { noStore } from './index.js';

function personApp() {
  const app = new Hono();
  app.get('/api/registrations/:id', noStore, (c) => {
    const id = c.req.param('id');
    if (id === 'missing') throw apiErrors.notFound('registration');
    if (id === 'broken') throw new Error('driver said: ada@example.com');
    if (id === 'cached') return c.json({ id }, 200, { 'cache-control': 'public, max-age=600', etag: '"v1"' });
    if (id === 'moved') return Response.redirect('http://localhost/api/registrations/elsewhere', 301);
    return c.json({ id, firstName: 'Ada' });
  });
  app.get('/api/race', (c) => c.json({ race: 'open' }));
  app.onError(handleError(silentLogger));
  return app;
}

describe('noStore', () => {
  const app = personApp();

  it('marks the handler’s answer no-store, keeping its status and body', async () => {
    const res = await app.request('/api/registrations/r1');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ id: 'r1', firstName: 'Ada' });
  });

  it('replaces a cache-control the handler set, and keeps its other headers', async () => {
    const res = await app.request('/api/registrations/cached');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('etag')).toBe('"v1"');
  });

  it('covers the errors onError renders: 404 and 500 in the envelope', async () => {
    const missing = await app.request('/api/registrations/missing');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('no-store');
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'registration not found' } });

    const broken = await app.request('/api/registrations/broken');
    expect(broken.status).toBe(500);
    expect(broken.headers.get('cache-control')).toBe('no-store');
    expect(await broken.json()).toEqual({ error: { code: 'internal', message: 'something went wrong on our side' } });
  });

  it('covers a Response whose headers are immutable (a redirect)', async () => {
    const res = await app.request('/api/registrations/moved');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('http://localhost/api/registrations/elsewhere');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('is per route: an answer about no one is left alone', async () => {
    expect((await app.request('/api/race')).headers.get('cache-control')).toBeNull();
  });
});
