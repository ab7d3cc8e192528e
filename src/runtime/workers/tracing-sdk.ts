// The OpenTelemetry SDK parts, imported statically: a Worker's bundle is loaded whole, once per isolate
// (src/tracing/sdk.ts says why Node loads them on demand instead). Named imports keep the bundle lean.
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TracingSdk } from '../../tracing/sdk.js';

export const WORKERS_TRACING_SDK: TracingSdk = {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  resourceFromAttributes,
  JsonTraceSerializer,
};
