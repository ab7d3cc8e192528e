// One log line per request, over app.request() with a logger that keeps what it is given: the request
// id (the client's, cleaned, or a new one), the method, the route pattern (never the URL or its query),
// the status the client got, and a duration.
import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { capturingLogger } from '../../../../test/support/logger.js';
import { silentLogger } from '../../../ports/logger.js';
import { apiErrors, handleError } from '../../errors.js';
import { requestLog } from './index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let logger: ReturnType<typeof capturingLogger>;

function loggedApp() {
  const app = new Hono();
  app.use(requestLog(logger));
  app.get('/api/registrations/:id', (c) => c.json({ id: c.req.param('id') }));
  app.post('/api/registrations', () => {
    throw apiErrors.validationFailed([{ path: 'email', message: 'must be an email address' }]);
  });
  app.get('/boom', () => {
    throw new Error('driver said: ada@example.com');
  });
  app.onError(handleError(silentLogger));
  return app;
}

/** The one line logged, with its duration checked apart (its value is the clock's). */
function loggedLine() {
  expect(logger.entries).toHaveLength(1);
  const [{ level, event, fields }] = logger.entries as [(typeof logger.entries)[number]];
  const { durationMs, ...rest } = fields;
  expect(typeof durationMs).toBe('number');
  expect(durationMs).toBeGreaterThanOrEqual(0);
  return { level, event, ...rest } as Record<string, unknown>;
}

beforeEach(() => {
  logger = capturingLogger();
});

describe('requestLog', () => {
  it('logs the id, method, route pattern and status; never the path’s values or the query', async () => {
    const res = await loggedApp().request('/api/registrations/r-123?email=ada%40example.com', {
      headers: { 'x-request-id': 'req-1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-1');
    expect(loggedLine()).toEqual({
      level: 'info',
      event: 'request',
      requestId: 'req-1',
      method: 'GET',
      route: '/api/registrations/:id',
      status: 200,
    });
    expect(JSON.stringify(logger.entries)).not.toMatch(/r-123|ada/);
  });

  it('logs the status of an error the app’s error handler rendered, and the answer carries the id', async () => {
    const res = await loggedApp().request('/api/registrations', {
      method: 'POST',
      headers: { 'x-request-id': 'req-2' },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('x-request-id')).toBe('req-2');
    expect(loggedLine()).toMatchObject({
      requestId: 'req-2',
      method: 'POST',
      route: '/api/registrations',
      status: 422,
    });

    logger.entries.length = 0;
    const boom = await loggedApp().request('/boom', { headers: { 'x-request-id': 'req-3' } });
    expect(boom.status).toBe(500);
    expect(boom.headers.get('x-request-id')).toBe('req-3');
    expect(loggedLine()).toMatchObject({ requestId: 'req-3', route: '/boom', status: 500 });
  });

  it('keeps only word characters and dashes of a client’s id, and at most 64 of them', async () => {
    const app = loggedApp();
    for (const [sent, kept] of [
      ['abc def<script>"', 'abcdefscript'],
      ['trace_01-ABC', 'trace_01-ABC'],
      ['x'.repeat(100), 'x'.repeat(64)],
      // Cut to 64 first, then cleaned: what is left of the first 64.
      [`${'y'.repeat(60)}!!!!!zz`, 'y'.repeat(60)],
    ] as const) {
      logger.entries.length = 0;
      const res = await app.request('/api/registrations/r1', { headers: { 'x-request-id': sent } });
      expect(res.headers.get('x-request-id'), JSON.stringify(sent)).toBe(kept);
      expect(loggedLine().requestId).toBe(kept);
    }
  });

  it('makes a new random id when the client sends none, or nothing usable', async () => {
    const app = loggedApp();
    const ids: string[] = [];
    const sent: Record<string, string>[] = [{}, {}, { 'x-request-id': '' }, { 'x-request-id': '!!! ###' }];
    for (const headers of sent) {
      logger.entries.length = 0;
      const res = await app.request('/api/registrations/r1', { headers });
      const id = res.headers.get('x-request-id') ?? '';
      expect(id).toMatch(UUID);
      expect(loggedLine().requestId).toBe(id);
      ids.push(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
