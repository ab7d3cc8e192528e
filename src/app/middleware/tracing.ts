// One `http.request` span per request (method, route pattern, status — never the URL: its query can
// carry search terms) and, on API responses, `Server-Timing: db;dur=…, provider;dur=…, total;dur=…`
// from the per-request collector the Store and Mailer wrappers feed (src/tracing/timing.ts).
import { context, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { newTimings, serverTimingHeader, withTimings } from '../../tracing/timing.js';
import { isApiPath } from '../errors.js';

export function tracing(tracer: Tracer): MiddlewareHandler {
  return (c, next) => {
    const started = performance.now();
    const timings = newTimings();
    const parent = withTimings(context.active(), timings);
    const attributes = { 'http.request.method': c.req.method };
    return tracer.startActiveSpan('http.request', { kind: SpanKind.SERVER, attributes }, parent, async (span) => {
      try {
        await next();
      } finally {
        // Background work after the response (fast-path attempts, fire-and-forget sends) no longer counts.
        timings.closed = true;
        const status = c.res.status;
        span.setAttributes({ 'http.route': c.req.routePath, 'http.response.status_code': status });
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        if (isApiPath(c.req.path)) {
          c.header('server-timing', serverTimingHeader(timings, performance.now() - started), { append: true });
        }
        span.end();
      }
    });
  };
}
