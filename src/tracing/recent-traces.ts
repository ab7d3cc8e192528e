// The dev trace view's memory: a span processor keeping the latest ended spans in a ring buffer, and
// the grouping of them into requests, each with the background work it caused (spans LINKED to its
// trace, e.g. the outbox attempts, with their children). Development only (no Resend key).
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface RequestTrace {
  /** The `http.request` span. */
  request: ReadableSpan;
  /** Every span of the request's trace except the request span, in start order. */
  spans: ReadableSpan[];
  /** Spans of other traces linked to this one (task attempts) and their descendants, in start order. */
  background: ReadableSpan[];
}

export interface RecentTraces extends SpanProcessor {
  /** The latest requests, newest first. */
  requests(limit?: number): RequestTrace[];
}

const startOf = (s: ReadableSpan) => s.startTime[0] * 1e3 + s.startTime[1] / 1e6;

export function createRecentTraces(maxSpans = 5000, skipRoutes: string[] = ['/dev/traces']): RecentTraces {
  const buffer: (ReadableSpan | undefined)[] = new Array(maxSpans);
  let next = 0;
  let size = 0;

  function all(): ReadableSpan[] {
    const spans: ReadableSpan[] = [];
    for (let i = 0; i < size; i++) {
      const span = buffer[(next - size + i + maxSpans) % maxSpans];
      if (span) spans.push(span);
    }
    return spans;
  }

  return {
    onStart(_span: Span, _parent: Context) {},
    onEnd(span: ReadableSpan) {
      // Sweeps (every few seconds, mostly empty) would push the requests out; the view shows a retry
      // through its link to the request, not through its sweep.
      if (span.name === 'sweeper.run' || span.name === 'db.claimTasks') return;
      buffer[next] = span;
      next = (next + 1) % maxSpans;
      size = Math.min(size + 1, maxSpans);
    },
    async forceFlush() {},
    async shutdown() {},

    requests(limit = 50) {
      const spans = all();
      const byTrace = new Map<string, ReadableSpan[]>();
      const children = new Map<string, ReadableSpan[]>();
      const linkedTo = new Map<string, ReadableSpan[]>();
      for (const span of spans) {
        const { traceId } = span.spanContext();
        byTrace.set(traceId, [...(byTrace.get(traceId) ?? []), span]);
        const parent = span.parentSpanContext?.spanId;
        if (parent) children.set(parent, [...(children.get(parent) ?? []), span]);
        for (const link of span.links) {
          linkedTo.set(link.context.traceId, [...(linkedTo.get(link.context.traceId) ?? []), span]);
        }
      }
      const descendants = (span: ReadableSpan): ReadableSpan[] =>
        (children.get(span.spanContext().spanId) ?? []).flatMap((child) => [child, ...descendants(child)]);

      const requests = spans
        .filter((s) => s.name === 'http.request' && !s.parentSpanContext)
        .filter((s) => !skipRoutes.includes(String(s.attributes['http.route'] ?? '')))
        .slice(-limit)
        .reverse();
      return requests.map((request) => {
        const traceId = request.spanContext().traceId;
        const own = (byTrace.get(traceId) ?? []).filter((s) => s !== request).sort((a, b) => startOf(a) - startOf(b));
        const linked = linkedTo.get(traceId) ?? [];
        // A batch's span is linked to each of its tasks' requests: the other tasks' attempts under it
        // belong to their own requests, and this task's attempt is listed once.
        const background = [...new Set(linked.flatMap((s) => [s, ...descendants(s)]))]
          .filter((s) => s.name !== 'task.attempt' || linked.includes(s))
          .sort((a, b) => startOf(a) - startOf(b));
        return { request, spans: own, background };
      });
    },
  };
}
