// Who is asking, on Node: the socket's address and scheme, or — behind TRUST_PROXY reverse proxies —
// what the nearest trusted proxy says in X-Forwarded-For / X-Forwarded-Proto.
//
// X-Forwarded-For grows left to right, each proxy appending the address it received the request
// from. Only the right-most TRUST_PROXY entries were written by proxies we trust; anything left of
// them came from the client and can be forged. So the client is the entry TRUST_PROXY places from the
// right (the left-most one when the header is shorter). Without trusted proxies both headers are
// ignored: a client could set them to anything.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { type ClientInfo, urlIsHttps } from '../shared/client.js';

function hops(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

function fromRight(values: string[], trustProxy: number): string | undefined {
  if (values.length === 0) return undefined;
  return values[Math.max(0, values.length - trustProxy)];
}

export function clientInfo(trustProxy: number): ClientInfo {
  const socketAddress = (c: Context) => getConnInfo(c).remote.address ?? 'unknown';
  if (trustProxy === 0) return { clientKey: socketAddress, isHttps: urlIsHttps };
  return {
    clientKey: (c) => fromRight(hops(c.req.header('x-forwarded-for')), trustProxy) ?? socketAddress(c),
    isHttps: (c) => {
      const proto = fromRight(hops(c.req.header('x-forwarded-proto')), trustProxy);
      return proto ? proto.toLowerCase() === 'https' : urlIsHttps(c);
    },
  };
}
