// The task engine with real parts, on the path production runs: the kinds of src/tasks/kinds (every send
// a batch — a single task is a batch of one), the task store and the Store on in-memory PGlite (migrated
// with the committed migrations) and a Mailer over the local Resend stand-in through the real Resend
// adapter. Here rather than beside the engine: src/tasks imports nothing from src/adapters, its tests included.
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { type DatabaseHandle, queryRows, sqlDatabase } from '../../src/adapters/db/database.js';
import { migrateEmbedded } from '../../src/adapters/db/migrate.js';
import { openPglite } from '../../src/adapters/db/pglite.js';
import { createStore } from '../../src/adapters/db/store.js';
import { createResendMailer } from '../../src/adapters/mail/resend.js';
import { buildConfirmationEmail } from '../../src/domain/confirmation-email.js';
import { DEFAULT_RACE } from '../../src/domain/race.js';
import { createJsonLogger } from '../../src/ports/logger.js';
import type { Mailer } from '../../src/ports/mailer.js';
import type { Store } from '../../src/ports/store.js';
import type { LeasedTask } from '../../src/ports/tasks.js';
import { createTaskEngine, type TaskEngine, type TaskEngineOptions } from '../../src/tasks/engine.js';
import { AnsweredError } from '../../src/tasks/errors.js';
import { taskKinds } from '../../src/tasks/kinds/index.js';
import { SEND_CONFIRMATION_EMAIL } from '../../src/tasks/kinds/send-confirmation-email.js';
import { createTaskStore, type TaskStore } from '../../src/tasks/store.js';
import { defineKind, type TaskKind } from '../../src/tasks/types.js';
import { resetDatabase } from '../../tools/postgres.js';
import { type ResendStandIn, startResendStandIn } from '../../tools/resend-stand-in.js';
import { newRegistration } from '../support/fixtures.js';
import { eventually } from '../support/http.js';

let handle: DatabaseHandle;
let store: Store;
let tasks: TaskStore;
let standIn: ResendStandIn;
let mailer: Mailer;
let logLines: string[];

beforeAll(async () => {
  handle = await openPglite();
  await migrateEmbedded(handle);
  store = createStore(handle.db);
  tasks = createTaskStore(sqlDatabase(handle.db));
  standIn = await startResendStandIn();
  mailer = createResendMailer({ apiKey: standIn.apiKey, baseUrl: standIn.url });
});
afterAll(async () => {
  await standIn?.close();
  await handle?.close();
});
beforeEach(async () => {
  await resetDatabase(handle.db);
  logLines = [];
});
afterEach(() => {
  standIn.reset();
  // docs/design.md, Conventions: logs carry ids and codes, never personal data.
  for (const line of logLines) {
    expect(line).not.toContain('@example.com');
    expect(line).not.toContain('Lovelace');
    expect(line).not.toContain('Analytical');
  }
});

const raw = <T>(text: string) => queryRows<T>(handle.db, sql.raw(text));

function engineWith(overrides: Partial<TaskEngineOptions> = {}): TaskEngine {
  return createTaskEngine({
    store: tasks,
    kinds: taskKinds({ mailer }),
    logger: createJsonLogger((line) => logLines.push(line)),
    maxAttempts: 5,
    timeoutMs: 5000,
    leaseMs: 60_000,
    retryBaseMs: 1000,
    retryMaxMs: 900_000,
    random: () => 0,
    ...overrides,
  });
}

/**
 * The outbox enqueue (what POST /api/registrations does): registration + task leased to `engine`. The
 * payload is the confirmation email unless `payload` replaces it.
 */
async function enqueue(engine: TaskEngine, kind = SEND_CONFIRMATION_EMAIL, payload?: unknown) {
  const registration = newRegistration(DEFAULT_RACE.id);
  const message = buildConfirmationEmail(DEFAULT_RACE, 'Riverside Marathon <race@example.com>', {
    registrationId: registration.id,
    firstName: registration.firstName,
    email: registration.email,
    distance: registration.distance,
  });
  const task = engine.task(kind, payload ?? message);
  expect(await store.insertRegistrationWithTask(registration, task)).toBe('stored');
  const leased: LeasedTask = { ...task, attempts: 1 };
  return { registration, task: leased, message };
}

