// The tracer provider, set up by the entries (Node: one per process; Workers: one per isolate).
// Without an OTLP endpoint, a dev trace buffer or a test exporter there is no provider at all: the
// app gets the API's no-op tracer and tracing costs nothing beyond the no-op calls.
import type { Tracer } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createOtlpHttpExporter } from './otlp-http-exporter.js';
import { createRecentTraces, type RecentTraces } from './recent-traces.js';
import type { TracingSdk } from './sdk.js';
import { noopTracer, TRACER_NAME } from './tracer.js';

export interface TracingOptions {
  runtime: 'node' | 'workerd';
  /** OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_HEADERS. */
  otlp?: { endpoint: string; headers: Record<string, string> };
  /** Keep the latest traces in memory for GET /dev/traces. */
  keepRecent?: boolean;
  /** Tests: every span is handed to this exporter as soon as it ends. */
  spanExporter?: SpanExporter;
}

export interface Tracing {
  tracer: Tracer;
  recent: RecentTraces | undefined;
  /** Exports what is buffered (Workers: after each invocation's background work). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Workers: spans wait in memory until `forceFlush`, which each invocation calls in waitUntil — a timer
 * (BatchSpanProcessor's) could fire after the invocation ended, when its I/O is no longer allowed.
 */
function flushOnDemand(exporter: SpanExporter, maxSpans = 2048): SpanProcessor {
  let buffer: ReadableSpan[] = [];
  const exportBatch = (spans: ReadableSpan[]) =>
    new Promise<void>((resolve) => exporter.export(spans, () => resolve()));
  return {
    onStart() {},
    onEnd(span) {
      if (buffer.length >= maxSpans) buffer.shift();
      buffer.push(span);
    },
    async forceFlush() {
      while (buffer.length > 0) {
        const batch = buffer.slice(0, 512);
        buffer = buffer.slice(batch.length);
        await exportBatch(batch);
      }
      await exporter.forceFlush?.();
    },
    async shutdown() {
      await this.forceFlush();
      await exporter.shutdown();
    },
  };
}

/** Whether these options make a provider at all (otherwise the no-op tracer, and no SDK is needed). */
export function tracingWanted(options: TracingOptions): boolean {
  return options.otlp !== undefined || options.spanExporter !== undefined || options.keepRecent === true;
}

/** A part of the SDK that only some runtimes bundle (see TracingSdk), or why it is missing. */
function part<T>(value: T | undefined, name: string): T {
  if (!value) throw new Error(`createTracing: this runtime's OpenTelemetry SDK has no ${name}`);
  return value;
}

/** `sdk` may be undefined when `tracingWanted(options)` is false (see ./sdk.ts). */
export function createTracing(options: TracingOptions, sdk: TracingSdk | undefined): Tracing {
  if (!tracingWanted(options)) {
    return { tracer: noopTracer, recent: undefined, flush: async () => {}, shutdown: async () => {} };
  }
  if (!sdk) throw new Error('createTracing: tracing is wanted, but the OpenTelemetry SDK was not given');
  const spanProcessors: SpanProcessor[] = [];
  if (options.otlp) {
    const exporter = createOtlpHttpExporter({ ...options.otlp, serializer: sdk.JsonTraceSerializer });
    spanProcessors.push(
      options.runtime === 'node'
        ? new (part(sdk.BatchSpanProcessor, 'BatchSpanProcessor'))(exporter)
        : flushOnDemand(exporter),
    );
  }
  if (options.spanExporter) {
    spanProcessors.push(new (part(sdk.SimpleSpanProcessor, 'SimpleSpanProcessor'))(options.spanExporter));
  }
  const recent = options.keepRecent ? createRecentTraces() : undefined;
  if (recent) spanProcessors.push(recent);
  const provider = new sdk.BasicTracerProvider({
    resource: sdk.resourceFromAttributes({ 'service.name': 'finishline', 'finishline.runtime': options.runtime }),
    spanProcessors,
  });
  return {
    tracer: provider.getTracer(TRACER_NAME),
    recent,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
