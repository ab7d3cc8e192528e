// The OpenTelemetry SDK parts, imported statically: a Worker's bundle is loaded whole, once per isolate
// (src/tracing/sdk.ts says why Node loads them on demand instead). Named imports keep the bundle lean,
// and only what a Worker makes: no BatchSpanProcessor (spans wait for the invocation's flush instead,
// src/tracing/provider.ts) and no SimpleSpanProcessor (tests' exporters are Node's), about 2 KiB gzip.
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { TracingSdk } from '../../tracing/sdk.js';

export const WORKERS_TRACING_SDK: TracingSdk = {
  BasicTracerProvider,
  resourceFromAttributes,
  JsonTraceSerializer,
};
