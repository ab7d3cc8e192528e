// tracedStore(store, tracer): the Store port with a span per call (`db.<method>`) and its duration
// added to the request's Server-Timing `db`. Arguments are never recorded (they carry runners' data).
import { SpanKind, type Tracer } from '@opentelemetry/api';
import type { Store } from '../ports/store.js';
import { activeTimings, addTiming } from './timing.js';
import { recordError } from './tracer.js';

export function tracedStore(store: Store, tracer: Tracer): Store {
  const traced = {} as Record<string, unknown>;
  for (const [method, fn] of Object.entries(store) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    if (typeof fn !== 'function') {
      traced[method] = fn;
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
  return traced as unknown as Store;
}
