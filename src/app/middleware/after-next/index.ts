// Setting a header on the response a handler already returned (middleware, after `await next()`).
//
// `c.header()` at that point rebuilds the Response from its body; on Node (@hono/node-server) reading
// `body` turns a ready string into a web Response with a ReadableStream, which is then written out
// piece by piece — for every API answer, twice (no-store, Server-Timing). Setting the header in place,
// as Hono's own secureHeaders does, keeps the answer on @hono/node-server's direct path.
import type { Context } from 'hono';

export function setResponseHeader(c: Context, name: string, value: string, options: { append?: boolean } = {}): void {
  try {
    if (options.append) c.res.headers.append(name, value);
    else c.res.headers.set(name, value);
  } catch {
    // Immutable headers (a Response from fetch()): let Hono rebuild the Response.
    c.header(name, value, options);
  }
}
