// What each runtime's client.ts hands the app: who is asking and over which scheme. The runtimes find
// out differently (the socket or trusted proxies on Node, Cloudflare's edge on Workers).
import type { Context } from 'hono';

export interface ClientInfo {
  /** The key the per-client limits count under: the client's address. */
  clientKey: (c: Context) => string;
  /** Whether the client's request came over https (directly, or to a trusted proxy). */
  isHttps: (c: Context) => boolean;
}

/** The scheme of the URL the runtime gave the request. */
export const urlIsHttps = (c: Context): boolean => new URL(c.req.url).protocol === 'https:';
