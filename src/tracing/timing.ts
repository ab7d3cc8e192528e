// Server-Timing: a per-request collector that the request's own views of the Store and the Mailer
// feed (`timedViews`), handed to the handlers explicitly (`c.get('services')`,
// src/app/request-services.ts).
//
// Not carried in an AsyncLocalStorage context: on Node 20 one enabled AsyncLocalStorage turns on V8's
// promise hooks for every promise of the process (fetch, streams and pg make dozens per request), a
// cost every request would pay (docs/design.md, Architecture). A context manager is registered only
// when spans are recorded (src/runtime/node/service.ts).

export interface RequestTimings {
  /** Milliseconds spent in store calls (summed; concurrent calls each count). */
  db: number;
  /** Milliseconds waiting for the email provider inline. */
  provider: number;
  /** Set once the response's header is written: later (background) work no longer counts. */
  closed: boolean;
}

export type TimingMetric = 'db' | 'provider';

export function newTimings(): RequestTimings {
  return { db: 0, provider: 0, closed: false };
}

export function addTiming(timings: RequestTimings, metric: TimingMetric, ms: number): void {
  if (!timings.closed) timings[metric] += ms;
}

/**
 * Views of `target` (a port: an object of async methods) for one request each: the same methods, each
 * call's duration added to the request's `metric`. The wrappers are made once, here; a view is one
 * small object per request.
 */
export function timedViews<T extends object>(target: T, metric: TimingMetric): (timings: RequestTimings) => T {
  const methods: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    if (typeof value !== 'function') {
      methods[name] = value;
      continue;
    }
    const call = value as (...args: unknown[]) => Promise<unknown>;
    methods[name] = async function timed(this: { timings: RequestTimings }, ...args: unknown[]) {
      const started = performance.now();
      try {
        return await call.apply(target, args);
      } finally {
        addTiming(this.timings, metric, performance.now() - started);
      }
    };
  }
  return (timings) => {
    const view = Object.create(methods);
    view.timings = timings;
    return view as T;
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** `db;dur=3.2, provider;dur=41.0, total;dur=47.5` (RFC-style server-timing-metric list). */
export function serverTimingHeader(timings: RequestTimings, totalMs: number): string {
  const metrics = [`db;dur=${round(timings.db)}`];
  if (timings.provider > 0) metrics.push(`provider;dur=${round(timings.provider)}`);
  metrics.push(`total;dur=${round(totalMs)}`);
  return metrics.join(', ');
}
