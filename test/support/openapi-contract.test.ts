// The contract checker fails what it cannot vouch for, and answers the HTTP suites cannot provoke
// (delivery paused or held, the database down, the dev mailbox) match the document too.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { handleError } from '../../src/app/errors.js';
import { openApiDocument } from '../../src/app/openapi/index.js';
import type { Site } from '../../src/app/pages/layout.js';
import { devMailRoutes } from '../../src/app/routes/dev-mail.js';
import { docsRoutes } from '../../src/app/routes/docs.js';
import { healthRoutes } from '../../src/app/routes/health.js';
import { registrationRoutes } from '../../src/app/routes/registrations.js';
import { type StrategyRouteDeps, strategyRoutes } from '../../src/app/routes/strategies.js';
import { DEFAULT_RACE } from '../../src/domain/race.js';
import { silentLogger } from '../../src/ports/logger.js';
import type { DeliveryState } from '../../src/tasks/engine.js';
import { type Answer, answerOf, contractChecker, type OpenApiLike } from './openapi-contract.js';
import { givenServices } from './services.js';

const doc = openApiDocument(DEFAULT_RACE) as unknown as OpenApiLike;
const site: Site = { name: DEFAULT_RACE.name, devMailbox: true, devMode: true };
const checker = contractChecker(doc);

const jsonHeaders = (extra: Record<string, string> = {}) =>
  new Headers({ 'content-type': 'application/json; charset=UTF-8', ...extra });
const answer = (overrides: Partial<Answer> & Pick<Answer, 'url' | 'status' | 'body'>): Answer => ({
  method: 'GET',
  headers: jsonHeaders(),
  ...overrides,
});
const ok = { status: 'ready', delivery: { state: 'running' } };

describe('the contract checker', () => {
  it('passes an answer the document describes', () => {
    expect(checker.check(answer({ url: '/readyz', status: 200, body: JSON.stringify(ok) }))).toEqual([]);
  });

  it('fails a body that does not match its schema (wrong value, missing or extra field)', () => {
    for (const body of [
      { status: 'ready', delivery: { state: 'resting' } },
      { status: 'ready' },
      { ...ok, uptime: 3 },
      { status: 'ready', delivery: { state: 'paused', reason: 'invalid_api_key', until: 'tomorrow' } },
    ]) {
      const problems = checker.check(answer({ url: '/readyz', status: 200, body: JSON.stringify(body) }));
      expect(problems, JSON.stringify(body)).toEqual([expect.stringContaining('does not match its schema')]);
    }
  });

  it('fails a status the operation does not document', () => {
    const problems = checker.check(answer({ url: '/readyz', status: 418, body: '{}' }));
    expect(problems).toEqual([expect.stringContaining('status 418 is not documented for checkReadiness')]);
  });

  it('fails an undocumented path or method unless it is the 404 envelope', () => {
    const notFound = JSON.stringify({ error: { code: 'not_found', message: 'route not found' } });
    expect(checker.check(answer({ url: '/api/nope', status: 404, body: notFound }))).toEqual([]);
    expect(checker.check(answer({ method: 'DELETE', url: '/api/race', status: 404, body: notFound }))).toEqual([]);
    expect(checker.check(answer({ url: '/api/nope', status: 200, body: '{}' }))).toEqual([
      expect.stringContaining('no documented operation'),
    ]);
    expect(checker.check(answer({ url: '/api/nope', status: 404, body: '{"oops":1}' }))).toEqual([
      expect.stringContaining('does not match its schema'),
    ]);
  });

  it('fails a response that has no documented schema, or another media type than documented', () => {
    const paths = structuredClone(doc.paths) as Record<string, Record<string, { responses: Record<string, object> }>>;
    const readyz = paths['/readyz']?.get;
    if (!readyz) throw new Error('GET /readyz is not documented');
    readyz.responses['200'] = { description: 'Ready', content: { 'application/json': {} } };
    readyz.responses['500'] = { description: 'No content documented' };
    const loose = contractChecker({ ...doc, paths });
    expect(loose.check(answer({ url: '/readyz', status: 200, body: JSON.stringify(ok) }))).toEqual([
      expect.stringContaining('has no documented schema'),
    ]);
    expect(loose.check(answer({ url: '/readyz', status: 500, body: '{}' }))).toEqual([
      expect.stringContaining('documents none'),
    ]);
    const html = answer({
      url: '/readyz',
      status: 200,
      body: '<p>ready</p>',
      headers: new Headers({ 'content-type': 'text/html' }),
    });
    expect(checker.check(html)).toEqual([expect.stringContaining('answered text/html, documented: application/json')]);
  });

  it('checks the error envelope and the codes documented for the status', () => {
    const error = (code: string) => JSON.stringify({ error: { code, message: 'x' } });
    const retry = jsonHeaders({ 'retry-after': '5' });
    expect(checker.check(answer({ url: '/readyz', status: 503, headers: retry, body: error('unavailable') }))).toEqual(
      [],
    );
    expect(checker.check(answer({ url: '/readyz', status: 503, headers: retry, body: error('teapot') }))).toEqual([
      expect.stringContaining('does not match its schema'),
    ]);
  });

  it('fails a missing required header, and a header value off its schema', () => {
    const body = JSON.stringify({ error: { code: 'unavailable', message: 'x' } });
    expect(checker.check(answer({ url: '/readyz', status: 503, body }))).toEqual([
      expect.stringContaining('required header Retry-After is missing'),
    ]);
    const tasks = JSON.stringify({ tasks: [], nextCursor: null });
    const cached = jsonHeaders({ 'cache-control': 'max-age=60' });
    expect(
      checker.check(answer({ url: '/api/admin/tasks?limit=2', status: 200, headers: cached, body: tasks })),
    ).toEqual([expect.stringContaining('header Cache-Control does not match its schema')]);
  });
});

