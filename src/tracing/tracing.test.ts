import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, vi } from 'vitest';
import type { Store } from '../ports/store.js';
import { createOtlpHttpExporter } from './otlp-http-exporter.js';
import { createTracing, tracingWanted } from './provider.js';
import { createRecentTraces } from './recent-traces.js';
import { loadTracingSdk } from './sdk.js';
import { newTimings, serverTimingHeader, timedViews } from './timing.js';
import { tracedStore } from './traced-store.js';
import { formatTraceparent, linksTo, noopTracer, parseTraceparent } from './tracer.js';

describe('traceparent', () => {
  it('round-trips a span context and refuses anything else', () => {
    const value = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const parsed = parseTraceparent(value);
    expect(parsed).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' });
    expect(formatTraceparent(parsed)).toBe(value);
    for (const bad of [null, '', 'x', `00-${'0'.repeat(32)}-b7ad6b7169203331-01`, `${value}-extra`]) {
      expect(parseTraceparent(bad)).toBeUndefined();
    }
    expect(linksTo(null)).toEqual([]);
    expect(linksTo(value)).toHaveLength(1);
    expect(formatTraceparent(trace.getSpanContext(ROOT_CONTEXT))).toBeUndefined();
  });
});

describe('Server-Timing header', () => {
  it('is a comma-separated list of name;dur=ms, provider only when there was a wait', () => {
    expect(serverTimingHeader({ db: 3.21, provider: 0, closed: true }, 10.06)).toBe('db;dur=3.2, total;dur=10.1');
    expect(serverTimingHeader({ db: 1, provider: 41.04, closed: true }, 45)).toBe(
      'db;dur=1, provider;dur=41, total;dur=45',
    );
    expect(serverTimingHeader(newTimings(), 0)).toBe('db;dur=0, total;dur=0');
  });
});

describe('tracedStore', () => {
  it('makes a db.<method> span per call, records a failure without its message, keeps results', async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('t');
    const failure = Object.assign(new Error('Failed query: insert ... ada@example.com'), {
      cause: Object.assign(new Error('duplicate key'), { code: '23505' }),
    });
    const store = tracedStore(
      {
        ping: async () => {},
        findRegistration: async () => {
          throw failure;
        },
      } as unknown as Store,
      tracer,
    );
    await store.ping();
    await expect(store.findRegistration('id')).rejects.toBe(failure);
    const [ping, find] = exporter.getFinishedSpans();
    expect(ping?.name).toBe('db.ping');
    expect(find?.name).toBe('db.findRegistration');
    expect(find?.status.code).toBe(2);
    expect(JSON.stringify(find?.events)).not.toContain('ada@example.com');
    expect(find?.events[0]?.attributes?.['exception.message']).toBe('Error: 23505');
  });
});

