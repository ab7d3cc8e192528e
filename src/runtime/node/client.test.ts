// Who is asking on Node (client.ts): the socket's address, or behind TRUST_PROXY proxies the entry of
// X-Forwarded-For that many hops from the right; the scheme from X-Forwarded-Proto the same way. Most
// cases run through app.request with the socket @hono/node-server would hand the app (its `incoming`);
// the last block starts a real server on the loopback to check that wiring.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { clientInfo } from './client.js';

/** An app that answers with what clientInfo(trustProxy) makes of the request. */
function whoApp(trustProxy: number) {
  const { clientKey, isHttps } = clientInfo(trustProxy);
  return new Hono().get('/who', (c) => c.json({ key: clientKey(c), https: isHttps(c) }));
}

interface Ask {
  /** The socket's remote address (10.0.0.1 when not given); null for a socket already closed, whose address Node reports as undefined. */
  socket?: string | null;
  headers?: HeadersInit;
  url?: string;
}

async function who(
  trustProxy: number,
  { socket = '10.0.0.1', headers, url = 'http://finishline.test/who' }: Ask = {},
): Promise<{ key: string; https: boolean }> {
  const incoming = { socket: { remoteAddress: socket ?? undefined } };
  const res = await whoApp(trustProxy).request(url, { headers }, { incoming });
  expect(res.status).toBe(200);
  return res.json();
}

const key = async (trustProxy: number, ask: Ask = {}) => (await who(trustProxy, ask)).key;
const https = async (trustProxy: number, ask: Ask = {}) => (await who(trustProxy, ask)).https;
const forwardedFor = (value: string, socket = '10.0.0.1'): Ask => ({ socket, headers: { 'x-forwarded-for': value } });

describe('Node client key without trusted proxies (TRUST_PROXY=0)', () => {
  it('is the socket address, whatever X-Forwarded-For says', async () => {
    expect(await key(0, { socket: '203.0.113.7' })).toBe('203.0.113.7');
    expect(await key(0, forwardedFor('198.51.100.1', '203.0.113.7'))).toBe('203.0.113.7');
    expect(await key(0, forwardedFor('198.51.100.1, 198.51.100.2', '203.0.113.7'))).toBe('203.0.113.7');
  });

  it('keeps IPv6 and IPv4-mapped socket addresses as Node reports them', async () => {
    expect(await key(0, { socket: '2001:db8::7' })).toBe('2001:db8::7');
    // A dual-stack listener (HOST=::) reports an IPv4 client this way; the key is not rewritten.
    expect(await key(0, { socket: '::ffff:203.0.113.7' })).toBe('::ffff:203.0.113.7');
  });

  it("is 'unknown' when the socket has no address any more (the client went away)", async () => {
    expect(await key(0, { socket: null })).toBe('unknown');
  });
});

describe('Node client key behind one trusted proxy (TRUST_PROXY=1)', () => {
  it('is the single address the proxy wrote', async () => {
    expect(await key(1, forwardedFor('203.0.113.1'))).toBe('203.0.113.1');
  });

  it('is the right-most hop: what the client wrote to its left is ignored', async () => {
    expect(await key(1, forwardedFor('198.51.100.7, 203.0.113.1'))).toBe('203.0.113.1');
    expect(await key(1, forwardedFor('192.0.2.1, 198.51.100.7, 203.0.113.1'))).toBe('203.0.113.1');
    // A client prepending addresses stays in its own bucket.
    expect(await key(1, forwardedFor('203.0.113.99, 203.0.113.1'))).toBe(await key(1, forwardedFor('203.0.113.1')));
  });

  it('trims spaces and tabs around the hops, with or without a space after the comma', async () => {
    expect(await key(1, forwardedFor('198.51.100.7,203.0.113.1'))).toBe('203.0.113.1');
    expect(await key(1, forwardedFor('  198.51.100.7 ,\t203.0.113.1   '))).toBe('203.0.113.1');
  });

  it('skips empty hops (stray commas) instead of taking an empty key', async () => {
    expect(await key(1, forwardedFor('203.0.113.1,'))).toBe('203.0.113.1');
    expect(await key(1, forwardedFor('203.0.113.1, ,  ,'))).toBe('203.0.113.1');
    expect(await key(1, forwardedFor(',,198.51.100.7,,203.0.113.1'))).toBe('203.0.113.1');
  });

  it('takes IPv6 and IPv4-mapped hops whole (their colons are not separators), as written', async () => {
    expect(await key(1, forwardedFor('2001:db8::1'))).toBe('2001:db8::1');
    expect(await key(1, forwardedFor('198.51.100.7, 2001:db8:0:1::2'))).toBe('2001:db8:0:1::2');
    expect(await key(1, forwardedFor('2001:db8::1, ::ffff:203.0.113.1'))).toBe('::ffff:203.0.113.1');
  });

  it('reads several X-Forwarded-For header lines as one list, the last line right-most', async () => {
    const headers = new Headers();
    headers.append('x-forwarded-for', '198.51.100.7'); // from the client
    headers.append('x-forwarded-for', '203.0.113.1'); // added by the proxy
    expect(await key(1, { headers })).toBe('203.0.113.1');
  });

  it('does not validate the hop: a value that is no address is the key as the proxy wrote it', async () => {
    expect(await key(1, forwardedFor('198.51.100.7, not-an-address'))).toBe('not-an-address');
    expect(await key(1, forwardedFor('unknown'))).toBe('unknown');
  });

  it('falls back to the socket (the proxy itself) when the header is missing, empty or only commas', async () => {
    expect(await key(1, { socket: '10.0.0.1' })).toBe('10.0.0.1');
    expect(await key(1, forwardedFor('', '10.0.0.1'))).toBe('10.0.0.1');
    expect(await key(1, forwardedFor(' , ,', '10.0.0.1'))).toBe('10.0.0.1');
    expect(await key(1, { socket: null })).toBe('unknown');
  });
});