describe('answers the HTTP suites cannot provoke match the document', () => {
  function healthApp(delivery: DeliveryState, ping: () => Promise<void> = async () => {}) {
    const app = new Hono();
    app.use(givenServices({ store: { ping }, engine: { deliveryState: () => delivery } })).route('/', healthRoutes());
    app.onError(handleError(silentLogger));
    return app;
  }

  async function check(app: Hono, path: string) {
    const res = await app.request(path);
    const problems = checker.check(await answerOf('GET', path, res));
    return { status: res.status, body: await res.json(), problems };
  }

  it.each<[string, DeliveryState]>([
    ['running', { state: 'running' }],
    ['paused until a time', { state: 'paused', reason: 'invalid_api_key', until: new Date(0).toISOString() }],
    ['held without a provider', { state: 'paused', reason: 'no_provider', until: null }],
  ])('GET /readyz while delivery is %s', async (_name, delivery) => {
    const { status, body, problems } = await check(healthApp(delivery), '/readyz');
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ready', delivery });
    expect(problems).toEqual([]);
  });

  it('GET /readyz with the database down: 503 in the envelope, with Retry-After', async () => {
    const down = healthApp({ state: 'running' }, async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    });
    const { status, problems } = await check(down, '/readyz');
    expect(status).toBe(503);
    expect(problems).toEqual([]);
  });

  it('POST /api/registrations and every strategy route over the per-client limit: 429 with Retry-After', async () => {
    const deps = {
      race: DEFAULT_RACE,
      logger: silentLogger,
      clientLimiter: { check: async () => ({ allowed: false, retryAfterSeconds: 42 }) },
      clientKey: () => 'test-client',
    } as unknown as StrategyRouteDeps;
    const app = new Hono().route('/', registrationRoutes(deps)).route('/', strategyRoutes(deps));
    app.onError(handleError(silentLogger));
    // The strategies' sign-ups (the workflow strategy's status read is a GET, outside the limit).
    const signUps = Object.entries(doc.paths).filter(([p, ops]) => p.startsWith('/api/marathon-') && 'post' in ops);
    const paths = ['/api/registrations', ...signUps.map(([p]) => p)];
    expect(paths).toHaveLength(9);
    for (const path of paths) {
      const res = await app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status, path).toBe(429);
      expect(res.headers.get('retry-after'), path).toBe('42');
      expect(checker.check(await answerOf('POST', path, res)), path).toEqual([]);
    }
  });

  it('GET /healthz', async () => {
    const { status, problems } = await check(healthApp({ state: 'running' }), '/healthz');
    expect(status).toBe(200);
    expect(problems).toEqual([]);
  });

  it('GET /api/dev/mail', async () => {
    const message = {
      id: crypto.randomUUID(),
      idempotencyKey: crypto.randomUUID(),
      from: 'Race <race@example.com>',
      to: 'ada@example.com',
      subject: 'Hi',
      html: '<p>Hi</p>',
      text: 'Hi',
      createdAt: new Date(),
    };
    const app = new Hono()
      .use(givenServices({ store: { listDevMail: async () => [message] } }))
      .route('/', devMailRoutes({ site }));
    const { status, body, problems } = await check(app, '/api/dev/mail');
    expect(status).toBe(200);
    expect(body.messages).toHaveLength(1);
    expect(problems).toEqual([]);
  });

  it('GET /openapi.json', async () => {
    const app = docsRoutes({ race: DEFAULT_RACE, site });
    const { status, problems } = await check(app, '/openapi.json');
    expect(status).toBe(200);
    expect(problems).toEqual([]);
  });
});
