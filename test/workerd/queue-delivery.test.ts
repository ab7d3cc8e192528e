// The outbox delivering through Cloudflare Queues, inside workerd: the API Worker stores each
// registration with its task and announces the task on `finishline-email`; the email Worker consumes
// the queue (claims by id, one provider batch, records every outcome, acks or retries each message),
// and turns what reaches `finishline-email-dlq` into dead letters. Queues delivers at least once:
// whatever the messages do — retried, redelivered, duplicated — each runner gets exactly one email.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tools/postgres.js';
import { type ResendStandIn, startResendStandIn } from '../../tools/resend-stand-in.js';
import { waitUntilAllDelivered, waitUntilDelivered } from '../support/delivery.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { registerMany } from '../support/load.js';
import { type EmailWorkerOptions, startWorkerdTarget, type Target } from '../support/targets.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

// Retries in a second (Queues counts delays in whole seconds), leases of a few.
const QUICK = {
  TASK_TIMEOUT_MS: '1000',
  TASK_LEASE_MS: '3000',
  TASK_RETRY_BASE_MS: '200',
  TASK_RETRY_MAX_MS: '1000',
  TASK_MAX_ATTEMPTS: '40',
  EMAIL_RATE_LIMIT_PER_SEC: '2000',
};

describe('outbox through Cloudflare Queues (workerd, two Workers)', () => {
  let db: TestDatabase;
  let resend: ResendStandIn;
  let target: Target;
  let logs: string[];

  async function start(emailWorker: EmailWorkerOptions = {}, env: Record<string, string> = {}) {
    target = await startWorkerdTarget({
      databaseUrl: db.url,
      env: { RESEND_API_KEY: resend.apiKey, RESEND_BASE_URL: resend.url, ...QUICK, ...env },
      emailWorker,
      log: (line) => logs.push(line),
    });
  }
  const taskOf = async (email: string) => {
    const [row] = await db.query<{ id: string; status: string; last_error: string | null }>(
      `SELECT t.id, t.status, t.last_error FROM tasks t JOIN registrations r ON r.id = t.registration_id
       WHERE r.email_normalized = $1`,
      [email.toLowerCase()],
    );
    return row!;
  };

  beforeEach(async () => {
    db = await createTestDatabase('fl_queue');
    resend = await startResendStandIn();
    logs = [];
  });
  afterEach(async () => {
    await target?.stop();
    await resend?.close();
    await db?.drop();
  });

  it('1,000 registrations under 20 % provider faults: exactly one email each, sent by the consumer in batches', async () => {
    await start();
    resend.setFaults({ error500: 0.1, hang: 0.05, acceptThenDrop: 0.05 });
    // A run has only tens of provider requests: meet each fault once for certain.
    for (const fault of ['error500', 'hang', 'acceptThenDrop'] as const) resend.failNext(1, fault);
    const sent = await registerMany(() => target.url, 1000, 10);
    expect(sent.filter((s) => s.status !== 201)).toEqual([]);

    await waitUntilAllDelivered(db, 150_000);

    for (const { email } of sent) expect(resend.acceptedFor(email), email).toBe(1);
    expect(resend.acceptedCount()).toBe(1000);
    // Through the queue, in batches: far fewer provider requests than emails.
    expect(resend.requestCountByPath().emails).toBe(0);
    expect(resend.acceptedRequests().length).toBeLessThan(200);
    expect(logs.some((l) => l.includes('"queue.batch"'))).toBe(true);
    // The faults really happened and were retried (failed attempts recorded), and nothing died.
    const [failed] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM task_attempts WHERE outcome = 'failed'",
    );
    expect(failed!.n).toBeGreaterThan(0);
    const [dead] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM tasks WHERE status = 'dead'");
    expect(dead!.n).toBe(0);
  }, 240_000);

  it('a redelivered or duplicated message never sends a second email', async () => {
    await start();
    const input = runner();
    expect((await post(target, '/api/registrations', input)).status).toBe(201);
    await waitUntilDelivered(db, [input.email], 30_000);
    const { id } = await taskOf(input.email);
    // The same task announced again, three times, twice in one batch: each copy is acked, none sends.
    const before = resend.requestCount();
    await target.enqueue!([
      { type: 'task', taskId: id },
      { type: 'task', taskId: id },
    ]);
    await target.enqueue!([{ type: 'task', taskId: id }]);
    await eventually(() => {
      const acked = logs.filter((l) => l.includes('"queue.batch"') && l.includes('"acked"'));
      expect(acked.length).toBeGreaterThanOrEqual(2);
    }, 20_000);
    expect(resend.requestCount()).toBe(before);
    expect(resend.acceptedFor(input.email)).toBe(1);
  }, 60_000);

  it('a consumer that dies mid-batch (the provider took the batch, nothing was recorded): redelivered, no second email', async () => {
    const proxy: TcpProxy = await startTcpProxy(5432);
    try {
      const viaProxy = new URL(db.url);
      viaProxy.port = String(proxy.port);
      await start({ databaseUrl: viaProxy.toString() });
      const gate = resend.hold();
      const inputs = [runner(), runner(), runner()];
      for (const input of inputs) expect((await post(target, '/api/registrations', input)).status).toBe(201);
      await gate.waitForHeld(1, 30_000);
      // The batch is at the provider; the consumer loses its database before it can record anything.
      proxy.cut();
      gate.release();
      await resend.waitForAccepted(3, 30_000);
      await eventually(() => expect(logs.some((l) => l.includes('"batch.record_failed"'))).toBe(true), 30_000);
      proxy.restore();

      // Queues redelivers; the lease expires; the batch is claimed again and re-sent under its key.
      await waitUntilDelivered(
        db,
        inputs.map((i) => i.email),
        60_000,
      );
      for (const input of inputs) expect(resend.acceptedFor(input.email)).toBe(1);
      expect(resend.acceptedCount()).toBe(3);
      // It was sent again (same Idempotency-Key): the provider answered the re-send from its record.
      const keys = new Set(resend.accepted().map((e) => e.idempotencyKey));
      expect(keys.size).toBe(1);
      expect(resend.requestsForKey([...keys][0]!)).toBeGreaterThanOrEqual(2);
      const outcomes = await db.query<{ outcome: string }>('SELECT DISTINCT outcome FROM task_attempts');
      expect(outcomes.map((o) => o.outcome)).toContain('abandoned');
    } finally {
      await proxy.close();
    }
  }, 120_000);

  it('retries exhausted: the dead-letter queue makes the task dead, and its replay delivers it once', async () => {
    await start({ maxRetries: 2 }, { ADMIN_TOKEN: 'queue-test-admin-token-0123456789abcdef' });
    resend.setFaults({ error500: 1 });
    const input = runner();
    expect((await post(target, '/api/registrations', input)).status).toBe(201);
    await eventually(async () => expect((await taskOf(input.email)).status).toBe('dead'), 60_000);
    const task = await taskOf(input.email);
    expect(task.last_error).toContain('dead-letter queue');
    expect(resend.acceptedCount()).toBe(0);

    resend.setFaults({});
    const replay = await fetch(`${target.url}/api/admin/tasks/${task.id}/retry`, {
      method: 'POST',
      headers: { authorization: 'Bearer queue-test-admin-token-0123456789abcdef' },
    });
    expect(replay.status).toBe(200);
    // The replay announces the task to the queue: delivered without waiting for the sweeper.
    await waitUntilDelivered(db, [input.email], 30_000);
    expect(resend.acceptedFor(input.email)).toBe(1);
  }, 120_000);

  it('an enqueue that fails: the Cron sweeper announces the task again, and it is delivered once', async () => {
    await start({ refuseSends: 1 });
    const input = runner();
    const res = await post(target, '/api/registrations', input);
    expect(res.status).toBe(201);
    // Written for the queue: pending until a consumer claims it (the fast path says `sending`).
    expect((await res.json()).email).toEqual({ status: 'pending' });
    await eventually(() => expect(logs.some((l) => l.includes('"queue.enqueue_failed"'))).toBe(true));
    expect((await taskOf(input.email)).status).toBe('pending');
    // Overdue once a lease's time (TASK_LEASE_MS) has passed without a consumer taking it.
    await db.query("UPDATE tasks SET run_at = now() - interval '1 minute'");
    await target.scheduled!();
    await waitUntilDelivered(db, [input.email], 30_000);
    expect(resend.acceptedFor(input.email)).toBe(1);
    expect(logs.some((l) => l.includes('"sweeper.run"') && l.includes('"announced":1'))).toBe(true);
  }, 60_000);

  it('a queue that refuses every send: the Cron sweeper delivers the task itself', async () => {
    await start({ refuseSends: 1000 });
    const input = runner();
    expect((await post(target, '/api/registrations', input)).status).toBe(201);
    await db.query("UPDATE tasks SET run_at = now() - interval '1 minute'");
    await target.scheduled!();
    await waitUntilDelivered(db, [input.email], 30_000);
    expect(resend.acceptedFor(input.email)).toBe(1);
  }, 60_000);

  it('the two seed strategies: the Service Binding (201) and the queue (202) each send one email', async () => {
    await start();
    const viaRpc = runner();
    const viaQueue = runner();
    const rpc = await post(target, '/api/marathon-service-binding', viaRpc);
    expect(rpc.status).toBe(201);
    const queued = await post(target, '/api/marathon-queue', viaQueue);
    expect(queued.status).toBe(202);
    await resend.waitForAccepted(2, 30_000);
    expect(resend.acceptedFor(viaRpc.email)).toBe(1);
    expect(resend.acceptedFor(viaQueue.email)).toBe(1);
    const strategies = await db.query<{ strategy: string }>('SELECT strategy FROM registrations ORDER BY strategy');
    expect(strategies.map((r) => r.strategy)).toEqual(['queue', 'service-binding']);
  }, 60_000);
});
