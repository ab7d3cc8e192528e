// Traces of every request and its background work (Node, in process): spans with an in-memory
// exporter, the attempt LINKED to the request's trace, errors recorded, no personal data; the
// Server-Timing header; and the OTLP/HTTP export to a receiver.
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/ports/logger.js';
import { type NodeService, startNodeService } from '../../src/runtime/node/service.js';
import { runner } from '../support/fixtures.js';
import { eventually } from '../support/http.js';
import { startOtlpReceiver } from '../support/otlp-receiver.js';
import { useDatabase, useStack } from '../support/stack.js';
import { startNodeTarget } from '../support/targets.js';

const FAST_RETRIES = {
  TASK_RETRY_BASE_MS: '50',
  TASK_RETRY_MAX_MS: '100',
  TASK_SWEEP_INTERVAL_MS: '50',
  TASK_TIMEOUT_MS: '5000',
  EMAIL_RATE_LIMIT_PER_SEC: '100',
  RATE_LIMIT_PER_MINUTE: '0',
};

/** A runner whose every personal field is unique, so a leak is easy to spot. */
function distinctiveRunner() {
  const tag = Math.random().toString(36).slice(2, 10);
  return runner({
    firstName: `Firstname${tag}`,
    lastName: `Lastname${tag}`,
    address: `${tag} Secret Street\nHometown`,
    email: `private-${tag}@example.com`,
  });
}

function register(service: Pick<NodeService, 'url'>, path: string, body: unknown) {
  return fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const idOf = (s: ReadableSpan) => s.spanContext().spanId;
const traceOf = (s: ReadableSpan) => s.spanContext().traceId;
const ms = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;

/** `name;dur=12.3, name2;dur=4` → { name: 12.3, name2: 4 }; throws on anything malformed. */
function parseServerTiming(header: string | null): Record<string, number> {
  if (!header) throw new Error('no Server-Timing header');
  const metrics: Record<string, number> = {};
  for (const part of header.split(',')) {
    const match = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+);dur=(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!match) throw new Error(`malformed Server-Timing metric: ${part}`);
    metrics[match[1] as string] = Number(match[2]);
  }
  return metrics;
}

