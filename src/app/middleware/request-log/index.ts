// One log line per request: id, method, route pattern (never the raw URL's query), status, duration.
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../../ports/logger.js';

export function requestLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    const requestId =
      c.req
        .header('x-request-id')
        ?.slice(0, 64)
        .replace(/[^\w-]/g, '') || crypto.randomUUID();
    c.header('x-request-id', requestId);
    await next();
    logger.info('request', {
      requestId,
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}
