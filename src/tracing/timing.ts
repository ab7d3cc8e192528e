// Server-Timing: a per-request collector carried in the active (OpenTelemetry) context, fed by the same
// Store and Mailer wrappers that make the spans. Works wherever a context manager is registered (the
// entries register an AsyncLocalStorage one, on Node and in workerd).
import { type Context, context, createContextKey } from '@opentelemetry/api';

export interface RequestTimings {
  /** Milliseconds spent in store calls (summed; concurrent calls each count). */
  db: number;
  /** Milliseconds waiting for the email provider inline. */
  provider: number;
  /** Set once the response's header is written: later (background) work no longer counts. */
  closed: boolean;
}

const TIMINGS = createContextKey('finishline.request-timings');

export function newTimings(): RequestTimings {
  return { db: 0, provider: 0, closed: false };
}

export function withTimings(ctx: Context, timings: RequestTimings): Context {
  return ctx.setValue(TIMINGS, timings);
}

/** The context without a collector: provider calls hide their own store calls from `db`. */
export function withoutTimings(ctx: Context): Context {
  return ctx.deleteValue(TIMINGS);
}

export function activeTimings(): RequestTimings | undefined {
  return context.active().getValue(TIMINGS) as RequestTimings | undefined;
}

export function addTiming(timings: RequestTimings | undefined, metric: 'db' | 'provider', ms: number): void {
  if (timings && !timings.closed) timings[metric] += ms;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** `db;dur=3.2, provider;dur=41.0, total;dur=47.5` (RFC-style server-timing-metric list). */
export function serverTimingHeader(timings: RequestTimings, totalMs: number): string {
  const metrics = [`db;dur=${round(timings.db)}`];
  if (timings.provider > 0) metrics.push(`provider;dur=${round(timings.provider)}`);
  metrics.push(`total;dur=${round(totalMs)}`);
  return metrics.join(', ');
}
