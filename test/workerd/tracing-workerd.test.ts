// Tracing inside workerd: the per-isolate provider exports over OTLP/HTTP (fetch) after each
// invocation's background work, the active span follows async work (AsyncLocalStorage under
// nodejs_compat: the statements are children of the request span), the attempt links to the
// request's trace, and the Cron sweeper's run is exported at the end of `scheduled`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.js';
import { useStack } from '../support/stack.js';
import { startWorkerdTarget } from '../support/targets.js';

describe('tracing in workerd', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver?.close());
  // Registered after the receiver's hooks: its env reads the receiver's URL.
  const stack = useStack('fl_trace_wd', startWorkerdTarget, () => ({
    TASK_RETRY_BASE_MS: '1',
    TASK_RETRY_MAX_MS: '1',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  }));

  it('exports the request (with its statements as children) and the linked attempt', async () => {
    const res = await post(stack.target, '/api/registrations', runner());
    expect(res.status).toBe(201);
    expect(res.headers.get('server-timing')).toMatch(/^db;dur=\d+(\.\d)?, total;dur=\d+(\.\d)?$/);
    await eventually(() => expect(receiver.spans().some((s) => s.name === 'task.attempt')).toBe(true));
    const spans = receiver.spans();
    const request = spans.find((s) => s.name === 'http.request' && s.attributes['http.route'] === '/api/registrations');
    expect(request?.resource).toMatchObject({ 'service.name': 'finishline', 'finishline.runtime': 'workerd' });
    const enqueue = spans.find((s) => s.name === 'task.enqueue');
    expect(enqueue?.parentSpanId).toBe(request?.spanId);
    const insert = spans.find((s) => s.name === 'db.insertRegistrationWithTask');
    expect(insert?.parentSpanId).toBe(enqueue?.spanId);
    const attempt = spans.find((s) => s.name === 'task.attempt');
    expect(attempt?.links.map((l) => l.traceId)).toEqual([request?.traceId]);
    expect(attempt?.attributes['task.outcome']).toBe('succeeded');
    // The attempt is one of its batch's (here of one): the provider call is the batch's, as is the attempt.
    const batch = spans.find((s) => s.name === 'batch.send' && s.spanId === attempt?.parentSpanId);
    expect(batch?.attributes).toMatchObject({ 'batch.size': 1 });
    expect(batch?.links.map((l) => l.traceId)).toEqual([request?.traceId]);
    const send = spans.find((s) => s.name === 'resend.send');
    expect(send?.parentSpanId).toBe(batch?.spanId);
    expect(send?.attributes['mail.idempotency_key']).toBe(batch?.attributes['batch.id']);
  });

  it('exports the Cron sweeper run and the retry it ran, linked to the request', async () => {
    stack.resend.failNext(1, 'error500');
    expect((await post(stack.target, '/api/registrations', runner())).status).toBe(201);
    // The failed attempt's retry is due (1 ms backoff) before the Cron run.
    await eventually(async () => {
      const rows = await stack.db.query("SELECT 1 FROM tasks WHERE status = 'pending' AND run_at <= now()");
      expect(rows).toHaveLength(1);
    });
    await stack.target.scheduled!();
    await eventually(() => {
      const sweep = receiver.spans().find((s) => s.name === 'sweeper.run' && s.attributes['sweeper.claimed'] === 1);
      expect(sweep).toBeDefined();
      // The retry's batch ran in the sweeper run; the attempt is the batch's child.
      const batch = receiver.spans().find((s) => s.name === 'batch.send' && s.parentSpanId === sweep?.spanId);
      const retry = receiver.spans().find((s) => s.name === 'task.attempt' && s.parentSpanId === batch?.spanId);
      expect(retry?.attributes).toMatchObject({ 'task.attempt': 2, 'task.outcome': 'succeeded' });
      const failed = receiver
        .spans()
        .find((s) => s.name === 'task.attempt' && s.attributes['task.outcome'] === 'retry-scheduled');
      expect(failed?.status?.code).toBe(2); // ERROR
      expect(retry?.links.map((l) => l.traceId)).toEqual(failed?.links.map((l) => l.traceId));
    });
  });
});
