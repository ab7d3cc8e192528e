// Request spans and Server-Timing, over app.request(): with the API's no-op tracer (production's default:
// only the per-request collector) and with a recording one (an in-memory exporter). Durations are the
// clock's: the tests check what the handler fed the collector, and the shape of `total`.
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../ports/logger.js';
import { addTiming, type RequestTimings } from '../../../tracing/timing.js';
import { noopTracer, type Tracer } from '../../../tracing/tracer.js';
import { apiErrors, handleError } from '../../errors.js';
import { tracing } from './index.js';

const TOTAL = String.raw`total;dur=\d+(\.\d)?`;

let seen: { timings: RequestTimings | undefined; spanId: string | undefined }[];

function tracedApp(tracer: Tracer) {
  const app = new Hono();
  app.use(tracing(tracer));
  const remember = (timings: RequestTimings | undefined) =>
    seen.push({ timings, spanId: trace.getActiveSpan()?.spanContext().spanId });
  app.get('/api/registrations/:id', (c) => {
    remember(c.get('timings'));
    addTiming(c.get('timings'), 'db', 3.21);
    if (c.req.param('id') === 'emailed') addTiming(c.get('timings'), 'provider', 41.04);
    return c.json({ id: c.req.param('id') });
  });
  app.get('/api/cached', (c) => {
    remember(c.get('timings'));
    return c.json({}, 200, { 'server-timing': 'cache;desc=hit' });
  });
  app.post('/api/registrations', (c) => {
    remember(c.get('timings'));
    throw apiErrors.validationFailed([{ path: 'email', message: 'must be an email address' }]);
  });
  app.get('/api/broken', (c) => {
    remember(c.get('timings'));
    throw new Error('driver said: ada@example.com');
  });
  for (const path of ['/', '/registrations/:id', '/apix', '/api', '/healthz', '/metrics']) {
    app.get(path, (c) => {
      remember(c.get('timings'));
      return c.text('ok');
    });
  }
  app.onError(handleError(silentLogger));
  return app;
}

beforeEach(() => {
  seen = [];
});

describe('tracing with the no-op tracer', () => {
  const app = tracedApp(noopTracer);

  it('puts what the request’s store and mailer took into Server-Timing, then the total', async () => {
    const res = await app.request('/api/registrations/r1');
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toMatch(new RegExp(`^db;dur=3\\.2, ${TOTAL}$`));
    const emailed = await app.request('/api/registrations/emailed');
    expect(emailed.headers.get('server-timing')).toMatch(new RegExp(`^db;dur=3\\.2, provider;dur=41, ${TOTAL}$`));
    expect(await emailed.json()).toEqual({ id: 'emailed' });
  });

  it('says db;dur=0 when nothing was timed, and adds to a Server-Timing the handler set', async () => {
    const res = await app.request('/api/cached');
    expect(res.headers.get('server-timing')).toMatch(new RegExp(`^cache;desc=hit, db;dur=0, ${TOTAL}$`));
  });

  it('times error answers too: 422 and 500 in the envelope', async () => {
    const invalid = await app.request('/api/registrations', { method: 'POST' });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get('server-timing')).toMatch(new RegExp(`^db;dur=0, ${TOTAL}$`));
    expect((await invalid.json()).error.code).toBe('validation_failed');
    const broken = await app.request('/api/broken');
    expect(broken.status).toBe(500);
    expect(broken.headers.get('server-timing')).toMatch(new RegExp(`^db;dur=0, ${TOTAL}$`));
  });

  it('adds Server-Timing to the API and machine endpoints only, never to pages', async () => {
    for (const path of ['/api', '/healthz', '/metrics']) {
      expect((await app.request(path)).headers.get('server-timing'), path).toMatch(new RegExp(`^db;dur=0, ${TOTAL}$`));
    }
    for (const path of ['/', '/registrations/r1', '/apix']) {
      expect((await app.request(path)).headers.get('server-timing'), path).toBeNull();
    }
    // Pages get a collector all the same (their store calls are counted, never shown).
    expect(seen).toHaveLength(6);
    for (const { timings } of seen) expect(timings).toEqual({ db: 0, provider: 0, closed: true });
  });

  it('closes the collector once the answer is made: later (background) work no longer counts', async () => {
    await app.request('/api/registrations/r1');
    const timings = seen[0]!.timings!;
    expect(timings).toEqual({ db: 3.21, provider: 0, closed: true });
    addTiming(timings, 'db', 100);
    addTiming(timings, 'provider', 100);
    expect(timings).toEqual({ db: 3.21, provider: 0, closed: true });
  });

  it('makes no span', async () => {
    await app.request('/api/registrations/r1');
    expect(seen[0]!.spanId).toBeUndefined();
  });
});

describe('tracing with a recording tracer', () => {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('test');
  const app = tracedApp(tracer);
  const spans = () => exporter.getFinishedSpans();

  // As the Node service does when spans are recorded: the active span follows the handler's async work.
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(() => {
    context.disable();
  });
  beforeEach(() => {
    exporter.reset();
  });

  it('makes one ended http.request server span per request: method, route pattern, status', async () => {
    const res = await app.request('/api/registrations/r-123?email=ada%40example.com');
    expect(res.status).toBe(200);
    const [span, ...others] = spans();
    expect(others).toEqual([]);
    expect(span!.name).toBe('http.request');
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': '/api/registrations/:id',
      'http.response.status_code': 200,
    });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.ended).toBe(true);
    // Never the URL: its path carries ids and its query search terms.
    expect(JSON.stringify(span!.attributes)).not.toMatch(/r-123|ada/);
  });

  it('runs the handler inside the request span', async () => {
    await app.request('/api/registrations/r1');
    expect(seen[0]!.spanId).toBe(spans()[0]!.spanContext().spanId);
  });

  it('keeps Server-Timing and closes the collector as without spans', async () => {
    const res = await app.request('/api/registrations/emailed');
    expect(res.headers.get('server-timing')).toMatch(new RegExp(`^db;dur=3\\.2, provider;dur=41, ${TOTAL}$`));
    expect(seen[0]!.timings).toEqual({ db: 3.21, provider: 41.04, closed: true });
    expect((await app.request('/')).headers.get('server-timing')).toBeNull();
  });

  it('records the status the client got: a 4xx leaves the span unset, a 5xx marks it failed', async () => {
    expect((await app.request('/api/registrations', { method: 'POST' })).status).toBe(422);
    expect((await app.request('/api/broken')).status).toBe(500);
    const [invalid, broken] = spans();
    expect(invalid!.attributes).toMatchObject({ 'http.route': '/api/registrations', 'http.response.status_code': 422 });
    expect(invalid!.status.code).toBe(SpanStatusCode.UNSET);
    expect(broken!.attributes).toMatchObject({ 'http.route': '/api/broken', 'http.response.status_code': 500 });
    expect(broken!.status.code).toBe(SpanStatusCode.ERROR);
    // The error's message (a driver's, which may carry data) is not on the span.
    expect(JSON.stringify([broken!.attributes, broken!.events, broken!.status])).not.toContain('ada@example.com');
  });
});
