// Admin credentials: `Authorization: Bearer $ADMIN_TOKEN`. The token is compared in constant time:
// both sides are hashed with SHA-256 (Web Crypto, so it runs in workerd and Node alike) and the two
// digests compared byte by byte without an early exit, so neither the content nor the length of the
// configured token leaks through timing. No token configured → every request is refused.
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';

const BEARER = /^Bearer +(\S+) *$/i;

export function unauthorized(): ApiError {
  return new ApiError(401, 'unauthorized', 'missing or wrong admin credentials', undefined, {
    'www-authenticate': 'Bearer realm="admin"',
  });
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** True when `given` equals `expected`, in time independent of where (or whether) they differ. */
export async function tokensMatch(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

/** Refuses (401, with `WWW-Authenticate`) any request without the admin token. */
export function adminAuth(adminToken: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    const match = BEARER.exec(c.req.header('authorization') ?? '');
    const given = match?.[1];
    if (!adminToken || !given || !(await tokensMatch(given, adminToken))) throw unauthorized();
    await next();
  };
}