describe('timedViews (Server-Timing without a context)', () => {
  it("adds each call's duration to its own request's collector until it is closed, failures included", async () => {
    // vitest's clock, not the machine's: a call takes exactly the time it waits, under any load.
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    try {
      const calls: unknown[][] = [];
      const store = {
        label: 'kept as is',
        async find(this: unknown, id: string, ms: number) {
          calls.push([this, id]);
          await new Promise((resolve) => setTimeout(resolve, ms));
          if (id === 'bad') throw new Error('no such row');
          return `row ${id}`;
        },
      };
      const viewFor = timedViews(store, 'db');
      const [a, b] = [newTimings(), newTimings()];
      const [viewA, viewB] = [viewFor(a), viewFor(b)];
      expect(viewA.label).toBe('kept as is');
      // Two requests' calls interleave: each collector gets its own calls only (concurrent ones each count).
      const results = Promise.all([viewA.find('1', 30), viewB.find('2', 5), viewA.find('3', 20)]);
      await vi.advanceTimersByTimeAsync(30);
      expect(await results).toEqual(['row 1', 'row 2', 'row 3']);
      expect(calls.every(([self]) => self === store)).toBe(true); // the port's own `this`
      expect(a.db).toBeCloseTo(50);
      expect(b.db).toBeCloseTo(5);
      expect(a.provider).toBe(0);

      const failure = expect(viewB.find('bad', 1)).rejects.toThrow('no such row');
      await vi.advanceTimersByTimeAsync(1);
      await failure;
      expect(b.db).toBeCloseTo(6);
      b.closed = true; // the response went out: background calls no longer count
      const late = viewB.find('4', 5);
      await vi.advanceTimersByTimeAsync(5);
      await late;
      expect(b.db).toBeCloseTo(6);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('createOtlpHttpExporter', () => {
  it('POSTs OTLP JSON to <endpoint>/v1/traces with the configured headers', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const exporter = createOtlpHttpExporter({
      endpoint: 'https://collector.example/',
      headers: { 'x-api-key': 'k' },
      serializer: JsonTraceSerializer,
      fetch: async (url, init) => {
        calls.push({ url: String(url), init: init ?? {} });
        return new Response('{}', { status: 200 });
      },
    });
    const memory = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('t');
    tracer.startSpan('one').end();
    const result = await new Promise<{ code: number }>((resolve) =>
      exporter.export(memory.getFinishedSpans(), resolve),
    );
    expect(result.code).toBe(0);
    expect(calls[0]?.url).toBe('https://collector.example/v1/traces');
    expect(calls[0]?.init.headers).toMatchObject({ 'x-api-key': 'k', 'content-type': 'application/json' });
    const body = JSON.parse(new TextDecoder().decode(calls[0]?.init.body as Uint8Array));
    expect(body.resourceSpans[0].scopeSpans[0].spans[0].name).toBe('one');
  });

  it('reports a failure (never throws) when the collector is down', async () => {
    const exporter = createOtlpHttpExporter({
      endpoint: 'http://127.0.0.1:9',
      serializer: JsonTraceSerializer,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const result = await new Promise<{ code: number }>((resolve) => exporter.export([{} as never], resolve));
    expect(result.code).toBe(1);
    await exporter.shutdown();
  });
});

describe('recent traces (dev view memory)', () => {
  it('groups requests with the background spans linked to them, newest first, within a bounded buffer', () => {
    const recent = createRecentTraces(50);
    const tracer = new BasicTracerProvider({ spanProcessors: [recent] }).getTracer('t');
    const requests = [1, 2].map((n) => {
      const request = tracer.startSpan('http.request', { attributes: { 'http.route': `/r${n}` } });
      const child = tracer.startSpan('db.ping', {}, trace.setSpan(context.active(), request));
      child.end();
      request.end();
      const attempt = tracer.startSpan('task.attempt', { root: true, links: [{ context: request.spanContext() }] });
      tracer.startSpan('resend.send', {}, trace.setSpan(ROOT_CONTEXT, attempt)).end();
      attempt.end();
      return request;
    });
    const listed = recent.requests();
    expect(listed.map((r) => r.request.attributes['http.route'])).toEqual(['/r2', '/r1']);
    expect(listed[1]?.request.spanContext().spanId).toBe(requests[0]?.spanContext().spanId);
    expect(listed[1]?.spans.map((s) => s.name)).toEqual(['db.ping']);
    expect(listed[1]?.background.map((s) => s.name)).toEqual(['task.attempt', 'resend.send']);

    for (let i = 0; i < 60; i++) tracer.startSpan('noise').end();
    expect(recent.requests()).toEqual([]);
  });
});

describe('createTracing', () => {
  it('without anything to trace: the no-op tracer, and no SDK needed', () => {
    const tracing = createTracing({ runtime: 'node' }, undefined);
    expect(tracingWanted({ runtime: 'node' })).toBe(false);
    expect(tracing.tracer).toBe(noopTracer);
  });

  it('with something to trace: a provider built from the SDK it is given (loaded on demand on Node)', async () => {
    const memory = new InMemorySpanExporter();
    const options = { runtime: 'node' as const, spanExporter: memory };
    expect(tracingWanted(options)).toBe(true);
    expect(() => createTracing(options, undefined)).toThrow(/SDK/);
    const tracing = createTracing(options, await loadTracingSdk());
    tracing.tracer.startSpan('traced').end();
    expect(memory.getFinishedSpans().map((s) => s.name)).toEqual(['traced']);
    await tracing.shutdown();
  });

  it("a Worker's SDK has no span processor of Node's: OTLP spans wait for the flush; Node's are refused", async () => {
    const { BatchSpanProcessor: _batch, SimpleSpanProcessor: _simple, ...workers } = await loadTracingSdk();
    const otlp = { endpoint: 'http://127.0.0.1:9/v1/traces', headers: {} };
    await createTracing({ runtime: 'workerd', otlp }, workers).shutdown();
    expect(() => createTracing({ runtime: 'node', otlp }, workers)).toThrow(/no BatchSpanProcessor/);
    const spanExporter = new InMemorySpanExporter();
    expect(() => createTracing({ runtime: 'workerd', spanExporter }, workers)).toThrow(/no SimpleSpanProcessor/);
  });
});