describe('tracing on Node', () => {
  // The service is started here rather than as the stack's target: it records into `exporter`.
  const stack = useStack('fl_tracing', null);
  let service: NodeService;
  const exporter = new InMemorySpanExporter();
  const spans = () => exporter.getFinishedSpans();

  beforeAll(async () => {
    service = await startNodeService(
      {
        PORT: '0',
        DATABASE_URL: stack.db.url,
        RESEND_API_KEY: stack.resend.apiKey,
        RESEND_BASE_URL: stack.resend.url,
        // The sequential strategy's Server-Timing is traced here; its route is off outside dev mode.
        STRATEGY_ROUTES: 'on',
        ...FAST_RETRIES,
      },
      silentLogger,
      { spanExporter: exporter },
    );
  });
  afterAll(async () => {
    await service?.stop();
  });
  beforeEach(() => {
    stack.resend.reset();
    exporter.reset();
  });

  /** The request span of the registration, and the attempt spans linked to its trace. */
  function requestAndAttempts(route: string) {
    const request = spans().find((s) => s.name === 'http.request' && s.attributes['http.route'] === route);
    if (!request) throw new Error(`no request span for ${route}`);
    const attempts = spans()
      .filter((s) => s.name === 'task.attempt' && s.links.some((l) => l.context.traceId === traceOf(request)))
      .sort((a, b) => Number(a.attributes['task.attempt']) - Number(b.attributes['task.attempt']));
    return { request, attempts };
  }

  it('a registration: a request span, then an attempt span LINKED to its trace with the provider call as its child', async () => {
    const res = await register(service, '/api/registrations', distinctiveRunner());
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await eventually(() => expect(requestAndAttempts('/api/registrations').attempts).toHaveLength(1));

    const { request, attempts } = requestAndAttempts('/api/registrations');
    expect(request.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 201 });
    expect(request.parentSpanContext).toBeUndefined();

    // Inside the request's trace: validation, the enqueue, and its one statement.
    const inRequest = spans().filter((s) => traceOf(s) === traceOf(request));
    const named = (name: string) => inRequest.find((s) => s.name === name);
    expect(named('validation')?.parentSpanContext?.spanId).toBe(idOf(request));
    const enqueue = named('task.enqueue');
    expect(enqueue?.parentSpanContext?.spanId).toBe(idOf(request));
    expect(enqueue?.attributes['registration.id']).toBe(id);
    expect(named('db.insertRegistrationWithTask')?.parentSpanContext?.spanId).toBe(idOf(enqueue as ReadableSpan));

    // The attempt: in a trace of its own (its batch's, here of one), linked to the request's, after the
    // request started.
    const [attempt] = attempts as [ReadableSpan];
    expect(traceOf(attempt)).not.toBe(traceOf(request));
    const batch = spans().find((s) => s.name === 'batch.send' && idOf(s) === attempt.parentSpanContext?.spanId);
    expect(batch?.parentSpanContext).toBeUndefined();
    expect(batch?.attributes).toMatchObject({ 'batch.size': 1, 'batch.id': expect.any(String) });
    expect(batch?.links.map((l) => l.context.traceId)).toEqual([traceOf(request)]);
    expect(ms(attempt.startTime)).toBeGreaterThanOrEqual(ms(request.startTime));
    expect(attempt.attributes).toMatchObject({
      'task.kind': 'send-confirmation-email',
      'task.attempt': 1,
      'task.outcome': 'succeeded',
    });
    const [task] = await stack.db.query<{ id: string; trace_parent: string }>(
      'SELECT id, trace_parent FROM tasks WHERE registration_id = $1',
      [id],
    );
    expect(attempt.attributes['task.id']).toBe(task?.id);
    expect(task?.trace_parent).toMatch(new RegExp(`^00-${traceOf(request)}-[0-9a-f]{16}-01$`));

    // The provider call is the batch's; the batch id is its Idempotency-Key.
    const send = spans().find((s) => s.name === 'resend.send' && s.parentSpanContext?.spanId === idOf(batch!));
    expect(send?.attributes).toMatchObject({
      'http.response.status_code': 200,
      'mail.idempotency_key': batch?.attributes['batch.id'],
    });
    expect(send?.status.code).not.toBe(SpanStatusCode.ERROR);
    // The batch's own statements (forming it, recording it) are in the attempt's trace.
    for (const name of ['db.formBatch', 'db.finishBatch']) {
      expect(spans().some((s) => s.name === name && traceOf(s) === traceOf(attempt))).toBe(true);
    }
  });

  it('a failed attempt records the error and status ERROR; the sweeper retry links to the same request', async () => {
    stack.resend.failNext(1, 'error500');
    const res = await register(service, '/api/registrations', distinctiveRunner());
    expect(res.status).toBe(201);
    await eventually(() => {
      const { attempts } = requestAndAttempts('/api/registrations');
      expect(attempts.map((a) => a.attributes['task.outcome'])).toEqual(['retry-scheduled', 'succeeded']);
    });
    const { attempts } = requestAndAttempts('/api/registrations');
    const [failed, retried] = attempts as [ReadableSpan, ReadableSpan];
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    const exception = failed.events.find((e) => e.name === 'exception');
    // The provider answered (nothing was sent): the batch may be re-formed.
    expect(exception?.attributes?.['exception.message']).toBe('AnsweredError: application_error');

    const failedSend = spans().find(
      (s) => s.name === 'resend.send' && s.parentSpanContext?.spanId === failed.parentSpanContext?.spanId,
    );
    expect(failedSend?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failedSend?.attributes).toMatchObject({
      'http.response.status_code': 500,
      'mail.error.code': 'application_error',
      'mail.error.retryable': true,
    });

    // The retry's batch ran in a sweeper run (its parent), linked through the task row's trace_parent.
    const retryBatch = spans().find((s) => s.name === 'batch.send' && idOf(s) === retried.parentSpanContext?.spanId);
    const sweep = spans().find((s) => s.name === 'sweeper.run' && idOf(s) === retryBatch?.parentSpanContext?.spanId);
    expect(sweep?.attributes['sweeper.claimed']).toBeGreaterThanOrEqual(1);
    expect(retried.attributes['task.attempt']).toBe(2);
    expect(retried.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('no span name, attribute, event or link carries the runner’s email, names or address', async () => {
    const input = distinctiveRunner();
    stack.resend.failNext(1, 'error500');
    await register(service, '/api/registrations', input);
    await register(service, '/api/marathon-sequential', distinctiveRunner());
    await register(service, '/api/registrations', input); // 409: already registered
    await register(service, '/api/registrations', { ...input, email: 'not-an-email' }); // 422
    await eventually(() =>
      expect(requestAndAttempts('/api/registrations').attempts.map((a) => a.attributes['task.outcome'])).toContain(
        'succeeded',
      ),
    );
    const dump = JSON.stringify(
      spans().map((s) => ({
        name: s.name,
        attributes: s.attributes,
        events: s.events,
        links: s.links,
        status: s.status,
        resource: s.resource.attributes,
      })),
    ).toLowerCase();
    for (const secret of [input.email, input.firstName, input.lastName, input.address, '12 analytical row']) {
      expect(dump).not.toContain(JSON.stringify(secret).slice(1, -1).toLowerCase());
    }
    expect(dump).not.toContain('secret street');
    expect(dump).not.toContain('@example.com');
  });

  it('Server-Timing on POST /api/registrations: db and total, well-formed', async () => {
    const res = await register(service, '/api/registrations', distinctiveRunner());
    expect(res.status).toBe(201);
    const header = res.headers.get('server-timing');
    expect(header).toMatch(/^db;dur=\d+(\.\d)?, total;dur=\d+(\.\d)?$/);
    const timing = parseServerTiming(header);
    expect(timing.db).toBeGreaterThan(0);
    expect(timing.total).toBeGreaterThanOrEqual(timing.db as number);
    expect(timing.provider).toBeUndefined(); // the email goes after the response
  });

  it('Server-Timing on the sequential strategy includes the provider wait', async () => {
    stack.resend.setLatency(30);
    const res = await register(service, '/api/marathon-sequential', distinctiveRunner());
    expect(res.status).toBe(200);
    const timing = parseServerTiming(res.headers.get('server-timing'));
    expect(Object.keys(timing)).toEqual(['db', 'provider', 'total']);
    expect(timing.provider).toBeGreaterThan(0);
    expect(timing.total).toBeGreaterThanOrEqual((timing.provider as number) + (timing.db as number) - 1);
  });

  it('Server-Timing on errors too (422), and not on pages', async () => {
    const bad = await register(service, '/api/registrations', { firstName: 1 });
    expect(bad.status).toBe(422);
    expect(parseServerTiming(bad.headers.get('server-timing')).total).toBeGreaterThanOrEqual(0);
    const page = await fetch(`${service.url}/`);
    expect(page.headers.get('server-timing')).toBeNull();
  });
});

// Without a tracer provider (no OTLP endpoint, no dev trace buffer: production's default) the app skips
// span work altogether; the per-request timings must still reach Server-Timing, and the headers set
// after the handler (no-store) must still be there.
describe('Server-Timing with the no-op tracer', () => {
  // The usual stack (test/support/stack.ts): no span exporter, so the service runs the no-op tracer.
  const stack = useStack('fl_notrace', startNodeTarget, FAST_RETRIES);

  it('POST /api/registrations: db and total, no-store; the sequential strategy adds the provider wait', async () => {
    const res = await register(stack.target, '/api/registrations', distinctiveRunner());
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const timing = parseServerTiming(res.headers.get('server-timing'));
    expect(Object.keys(timing)).toEqual(['db', 'total']);
    expect(timing.db).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ status: 'registered', email: { status: 'sending' } });

    stack.resend.setLatency(30);
    const sequential = await register(stack.target, '/api/marathon-sequential', distinctiveRunner());
    expect(sequential.status).toBe(200);
    const withProvider = parseServerTiming(sequential.headers.get('server-timing'));
    expect(Object.keys(withProvider)).toEqual(['db', 'provider', 'total']);
    expect(withProvider.provider).toBeGreaterThan(0);
    expect(withProvider.db).toBeGreaterThan(0);
  });

  it('errors too (422, no-store), and not on pages', async () => {
    const bad = await register(stack.target, '/api/registrations', { firstName: 1 });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('cache-control')).toBe('no-store');
    expect(parseServerTiming(bad.headers.get('server-timing')).total).toBeGreaterThanOrEqual(0);
    expect((await fetch(`${stack.target.url}/`)).headers.get('server-timing')).toBeNull();
  });
});

