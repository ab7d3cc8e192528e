// A small OTLP/HTTP JSON span exporter on fetch: one code path for Node and workerd (the official
// exporters pick http/XHR/sendBeacon per platform). POST `${endpoint}/v1/traces`, application/json,
// with OTEL_EXPORTER_OTLP_HEADERS. Spans are serialised by @opentelemetry/otlp-transformer.
import type { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0];
// ExportResultCode (@opentelemetry/core): SUCCESS = 0, FAILED = 1.
const SUCCESS = 0 as ExportResult['code'];
const FAILED = 1 as ExportResult['code'];

export interface OtlpHttpExporterOptions {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL; `/v1/traces` is appended. */
  endpoint: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** @opentelemetry/otlp-transformer's, passed in so that nothing loads it before tracing is on (./sdk.ts). */
  serializer: typeof JsonTraceSerializer;
}

export function createOtlpHttpExporter(options: OtlpHttpExporterOptions): SpanExporter {
  const url = `${options.endpoint.replace(/\/+$/, '')}/v1/traces`;
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  async function post(spans: ReadableSpan[]): Promise<ExportResult> {
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers: { ...options.headers, 'content-type': 'application/json' },
        body: options.serializer.serializeRequest(spans) as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      // Drain the body so the connection can be reused (and workerd does not warn).
      await response.arrayBuffer().catch(() => {});
      if (response.ok) return { code: SUCCESS };
      return { code: FAILED, error: new Error(`OTLP endpoint answered ${response.status}`) };
    } catch (error) {
      return { code: FAILED, error: error instanceof Error ? error : new Error('OTLP export failed') };
    }
  }

  return {
    export(spans, resultCallback) {
      if (stopped || spans.length === 0) {
        resultCallback({ code: stopped ? FAILED : SUCCESS });
        return;
      }
      const done: Promise<void> = post(spans).then((result) => {
        inFlight.delete(done);
        resultCallback(result);
      });
      inFlight.add(done);
    },
    async forceFlush() {
      await Promise.all(inFlight);
    },
    async shutdown() {
      stopped = true;
      await Promise.all(inFlight);
    },
  };
}
