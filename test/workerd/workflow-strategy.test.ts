// The workflow strategy inside workerd: the API Worker creates a Workflow instance per registration;
// the email Worker's RegistrationWorkflow stores the registration and sends its confirmation, each a
// checkpointed step the local Workflows engine retries with backoff. Whatever the provider does —
// fails, or accepts an email and drops the connection before answering — each runner gets exactly one
// email and one registration row; a duplicate or a refused email ends its instance, visible through
// GET /api/marathon-workflow/:id. On Node there is no Workflow: 501.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tools/postgres.js';
import { type ResendStandIn, startResendStandIn } from '../../tools/resend-stand-in.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { checkAnswersAgainstOpenApi } from '../support/openapi-contract.js';
import { startNodeTarget, startWorkerdTarget, type Target } from '../support/targets.js';

// Retries within a second or two (the steps' delay is TASK_RETRY_BASE_MS, doubling).
const QUICK = {
  TASK_TIMEOUT_MS: '1000',
  TASK_RETRY_BASE_MS: '100',
  TASK_MAX_ATTEMPTS: '10',
};

const ROUTE = '/api/marathon-workflow';

interface InstanceStatus {
  id: string;
  status: string;
  error?: { name: string; message: string };
}

describe('workflow strategy (workerd, two Workers and a Workflow)', () => {
  let db: TestDatabase;
  let resend: ResendStandIn;
  let target: Target;

  beforeAll(async () => {
    db = await createTestDatabase('fl_workflow');
    resend = await startResendStandIn();
    target = await startWorkerdTarget({
      databaseUrl: db.url,
      env: { RESEND_API_KEY: resend.apiKey, RESEND_BASE_URL: resend.url, ...QUICK },
      emailWorker: {},
    });
  });
  // Every test waits for its instances to end: the next one starts with a quiet provider.
  beforeEach(() => resend.reset());
  afterAll(async () => {
    await target?.stop();
    await resend?.close();
    await db?.drop();
  });
  // Every answer of these tests (202, the statuses, 404, 422) as /openapi.json documents it.
  checkAnswersAgainstOpenApi(() => target);

  async function register(body: Record<string, unknown>): Promise<string> {
    const res = await post(target, ROUTE, body);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    return id;
  }

  async function statusOf(id: string): Promise<{ code: number; body: InstanceStatus }> {
    const res = await fetch(`${target.url}${ROUTE}/${id}`);
    return { code: res.status, body: (await res.json()) as InstanceStatus };
  }

  /** Polls the status route until the instance has ended (complete, errored or terminated). */
  async function ended(id: string, timeoutMs = 30_000): Promise<InstanceStatus> {
    let last: InstanceStatus | undefined;
    await eventually(async () => {
      const { code, body } = await statusOf(id);
      expect(code).toBe(200);
      last = body;
      expect(['complete', 'errored', 'terminated']).toContain(body.status);
    }, timeoutMs);
    return last as InstanceStatus;
  }

  const rowsFor = async (email: string) =>
    db.query<{ id: string; strategy: string }>('SELECT id, strategy FROM registrations WHERE email_normalized = $1', [
      email.toLowerCase(),
    ]);

  it('20 registrations under 25 % provider faults: each instance completes, one row and one email per runner', async () => {
    // Failed sends, and sends the provider accepted whose answer never came (retried under the same key).
    resend.setFaults({ error500: 0.15, acceptThenDrop: 0.1 });
    for (const fault of ['error500', 'acceptThenDrop'] as const) resend.failNext(1, fault);
    const runners = Array.from({ length: 20 }, (_, i) => runner({ distance: ['10', 'half', 'full'][i % 3] }));
    const ids = await Promise.all(runners.map((body) => register(body)));

    const statuses = await Promise.all(ids.map((id) => ended(id, 60_000)));
    expect(statuses.map((s) => s.status)).toEqual(ids.map(() => 'complete'));
    for (const [i, body] of runners.entries()) {
      expect(resend.acceptedFor(body.email), body.email).toBe(1);
      const rows = await rowsFor(body.email);
      expect(rows).toEqual([{ id: ids[i], strategy: 'workflow' }]);
    }
    expect(resend.acceptedCount()).toBe(20);
    // The faults happened and were retried: more sends than emails.
    expect(resend.requestCount()).toBeGreaterThan(20);
    // Each email under its registration id: the Idempotency-Key of every attempt.
    for (const id of ids) expect(resend.acceptedForKey(id)).toBe(1);
  }, 120_000);

  it('a duplicate email: one registration, no second email, the second instance errored', async () => {
    const body = runner();
    const first = await register(body);
    expect((await ended(first)).status).toBe('complete');
    const second = await register({ ...body, email: body.email.toUpperCase() });
    const status = await ended(second);
    expect(status.status).toBe('errored');
    expect(status.error).toEqual({ name: 'NonRetryableError', message: 'already_registered' });
    expect(await rowsFor(body.email)).toEqual([{ id: first, strategy: 'workflow' }]);
    expect(resend.acceptedFor(body.email)).toBe(1);
    expect(resend.acceptedForKey(second)).toBe(0);
  }, 60_000);

  it('a provider that refuses the email for good: the instance failed, the registration stays, no email', async () => {
    resend.failNext(1, { status: 422, name: 'validation_error' });
    const body = runner();
    const id = await register(body);
    const status = await ended(id);
    expect(status.status).toBe('errored');
    expect(status.error?.name).toBe('NonRetryableError');
    expect(status.error?.message).toContain('validation_error');
    // Not retried: one request, refused.
    expect(resend.requestCount()).toBe(1);
    expect(resend.acceptedFor(body.email)).toBe(0);
    expect(await rowsFor(body.email)).toEqual([{ id, strategy: 'workflow' }]);
  }, 60_000);

  it('an unknown or malformed id: 404 in the one error envelope; bad input: 422 and no instance', async () => {
    for (const id of [crypto.randomUUID(), 'not-an-id']) {
      const { code, body } = await statusOf(id);
      expect(code).toBe(404);
      expect(body).toEqual({ error: { code: 'not_found', message: 'workflow instance not found' } });
    }
    const res = await post(target, ROUTE, runner({ distance: 'ultra' }));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
  }, 60_000);
});

