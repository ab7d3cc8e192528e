// The per-client limit on registrations, over app.request(): the in-memory limiter on a clock the test
// moves (2 per minute), keyed by the client the app names; past the limit 429 rate_limited with
// Retry-After, before the route reads anything.
import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { type ClientLimiter, createMemoryClientLimiter } from '../../../ports/client-limiter.js';
import { silentLogger } from '../../../ports/logger.js';
import { handleError } from '../../errors.js';
import { clientLimit } from './index.js';

const RATE_LIMITED = {
  error: { code: 'rate_limited', message: 'too many registrations from this client, try again later' },
};
const CLIENT_HEADER = 'x-test-client';

let now: number;
let handled: number;

function limitedApp(limiter: ClientLimiter) {
  const app = new Hono();
  app.post(
    '/api/registrations',
    clientLimit(limiter, (c) => c.req.header(CLIENT_HEADER) ?? 'anonymous'),
    async (c) => {
      handled += 1;
      return c.json(await c.req.json(), 201);
    },
  );
  app.onError(handleError(silentLogger));
  return app;
}

const register = (app: Hono, client: string) =>
  app.request('/api/registrations', {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CLIENT_HEADER]: client },
    body: JSON.stringify({ n: handled }),
  });

beforeEach(() => {
  now = 1_700_000_000_000;
  handled = 0;
});

describe('clientLimit', () => {
  it('lets a client’s requests through up to the limit, then answers 429 with Retry-After until the window ends', async () => {
    const app = limitedApp(createMemoryClientLimiter(2, 60_000, () => now));
    expect((await register(app, '10.0.0.1')).status).toBe(201);
    now += 1_000;
    expect((await register(app, '10.0.0.1')).status).toBe(201);
    expect(handled).toBe(2);

    const limited = await register(app, '10.0.0.1');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('59');
    expect(await limited.json()).toEqual(RATE_LIMITED);
    expect(handled).toBe(2);

    // Another client has its own window.
    expect((await register(app, '10.0.0.2')).status).toBe(201);

    now += 58_500;
    const last = await register(app, '10.0.0.1');
    expect(last.status).toBe(429);
    expect(last.headers.get('retry-after')).toBe('1');

    now += 500; // the first request's window has ended
    expect((await register(app, '10.0.0.1')).status).toBe(201);
    expect(handled).toBe(4);
  });

  it('asks the limiter about the client the app names, and passes its Retry-After on as it is', async () => {
    const asked: string[] = [];
    const app = limitedApp({
      check: async (client) => {
        asked.push(client);
        return client === 'blocked'
          ? { allowed: false, retryAfterSeconds: 17 }
          : { allowed: true, retryAfterSeconds: 0 };
      },
    });
    expect((await register(app, 'fine')).status).toBe(201);
    const res = await register(app, 'blocked');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('17');
    expect(await res.json()).toEqual(RATE_LIMITED);
    expect(asked).toEqual(['fine', 'blocked']);
    expect(handled).toBe(1);
  });

  it('refuses before the body is read: a malformed body over the limit is 429, not 400', async () => {
    const app = limitedApp({ check: async () => ({ allowed: false, retryAfterSeconds: 5 }) });
    const res = await app.request('/api/registrations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(handled).toBe(0);
  });
});
