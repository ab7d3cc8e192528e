// The OpenTelemetry SDK parts a tracer provider is built from. Without an OTLP endpoint, the dev
// traces page or a test's exporter there is no provider (src/tracing/provider.ts), and a Node process
// then never loads them: they are ~15 MB of resident memory a small server would hold for nothing.
// Node loads them on demand (loadTracingSdk); a Worker imports them statically (workers/tracing-sdk.ts),
// as its bundle is loaded whole anyway.
import type { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { resourceFromAttributes } from '@opentelemetry/resources';
import type { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface TracingSdk {
  BasicTracerProvider: typeof BasicTracerProvider;
  resourceFromAttributes: typeof resourceFromAttributes;
  JsonTraceSerializer: typeof JsonTraceSerializer;
  /**
   * Node's: OTLP batches on a timer, and a test's exporter span by span (provider.ts). A Worker makes
   * neither (its spans wait for the invocation's flush), so its SDK leaves them out of the upload
   * (workers/tracing-sdk.ts).
   */
  BatchSpanProcessor?: typeof BatchSpanProcessor;
  SimpleSpanProcessor?: typeof SimpleSpanProcessor;
}

export async function loadTracingSdk(): Promise<TracingSdk> {
  const [base, resources, transformer] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/otlp-transformer'),
  ]);
  return {
    BasicTracerProvider: base.BasicTracerProvider,
    BatchSpanProcessor: base.BatchSpanProcessor,
    SimpleSpanProcessor: base.SimpleSpanProcessor,
    resourceFromAttributes: resources.resourceFromAttributes,
    JsonTraceSerializer: transformer.JsonTraceSerializer,
  };
}