describe('OTLP/HTTP export from Node', () => {
  const otlpStack = useStack('fl_otlp', null);

  it('sends the spans of a registration and its attempt to OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const { db, resend } = otlpStack;
    const receiver = await startOtlpReceiver();
    const service = await startNodeService(
      {
        PORT: '0',
        DATABASE_URL: db.url,
        RESEND_API_KEY: resend.apiKey,
        RESEND_BASE_URL: resend.url,
        OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/`,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-otlp-token=t%3D1',
        ...FAST_RETRIES,
      },
      silentLogger,
    );
    try {
      const res = await register(service, '/api/registrations', distinctiveRunner());
      expect(res.status).toBe(201);
      await resend.waitForAccepted(1);
      await eventually(async () => {
        await service.flushTraces();
        const names = new Set(receiver.spans().map((s) => s.name));
        for (const name of ['http.request', 'validation', 'task.enqueue', 'db.insertRegistrationWithTask']) {
          expect(names).toContain(name);
        }
        expect(names).toContain('task.attempt');
        expect(names).toContain('resend.send');
        expect(receiver.spans().find((s) => s.name === 'task.attempt')?.attributes['task.outcome']).toBe('succeeded');
      });
      const received = receiver.spans();
      const request = received.find(
        (s) => s.name === 'http.request' && s.attributes['http.route'] === '/api/registrations',
      );
      const attempt = received.find((s) => s.name === 'task.attempt');
      expect(request?.resource['service.name']).toBe('finishline');
      expect(attempt?.links.map((l) => l.traceId)).toEqual([request?.traceId]);
      const post = receiver.requests.find((r) => r.path === '/v1/traces');
      expect(post?.headers['content-type']).toBe('application/json');
      expect(post?.headers['x-otlp-token']).toBe('t=1');
    } finally {
      await service.stop();
      await receiver.close();
    }
  });
});

describe('dev trace view (GET /dev/traces)', () => {
  // No stand-in: without a Resend key the service runs in dev mode, which the view belongs to.
  const fresh = useDatabase('fl_devtraces');

  it('shows a registration’s request and the attempt it caused, with no inline style and no personal data', async () => {
    const service = await startNodeService({ PORT: '0', DATABASE_URL: fresh.db.url, ...FAST_RETRIES }, silentLogger);
    try {
      const input = distinctiveRunner();
      const res = await register(service, '/api/registrations', input);
      expect(res.status).toBe(201);
      let html = '';
      await eventually(async () => {
        const page = await fetch(`${service.url}/dev/traces`);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-security-policy')).toContain("style-src 'self'");
        html = await page.text();
        expect(html).toContain('task.attempt');
        expect(html).toContain('succeeded');
      });
      expect(html).toContain('http.request');
      expect(html).toContain('/api/registrations');
      expect(html).toContain('db.insertRegistrationWithTask');
      expect(html).toContain('response sent');
      expect(html).toContain('devmail.send');
      expect(html).toContain('<rect');
      expect(html).not.toMatch(/\sstyle=/);
      for (const secret of [input.email, input.firstName, input.lastName, 'Secret Street']) {
        expect(html).not.toContain(secret);
      }
      // The page's own requests are not listed.
      expect(html).not.toContain('>/dev/traces<');
    } finally {
      await service.stop();
    }
  });

  it('does not exist when a Resend key is set', async () => {
    const service = await startNodeService(
      {
        PORT: '0',
        DATABASE_URL: fresh.db.url,
        RESEND_API_KEY: 're_x',
        RESEND_BASE_URL: 'http://127.0.0.1:9',
        ...FAST_RETRIES,
      },
      silentLogger,
    );
    try {
      expect((await fetch(`${service.url}/dev/traces`)).status).toBe(404);
    } finally {
      await service.stop();
    }
  });
});
