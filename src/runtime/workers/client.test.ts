// Who is asking on Workers (client.ts): the address Cloudflare's edge puts in CF-Connecting-IP, and
// the scheme of the request's URL. The headers a client can write itself (X-Forwarded-*) never count.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientInfo } from './client.js';

const app = new Hono().get('/who', (c) => c.json({ key: clientInfo.clientKey(c), https: clientInfo.isHttps(c) }));

async function who(headers: HeadersInit = {}, url = 'https://finishline.test/who') {
  const res = await app.request(url, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as { key: string; https: boolean };
}

describe('Workers client key: CF-Connecting-IP', () => {
  it('is the address the edge wrote, IPv4 or IPv6', async () => {
    expect((await who({ 'cf-connecting-ip': '203.0.113.7' })).key).toBe('203.0.113.7');
    expect((await who({ 'cf-connecting-ip': '2001:db8::7' })).key).toBe('2001:db8::7');
  });

  it('ignores X-Forwarded-For, which the client controls', async () => {
    expect((await who({ 'cf-connecting-ip': '203.0.113.7', 'x-forwarded-for': '198.51.100.1' })).key).toBe(
      '203.0.113.7',
    );
    expect((await who({ 'x-forwarded-for': '198.51.100.1' })).key).toBe('unknown');
  });

  it("is 'unknown' without the header (a request that did not come through the edge)", async () => {
    expect((await who()).key).toBe('unknown');
  });
});

describe('Workers https: the scheme of the request URL', () => {
  it('https and http URLs', async () => {
    expect((await who({}, 'https://finishline.test/who')).https).toBe(true);
    expect((await who({}, 'http://finishline.test/who')).https).toBe(false);
  });

  it('ignores X-Forwarded-Proto either way', async () => {
    expect((await who({ 'x-forwarded-proto': 'https' }, 'http://finishline.test/who')).https).toBe(false);
    expect((await who({ 'x-forwarded-proto': 'http' }, 'https://finishline.test/who')).https).toBe(true);
  });
});