describe('workflow strategy (workerd): retries that run out', () => {
  let db: TestDatabase;
  let resend: ResendStandIn;
  let target: Target;

  beforeAll(async () => {
    db = await createTestDatabase('fl_workflow_retries');
    resend = await startResendStandIn();
    // Three attempts: retried after 100 and 200 ms, then the instance fails.
    target = await startWorkerdTarget({
      databaseUrl: db.url,
      env: { RESEND_API_KEY: resend.apiKey, RESEND_BASE_URL: resend.url, ...QUICK, TASK_MAX_ATTEMPTS: '3' },
      emailWorker: {},
    });
  });
  afterAll(async () => {
    await target?.stop();
    await resend?.close();
    await db?.drop();
  });

  it('a provider down for every attempt: the instance errored after TASK_MAX_ATTEMPTS sends, its error without the provider’s words', async () => {
    resend.setFaults({ error500: 1 });
    const body = runner();
    const res = await post(target, ROUTE, body);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    let last: InstanceStatus | undefined;
    await eventually(async () => {
      last = (await (await fetch(`${target.url}${ROUTE}/${id}`)).json()) as InstanceStatus;
      expect(last.status).toBe('errored');
    }, 30_000);
    // The step's error as the Worker rethrew it: the MailError's name and code.
    expect(last?.error?.message).toMatch(/^MailError: /);
    expect(resend.requestCount()).toBe(3);
    expect(resend.acceptedFor(body.email)).toBe(0);
    const rows = await db.query('SELECT id FROM registrations WHERE id = $1', [id]);
    expect(rows).toHaveLength(1);
  }, 60_000);
});

describe('workflow strategy on Node', () => {
  let db: TestDatabase;
  let target: Target;

  beforeAll(async () => {
    db = await createTestDatabase('fl_workflow_node');
    target = await startNodeTarget({ databaseUrl: db.url });
  });
  afterAll(async () => {
    await target?.stop();
    await db?.drop();
  });
  checkAnswersAgainstOpenApi(() => target);

  it('has no Workflow: both routes answer 501 strategy_unavailable, nothing is stored', async () => {
    const body = runner();
    const created = await post(target, ROUTE, body);
    expect(created.status).toBe(501);
    expect(((await created.json()) as { error: { code: string } }).error.code).toBe('strategy_unavailable');
    const read = await fetch(`${target.url}${ROUTE}/${crypto.randomUUID()}`);
    expect(read.status).toBe(501);
    await read.arrayBuffer();
    expect(await db.query('SELECT id FROM registrations')).toEqual([]);
  });
});
