// tracedStore(store, tracer): a store (the Store port, the task store) with a span per call
// (`db.<method>`). Arguments are never recorded (they carry runners' data). With the no-op tracer
// there is nothing to record: the store itself. (A request's db time for Server-Timing is counted by
// its own view of the store: src/tracing/timing.ts.)
import { SpanKind, type Tracer } from '@opentelemetry/api';
import { isRecordingTracer, recordError } from './tracer.js';

export function tracedStore<T extends object>(store: T, tracer: Tracer): T {
  if (!isRecordingTracer(tracer)) return store;
  const traced = {} as Record<string, unknown>;
  for (const [method, fn] of Object.entries(store) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    if (typeof fn !== 'function') {
      traced[method] = fn;
      continue;
    }
    const name = `db.${method}`;
    const attributes = { 'db.system.name': 'postgresql', 'db.operation.name': method };
    traced[method] = (...args: unknown[]) =>
      tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
        try {
          return await fn(...args);
        } catch (error) {
          recordError(span, error);
          throw error;
        } finally {
          span.end();
        }
      });
  }
  return traced as T;
}
