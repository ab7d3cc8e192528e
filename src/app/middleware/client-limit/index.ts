// 429 rate_limited (with Retry-After) once a client has used its registrations for the window.
import type { Context, MiddlewareHandler } from 'hono';
import type { ClientLimiter } from '../../../ports/client-limiter.js';
import { ApiError } from '../../errors.js';

export function clientLimit(limiter: ClientLimiter, clientKey: (c: Context) => string): MiddlewareHandler {
  return async (c, next) => {
    const verdict = await limiter.check(clientKey(c));
    if (!verdict.allowed) {
      throw new ApiError(429, 'rate_limited', 'too many registrations from this client, try again later', undefined, {
        'retry-after': String(verdict.retryAfterSeconds),
      });
    }
    await next();
  };
}