describe('Node client key behind several trusted proxies', () => {
  it('TRUST_PROXY=2: the second hop from the right (the client as the first proxy saw it)', async () => {
    // forged by the client, the client as the outer proxy saw it, the outer proxy as the inner one saw it
    expect(await key(2, forwardedFor('192.0.2.66, 203.0.113.5, 10.0.0.2'))).toBe('203.0.113.5');
    expect(await key(2, forwardedFor('203.0.113.5, 10.0.0.2'))).toBe('203.0.113.5');
    expect(await key(2, forwardedFor('2001:db8::5, 10.0.0.2'))).toBe('2001:db8::5');
  });

  it('a header shorter than TRUST_PROXY gives its left-most hop', async () => {
    expect(await key(2, forwardedFor('203.0.113.5'))).toBe('203.0.113.5');
    expect(await key(3, forwardedFor('203.0.113.5, 10.0.0.2'))).toBe('203.0.113.5');
  });

  it('empty hops do not shift the count from the right', async () => {
    expect(await key(2, forwardedFor('192.0.2.66,, 203.0.113.5 , ,10.0.0.2'))).toBe('203.0.113.5');
  });
});

describe('Node https: the URL without trusted proxies, X-Forwarded-Proto behind them', () => {
  it('TRUST_PROXY=0: the URL the server gave the request; X-Forwarded-Proto is ignored', async () => {
    expect(await https(0, { url: 'http://finishline.test/who' })).toBe(false);
    expect(await https(0, { url: 'https://finishline.test/who' })).toBe(true);
    expect(await https(0, { url: 'http://finishline.test/who', headers: { 'x-forwarded-proto': 'https' } })).toBe(
      false,
    );
  });

  it('TRUST_PROXY=1: what the proxy says, in any case, over the URL', async () => {
    const proto = (value: string, url = 'http://finishline.test/who') => ({
      url,
      headers: { 'x-forwarded-proto': value },
    });
    expect(await https(1, proto('https'))).toBe(true);
    expect(await https(1, proto(' HTTPS '))).toBe(true);
    expect(await https(1, proto('http', 'https://finishline.test/who'))).toBe(false);
    expect(await https(1, proto('ftp'))).toBe(false);
    // The right-most value counts: a client's own "https" before the proxy's "http" is ignored.
    expect(await https(1, proto('https, http'))).toBe(false);
    expect(await https(1, proto('http,https'))).toBe(true);
  });

  it('TRUST_PROXY=2: the value that many from the right, or the only one', async () => {
    const proto = (value: string) => ({ headers: { 'x-forwarded-proto': value } });
    expect(await https(2, proto('https, http'))).toBe(true);
    expect(await https(2, proto('https, http, http'))).toBe(false);
    expect(await https(2, proto('https'))).toBe(true);
  });

  it('without a usable X-Forwarded-Proto, the URL decides', async () => {
    expect(await https(1, { url: 'https://finishline.test/who' })).toBe(true);
    expect(await https(1, { url: 'http://finishline.test/who' })).toBe(false);
    expect(await https(1, { url: 'https://finishline.test/who', headers: { 'x-forwarded-proto': ' , ' } })).toBe(true);
  });
});

describe('Node client info over a real socket (@hono/node-server on the loopback)', () => {
  const servers: ReturnType<typeof serve>[] = [];
  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  });

  async function listen(trustProxy: number): Promise<string> {
    const server = serve({ fetch: whoApp(trustProxy).fetch, port: 0, hostname: '127.0.0.1' });
    servers.push(server);
    await new Promise<void>((resolve) => server.once('listening', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function ask(url: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${url}/who`, { headers });
    expect(res.status).toBe(200);
    return res.json();
  }

  it('TRUST_PROXY=0: the socket address, X-Forwarded-* ignored', async () => {
    const url = await listen(0);
    expect(await ask(url, { 'x-forwarded-for': '203.0.113.1', 'x-forwarded-proto': 'https' })).toEqual({
      key: '127.0.0.1',
      https: false,
    });
  });

  it('TRUST_PROXY=1: the right-most forwarded hop and scheme; the socket without the header', async () => {
    const url = await listen(1);
    expect(await ask(url, { 'x-forwarded-for': '198.51.100.7, 203.0.113.1', 'x-forwarded-proto': 'https' })).toEqual({
      key: '203.0.113.1',
      https: true,
    });
    expect(await ask(url)).toEqual({ key: '127.0.0.1', https: false });
  });
});
