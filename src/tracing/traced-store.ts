// tracedStore(store, tracer): a store (the Store port, the task store) with a span per call
// (`db.<method>`) and its duration added to the request's Server-Timing `db`. Arguments are never
// recorded (they carry runners' data).
import { SpanKind, type Tracer } from '@opentelemetry/api';
import { activeTimings, addTiming } from './timing.js';
import { isRecordingTracer, recordError } from './tracer.js';

export function tracedStore<T extends object>(store: T, tracer: Tracer): T {
  const traced = {} as Record<string, unknown>;
  for (const [method, fn] of Object.entries(store) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    if (typeof fn !== 'function') {
      traced[method] = fn;
      continue;
    }
    if (!isRecordingTracer(tracer)) {
      // No spans: only the request's db time, when the call is part of a request.
      traced[method] = async (...args: unknown[]) => {
        const timings = activeTimings();
        if (!timings) return fn(...args);
        const started = performance.now();
        try {
          return await fn(...args);
        } finally {
          addTiming(timings, 'db', performance.now() - started);
        }
      };
      continue;
    }
    const name = `db.${method}`;
    const attributes = { 'db.system.name': 'postgresql', 'db.operation.name': method };
    traced[method] = (...args: unknown[]) => {
      const timings = activeTimings();
      const started = performance.now();
      return tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
        try {
          return await fn(...args);
        } catch (error) {
          recordError(span, error);
          throw error;
        } finally {
          addTiming(timings, 'db', performance.now() - started);
          span.end();
        }
      });
    };
  }
  return traced as T;
}
