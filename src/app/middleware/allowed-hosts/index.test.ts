// Only the served host names, over app.request(): the request URL's host decides (on Node it is built
// from the Host header, on Workers it is the URL the edge was asked for).
import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../ports/logger.js';
import { handleError } from '../../errors.js';
import { allowedHosts } from './index.js';

const MISDIRECTED = {
  error: {
    code: 'misdirected_request',
    message:
      'this server does not answer for that host name: use localhost or 127.0.0.1, or add the name to ALLOWED_HOSTS',
  },
};

let asked: string[];
let handlerExecuted: boolean;

function hostApp(served: string[]) {
  const app = new Hono();
  app.use(
    allowedHosts((hostname) => {
      asked.push(hostname);
      return served.includes(hostname);
    }),
  );
  app.get('/api/race', (c) => {
    handlerExecuted = true;
    return c.json({ race: 'ok' });
  });
  app.post('/api/registrations', async (c) => {
    handlerExecuted = true;
    return c.json(await c.req.json(), 201);
  });
  app.onError(handleError(silentLogger));
  return app;
}

beforeEach(() => {
  asked = [];
  handlerExecuted = false;
});

describe('allowedHosts', () => {
  it('serves a host name the predicate accepts', async () => {
    const res = await hostApp(['race.example.com']).request('http://race.example.com/api/race');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ race: 'ok' });
    expect(handlerExecuted).toBe(true);
  });

  it('asks about the host name alone: lower case, without the port, IPv6 in brackets', async () => {
    const app = hostApp(['localhost', '[::1]', '127.0.0.1']);
    for (const url of ['http://LocalHost:8787/api/race', 'http://[::1]:3000/api/race', 'https://127.0.0.1/api/race']) {
      expect((await app.request(url)).status, url).toBe(200);
    }
    expect(asked).toEqual(['localhost', '[::1]', '127.0.0.1']);
  });

  it('answers any other host 421 misdirected_request in the envelope, before the route runs', async () => {
    const app = hostApp(['race.example.com']);
    for (const url of ['http://evil.example/api/race', 'http://race.example.com.evil.example/api/race']) {
      const res = await app.request(url);
      expect(res.status, url).toBe(421);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual(MISDIRECTED);
    }
    expect(asked).toEqual(['evil.example', 'race.example.com.evil.example']);
    expect(handlerExecuted).toBe(false);
  });

  it('refuses a write to another host without reading its body', async () => {
    const res = await hostApp(['race.example.com']).request('http://evil.example/api/registrations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ firstName: 'Ada' }),
    });
    expect(res.status).toBe(421);
    expect(await res.json()).toEqual(MISDIRECTED);
    expect(handlerExecuted).toBe(false);
  });
});