/** The Idempotency-Key the task's first batch was sent under (its attempts keep their batch's id). */
async function keyOf(taskId: string) {
  const [row] = await raw<{ batch_id: string }>(
    `SELECT batch_id FROM task_attempts WHERE task_id = '${taskId}' AND batch_id IS NOT NULL ORDER BY id LIMIT 1`,
  );
  return row?.batch_id ?? 'none';
}

/** Emails the provider accepted for this address. */
const acceptedFor = (email: string) => standIn.accepted().filter((e) => e.to.includes(email)).length;

async function delivery(registrationId: string) {
  return (await store.findRegistration(registrationId))?.email;
}

async function attempts(taskId: string) {
  return raw<{ number: number; outcome: string; error: string | null }>(
    `SELECT number, outcome, error FROM task_attempts WHERE task_id = '${taskId}' ORDER BY number`,
  );
}

async function taskRow(taskId: string) {
  const [row] = await raw<{
    status: string;
    attempts: number;
    last_error: string | null;
    result: unknown;
    delay_ms: number;
  }>(
    `SELECT status, attempts, last_error, result,
            (extract(epoch FROM run_at - updated_at) * 1000)::float8 AS delay_ms
     FROM tasks WHERE id = '${taskId}'`,
  );
  return row;
}

/** Makes every pending task due now (instead of waiting for its backoff). */
const makeDue = () => raw(`UPDATE tasks SET run_at = now() - interval '1 second' WHERE status = 'pending'`);

