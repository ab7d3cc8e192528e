// Tracing helpers over the vendor-neutral @opentelemetry/api: our code only ever talks to this API.
// Without a configured provider every tracer is the API's no-op one (nothing recorded, nothing sent).
//
// Attributes carry ids, codes, counts and durations only — never an email, a name or an address.
import {
  type Attributes,
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  type Link,
  type Span,
  type SpanContext,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { describeError } from '../ports/errors.js';

export type { Span, Tracer };

export const TRACER_NAME = 'finishline';

/** The API's tracer: a no-op until a provider is registered (we never register one globally). */
export const noopTracer: Tracer = trace.getTracer(TRACER_NAME);

/**
 * Whether `tracer` records anything. The no-op tracer's spans are empty, yet starting an active one
 * still costs a context switch (AsyncLocalStorage) and a few objects per call: with no provider the
 * helpers below, the request middleware and the store and mailer wrappers skip that work.
 */
export function isRecordingTracer(tracer: Tracer): boolean {
  return tracer !== noopTracer;
}

/** What the no-op tracer would hand out: a span that records nothing (and names no trace). */
export const NOOP_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Marks a span failed with a data-free description of the error (no message text from drivers). */
export function recordError(span: Span, error: unknown): void {
  const description = describeError(error);
  span.recordException({ name: error instanceof Error ? error.name : 'Error', message: description });
  span.setStatus({ code: SpanStatusCode.ERROR, message: description });
}

/** Runs `work` inside a new active span; a throw is recorded (data-free) and rethrown. */
export function inSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  parent?: Context,
): Promise<T> {
  const run = async (span: Span) => {
    try {
      return await work(span);
    } catch (error) {
      recordError(span, error);
      throw error;
    } finally {
      span.end();
    }
  };
  if (!isRecordingTracer(tracer)) {
    // No span to make active; a given parent context is still the one the work runs in.
    return parent ? context.with(parent, run, undefined, NOOP_SPAN) : run(NOOP_SPAN);
  }
  return parent
    ? tracer.startActiveSpan(name, { attributes }, parent, run)
    : tracer.startActiveSpan(name, { attributes }, run);
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** W3C `traceparent` of a span context (what a task row keeps of the request that caused it). */
export function formatTraceparent(span: SpanContext | undefined): string | undefined {
  if (!span || !trace.isSpanContextValid(span)) return undefined;
  return `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

export function parseTraceparent(value: string | null | undefined): SpanContext | undefined {
  const match = value ? TRACEPARENT.exec(value) : null;
  if (!match) return undefined;
  const context: SpanContext = {
    traceId: match[1] as string,
    spanId: match[2] as string,
    traceFlags: Number.parseInt(match[3] as string, 16),
    isRemote: true,
  };
  return trace.isSpanContextValid(context) ? context : undefined;
}

/** A span link to the trace a `traceparent` names, if any. */
export function linksTo(traceparent: string | null | undefined, attributes?: Attributes): Link[] {
  const context = parseTraceparent(traceparent);
  return context ? [{ context, attributes }] : [];
}
