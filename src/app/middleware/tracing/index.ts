// One `http.request` span per request (method, route pattern, status — never the URL: its query can
// carry search terms) and, on API responses, `Server-Timing: db;dur=…, provider;dur=…, total;dur=…`
// from the request's collector (`c.get('timings')`), which its views of the Store and Mailer feed
// (src/app/request-services.ts). Without a tracer provider there is no span to make: only the collector.
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { Context, MiddlewareHandler } from 'hono';
import { newTimings, type RequestTimings, serverTimingHeader } from '../../../tracing/timing.js';
import { isRecordingTracer } from '../../../tracing/tracer.js';
import { isApiPath } from '../../errors.js';
import { setResponseHeader } from '../after-next/index.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** This request's Server-Timing collector (set first, by `tracing`). */
    timings: RequestTimings;
  }
}

/** After the handler: background work no longer counts; API answers carry Server-Timing. */
function closeTimings(c: Context, timings: RequestTimings, started: number): void {
  // Background work after the response (fast-path attempts, fire-and-forget sends) no longer counts.
  timings.closed = true;
  if (isApiPath(c.req.path)) {
    setResponseHeader(c, 'server-timing', serverTimingHeader(timings, performance.now() - started), { append: true });
  }
}

export function tracing(tracer: Tracer): MiddlewareHandler {
  if (!isRecordingTracer(tracer)) {
    return async (c, next) => {
      const started = performance.now();
      const timings = newTimings();
      c.set('timings', timings);
      try {
        await next();
      } finally {
        closeTimings(c, timings, started);
      }
    };
  }
  return (c, next) => {
    const started = performance.now();
    const timings = newTimings();
    c.set('timings', timings);
    const attributes = { 'http.request.method': c.req.method };
    return tracer.startActiveSpan('http.request', { kind: SpanKind.SERVER, attributes }, async (span) => {
      try {
        await next();
      } finally {
        const status = c.res.status;
        span.setAttributes({ 'http.route': c.req.routePath, 'http.response.status_code': status });
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        closeTimings(c, timings, started);
        span.end();
      }
    });
  };
}
