// Who is asking, on Workers: Cloudflare's edge sets CF-Connecting-IP to the client's address, and the
// request's URL keeps the scheme the client reached the edge with. The header is read here directly:
// Hono's getConnInfo (hono/cloudflare-workers) reads the same header, but that entry point is
// deprecated and brings its WebSocket helper into the bundle.
import { type ClientInfo, urlIsHttps } from '../shared/client.js';

export const clientInfo: ClientInfo = {
  clientKey: (c) => c.req.header('cf-connecting-ip') ?? 'unknown',
  isHttps: urlIsHttps,
};