describe('task engine', () => {
  it('fast path: the leased task runs at once, a batch of one → succeeded, one email keyed by the batch id', async () => {
    const engine = engineWith();
    const { registration, task, message } = await enqueue(engine);
    expect(task.leaseOwner).toBe(engine.owner);

    expect(await engine.run(task)).toBe('succeeded');

    expect(standIn.acceptedCount()).toBe(1);
    expect(standIn.acceptedForKey(await keyOf(task.id))).toBe(1);
    const [email] = standIn.accepted();
    expect(email).toMatchObject({ to: [registration.email], subject: message.subject, text: message.text });
    expect(await delivery(registration.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect((await taskRow(task.id))?.result).toEqual({ id: email?.id });
    expect(await attempts(task.id)).toEqual([{ number: 1, outcome: 'succeeded', error: null }]);
    // Nothing left to do.
    expect(await engine.sweep()).toBe(0);
  });

  it('a 500 → retry scheduled with backoff (pending, attempt recorded as failed)', async () => {
    const engine = engineWith({ retryBaseMs: 60_000 });
    const { registration, task } = await enqueue(engine);
    standIn.failNext(1, 'error500');

    expect(await engine.run(task)).toBe('retry-scheduled');

    expect(await delivery(registration.id)).toMatchObject({ status: 'pending', attempts: 1 });
    const [attempt] = await attempts(task.id);
    expect(attempt).toMatchObject({ number: 1, outcome: 'failed' });
    expect(attempt?.error).toContain('application_error');
    const row = await taskRow(task.id);
    expect(row?.status).toBe('pending');
    expect(row?.last_error).toContain('application_error');
    // random = 0 → half the ceiling of attempt 1: 30 s.
    expect(row?.delay_ms).toBe(30_000);
    expect(standIn.acceptedCount()).toBe(0);
    // Not due yet.
    expect(await engine.sweep()).toBe(0);
  });

  it("a 429 → the provider's Retry-After is honoured when longer than the backoff", async () => {
    const engine = engineWith({ retryBaseMs: 10 });
    const { task } = await enqueue(engine);
    standIn.failNext(1, 'rateLimit429');
    expect(await engine.run(task)).toBe('retry-scheduled');
    const row = await taskRow(task.id);
    expect(row?.delay_ms).toBe(1000); // retry-after: 1
    expect(row?.last_error).toContain('rate_limit_exceeded');
  });

  it('a 422 → dead letter after one attempt, no email', async () => {
    const engine = engineWith();
    const { registration, task } = await enqueue(engine);
    standIn.failNext(1, { status: 422, name: 'validation_error', message: 'Invalid `to` field.' });

    expect(await engine.run(task)).toBe('dead');

    expect(await delivery(registration.id)).toMatchObject({ status: 'failed', attempts: 1, sentAt: null });
    const history = await attempts(task.id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ number: 1, outcome: 'dead' });
    expect(history[0]?.error).toContain('validation_error');
    expect((await taskRow(task.id))?.status).toBe('dead');
    expect(standIn.acceptedCount()).toBe(0);
    await makeDue();
    expect(await engine.sweep()).toBe(0);
  });

  it('with maxAttempts 2, a second failure → dead', async () => {
    const engine = engineWith({ maxAttempts: 2 });
    const { registration, task } = await enqueue(engine);
    standIn.failNext(2, 'error500');

    expect(await engine.run(task)).toBe('retry-scheduled');
    await makeDue();
    expect(await engine.sweep()).toBe(1);

    expect(await delivery(registration.id)).toMatchObject({ status: 'failed', attempts: 2 });
    expect((await attempts(task.id)).map((a) => [a.number, a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'dead'],
    ]);
    expect(standIn.requestCount()).toBe(2);
    expect(standIn.acceptedCount()).toBe(0);
    await makeDue();
    expect(await engine.sweep()).toBe(0);
  });

  it('sweep() claims due tasks (expired leases of a crashed process, due retries) and runs them', async () => {
    // A "crashed" request process: its tasks were leased for 1 ms and never run.
    const crashed = engineWith({ leaseMs: 1 });
    const orphans = [await enqueue(crashed), await enqueue(crashed), await enqueue(crashed)];
    // And a task whose first attempt failed and whose retry is now due.
    const engine = engineWith();
    const retried = await enqueue(engine);
    standIn.failNext(1, 'error500');
    expect(await engine.run(retried.task)).toBe('retry-scheduled');
    await makeDue();
    await sleep(20);

    expect(await engine.sweep()).toBe(4);

    expect(standIn.acceptedCount()).toBe(4);
    for (const { registration } of [...orphans, retried]) {
      expect(acceptedFor(registration.email)).toBe(1);
      expect(await delivery(registration.id)).toMatchObject({ status: 'sent', attempts: 2 });
    }
    expect(await engine.sweep()).toBe(0);
  });

  it('sweep() respects its limit', async () => {
    const crashed = engineWith({ leaseMs: 1 });
    for (let i = 0; i < 5; i++) await enqueue(crashed);
    await sleep(20);
    const engine = engineWith();
    expect(await engine.sweep(2)).toBe(2);
    expect(await engine.sweep(2)).toBe(2);
    expect(await engine.sweep(2)).toBe(1);
    expect(standIn.acceptedCount()).toBe(5);
  });

  // Regression: with `AbortSignal.any([AbortSignal.timeout(ms), …])` the inner timeout signal can be
  // garbage-collected on Node 20 before it fires (nodejs/node#57736), so a hanging provider hung the
  // attempt forever. The GC loop below makes that failure certain if it ever comes back.
  it('the attempt time limit fires even while the garbage collector runs', async () => {
    const gc = exposeGc();
    const engine = engineWith({ timeoutMs: 200 });
    const { registration, task } = await enqueue(engine);
    standIn.failNext(1, 'hang');

    const running = engine.run(task);
    const gcLoop = setInterval(gc, 20);
    const outcome = await Promise.race([running, sleep(3000).then(() => 'still hanging after 3 s')]);
    clearInterval(gcLoop);
    if (outcome !== 'retry-scheduled') engine.abort(); // ends a hung attempt, so nothing outlives the test
    await running;

    expect(outcome).toBe('retry-scheduled');
    expect((await attempts(task.id))[0]?.error).toBe('MailError: timeout');
    await makeDue();
    expect(await engine.sweep()).toBe(1);
    expect(await delivery(registration.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(acceptedFor(registration.email)).toBe(1);
  });

  it('accepted-then-dropped: the retry gets the same id back, exactly one email', async () => {
    const engine = engineWith();
    const { registration, task } = await enqueue(engine);
    standIn.failNext(1, 'acceptThenDrop');

    expect(await engine.run(task)).toBe('retry-scheduled');
    expect(standIn.acceptedCount()).toBe(1);
    expect((await attempts(task.id))[0]?.error).toContain('network_error');

    await makeDue();
    expect(await engine.sweep()).toBe(1);
    expect(await delivery(registration.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(standIn.acceptedCount()).toBe(1);
    expect((await taskRow(task.id))?.result).toEqual({ id: standIn.accepted()[0]?.id });
  });

  it('a stale holder whose lease was re-claimed gets lease-lost, and no second email', async () => {
    const slow = engineWith({ leaseMs: 1 });
    const { registration, task } = await enqueue(slow);
    await sleep(20);
    const sweeper = engineWith();
    expect(await sweeper.sweep()).toBe(1); // attempt 2 under the sweeper's lease: sent

    expect(await slow.run(task)).toBe('lease-lost'); // attempt 1, too late
    expect(standIn.acceptedCount()).toBe(1);
    expect(await delivery(registration.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect((await attempts(task.id)).map((a) => [a.number, a.outcome])).toEqual([
      [1, 'abandoned'],
      [2, 'succeeded'],
    ]);
  });

  it('a task of a kind nobody declared is dead-lettered at once, on the fast path and when claimed', async () => {
    const engine = engineWith();
    const { task } = await enqueue(engine, 'no-such-kind');
    expect(await engine.run(task)).toBe('dead');
    expect((await attempts(task.id))[0]?.error).toBe('PermanentError: no kind no-such-kind');
    const crashed = engineWith({ leaseMs: 1 });
    const orphan = await enqueue(crashed, 'no-such-kind');
    await sleep(20);
    expect(await engine.sweep()).toBe(1);
    expect((await taskRow(orphan.task.id))?.status).toBe('dead');
    expect(standIn.requestCount()).toBe(0);
  });

  it("a payload that does not parse as its kind's is dead-lettered at once, without a send", async () => {
    const engine = engineWith();
    const payload = { from: 'Riverside Marathon <race@example.com>', to: ['ada@example.com'], subject: 42 };
    const { registration, task } = await enqueue(engine, SEND_CONFIRMATION_EMAIL, payload);
    expect(await engine.run(task)).toBe('dead');
    expect(standIn.requestCount()).toBe(0);
    expect(await delivery(registration.id)).toMatchObject({ status: 'failed', attempts: 1 });
    const [attempt] = await attempts(task.id);
    expect(attempt?.outcome).toBe('dead');
    // The fields at fault and how, never their values (the task row is shown to admins).
    expect(attempt?.error).toBe(
      'PermanentError: invalid payload (to: invalid_type; subject: invalid_type; html: invalid_type; text: invalid_type)',
    );
    expect(attempt?.error).not.toContain('ada@example.com');
  });

  it('run() never throws: a store failure while recording becomes lease-lost', async () => {
    const broken: TaskStore = {
      ...tasks,
      finishBatch: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    };
    const engine = engineWith({ store: broken });
    const { registration, task } = await enqueue(engine);
    expect(await engine.run(task)).toBe('lease-lost');
    // The email went out; the task stays leased in its batch, so a later sweep re-sends it under the same
    // key (no duplicate).
    expect(standIn.acceptedCount()).toBe(1);
    expect(await delivery(registration.id)).toMatchObject({ status: 'sending', attempts: 1 });
    expect(logLines.some((l) => l.includes('batch.record_failed'))).toBe(true);
    await raw(`UPDATE tasks SET lease_expires_at = now() - interval '1 second'`);
    expect(await engineWith().sweep()).toBe(1);
    expect(await delivery(registration.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(standIn.acceptedCount()).toBe(1);
  });

  it('abort() ends an attempt whose outcome is unknown; the retry sends no second email', async () => {
    const engine = engineWith();
    const { registration, task } = await enqueue(engine);
    const gate = standIn.hold();
    const running = engine.run(task);
    await gate.waitForHeld(1);
    engine.abort();
    expect(await running).toBe('retry-scheduled');
    expect(await delivery(registration.id)).toMatchObject({ status: 'pending', attempts: 1 });
    // The provider goes on with the request it had received and accepts it, although we gave up on it.
    gate.release();
    await standIn.waitForAccepted(1);

    // Another engine (the next process) retries with the same key: the provider's id, no second email.
    const next = engineWith();
    await makeDue();
    expect(await next.sweep()).toBe(1);
    expect(await delivery(registration.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(standIn.acceptedForKey(await keyOf(task.id))).toBe(1);
    expect(standIn.acceptedCount()).toBe(1);
    expect((await taskRow(task.id))?.result).toEqual({ id: standIn.accepted()[0]?.id });
  });
});

/** The V8 garbage collector as a function, without --expose-gc on the command line. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('task engine: batches', () => {
  /** A kind (the confirmation's name) whose sends are recorded and behave as scripted (then succeed). */
  function scriptedBatches(script: (() => never)[]) {
    const calls: { batchId: string; payloads: unknown[] }[] = [];
    const kind: TaskKind = defineKind({
      name: SEND_CONFIRMATION_EMAIL,
      payload: z.unknown(),
      priority: 0,
      batchSize: 100,
      async send(payloads, { batchId }) {
        calls.push({ batchId, payloads });
        script.shift()?.();
        return payloads.map((_, i) => ({ ok: true as const, result: { id: `p-${i}` } }));
      },
    });
    return { calls, kind };
  }

  /** Three tasks whose fast-path holder died: a sweep claims them together. */
  async function threeAbandoned() {
    const gone = engineWith({ owner: 'gone' });
    const enqueued = [await enqueue(gone), await enqueue(gone), await enqueue(gone)];
    await raw(`UPDATE tasks SET lease_expires_at = now() - interval '1 second'`);
    return enqueued.map((e) => e.task.id).sort();
  }

  const batchIds = () => raw<{ batch_id: string | null }>('SELECT DISTINCT batch_id FROM tasks');

  it('an unknown outcome, then an error answer to the re-send: the same batch, key and order each time', async () => {
    const { calls, kind } = scriptedBatches([
      () => {
        throw new Error('connection reset'); // no answer: unknown outcome
      },
      () => {
        throw new AnsweredError('rate_limit_exceeded'); // an answer, but to a re-send: proves nothing
      },
    ]);
    const engine = engineWith({ kinds: [kind], retryBaseMs: 1 });
    const ids = await threeAbandoned();

    for (let i = 0; i < 3; i++) {
      expect(await engine.sweep()).toBe(3);
      if (i < 2) expect(await batchIds()).toEqual([{ batch_id: calls[0]!.batchId }]);
      await makeDue();
    }
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.batchId)).size).toBe(1);
    expect(new Set(calls.map((c) => JSON.stringify(c.payloads))).size).toBe(1);
    // Succeeded: the batch id is cleared from the tasks, and every attempt of theirs in it keeps it.
    expect(await batchIds()).toEqual([{ batch_id: null }]);
    const rows = await raw<{ task_id: string; outcome: string; batch_id: string | null }>(
      "SELECT task_id, outcome, batch_id FROM task_attempts WHERE outcome <> 'abandoned' ORDER BY id",
    );
    expect(rows.map((r) => r.batch_id)).toEqual(Array(9).fill(calls[0]!.batchId));
    expect([...new Set(rows.map((r) => r.task_id))].sort()).toEqual(ids);
    expect(rows.map((r) => r.outcome)).toEqual([...Array(6).fill('failed'), ...Array(3).fill('succeeded')]);
  });

  it('start(): tasks written pending by several requests at once share the next batch of their kind', async () => {
    // The first batch is held at its send, so the tasks started after it find a batch on its way and
    // gather into the next one (the window is long, so that they surely make it).
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const calls: string[][] = [];
    const kind: TaskKind = defineKind({
      name: SEND_CONFIRMATION_EMAIL,
      payload: z.unknown(),
      priority: 0,
      batchSize: 100,
      async send(payloads, { taskIds }) {
        calls.push(taskIds);
        if (calls.length === 1) await held;
        return payloads.map((_, i) => ({ ok: true as const, result: { id: `p-${i}` } }));
      },
    });
    const engine = engineWith({ kinds: [kind], batchWindowMs: 500 });
    // What a request writes pending and starts after its answer (a waitlist notice).
    const pending = async () => {
      const task = engine.task(kind.name, { note: 'written pending' }, { claim: true });
      expect(await store.insertRegistrationWithTask(newRegistration(DEFAULT_RACE.id), task)).toBe('stored');
      return task.id;
    };

    const first = await pending();
    const firstDone = engine.start([first]);
    await eventually(() => expect(calls).toHaveLength(1));
    const others = [await pending(), await pending(), await pending()];
    // Each as its own request would: one id per call.
    const othersDone = others.map((id) => engine.start([id]));
    await sleep(100);
    release();
    await Promise.all([firstDone, ...othersDone]);

    expect(calls).toEqual([[first], [...others].sort()]);
    const rows = await raw<{ status: string; attempts: number }>('SELECT status, attempts FROM tasks');
    expect(rows).toEqual(Array(4).fill({ status: 'succeeded', attempts: 1 }));
    // A task started again (a duplicate call) is not claimed twice: nothing more is sent.
    await engine.start([first]);
    expect(calls).toHaveLength(2);
  });

  it("an error answer to a batch's first request: nothing was sent, the next sweep forms a new batch", async () => {
    const { calls, kind } = scriptedBatches([
      () => {
        throw new AnsweredError('application_error');
      },
    ]);
    const engine = engineWith({ kinds: [kind], retryBaseMs: 1 });
    await threeAbandoned();
    expect(await engine.sweep()).toBe(3);
    expect(await batchIds()).toEqual([{ batch_id: null }]);
    await makeDue();
    expect(await engine.sweep()).toBe(3);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.batchId).not.toBe(calls[0]!.batchId);
  });

  it('skip: an email to a suppressed address ends cancelled as skipped, never sent; the others go in one batch', async () => {
    const engine = engineWith({ kinds: taskKinds({ mailer, suppressedAmong: store.suppressedAmong }) });
    const gone = engineWith({ owner: 'gone' });
    const enqueued = [await enqueue(gone), await enqueue(gone), await enqueue(gone)];
    await raw(`UPDATE tasks SET lease_expires_at = now() - interval '1 second'`);
    const [bounced, ...others] = enqueued;
    const address = bounced!.registration.email;
    const stored = await store.saveEmailEvent({
      svixId: 'msg_bounce',
      type: 'email.bounced',
      emailId: null,
      createdAt: null,
      payload: {},
      suppress: { reason: 'bounced', addresses: [address.trim().toLowerCase()] },
    });
    expect(stored).toBe(true);

    expect(await engine.sweep()).toBe(3);
    expect(acceptedFor(address)).toBe(0);
    for (const other of others) expect(acceptedFor(other.registration.email)).toBe(1);
    expect(standIn.acceptedRequests()).toHaveLength(1);
    expect(await taskRow(bounced!.task.id)).toMatchObject({ status: 'cancelled', result: { skipped: 'suppressed' } });
    expect(await attempts(bounced!.task.id)).toEqual([
      expect.objectContaining({ number: 1, outcome: 'abandoned' }),
      { number: 2, outcome: 'skipped', error: 'suppressed' },
    ]);
    expect(await delivery(bounced!.registration.id)).toMatchObject({ status: 'cancelled', delivery: 'suppressed' });
    // Nothing left to do for it: a later sweep finds nothing.
    await makeDue();
    expect(await engine.sweep()).toBe(0);
  });

  it('skip is never asked for a batch re-sent as it was: the re-send is the same request', async () => {
    const { calls, kind } = scriptedBatches([
      () => {
        throw new Error('connection reset'); // no answer: unknown outcome
      },
    ]);
    let asked = 0;
    const skipping: TaskKind = {
      ...kind,
      skip: async (payloads) => {
        asked++;
        // Suppressed between the first send and its re-send: too late to thin the batch.
        return payloads.map(() => (asked > 1 ? 'suppressed' : null));
      },
    };
    const engine = engineWith({ kinds: [skipping], retryBaseMs: 1 });
    await threeAbandoned();
    expect(await engine.sweep()).toBe(3);
    await makeDue();
    expect(await engine.sweep()).toBe(3);
    expect(asked).toBe(1);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual(calls[0]);
    const statuses = await raw<{ status: string }>('SELECT DISTINCT status FROM tasks');
    expect(statuses).toEqual([{ status: 'succeeded' }]);
  });
});
