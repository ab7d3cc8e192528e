// Batched sends (POST /emails/batch) through a Node service, real Postgres and the Resend stand-in:
// a lone registration goes at once in a batch of one; a batch's refused email is dead alone; a batch
// whose outcome is unknown is re-sent as it was, under the same key, and no email goes twice.
//
// To get a batch of several on purpose, the first registration's send is held at the stand-in's gate:
// the registrations that follow find a batch on its way and gather into the next one, which the batch
// window (long here, so that they surely make it) lets them join.
import { beforeEach, describe, expect, it } from 'vitest';
import type { FaultName } from '../../tools/resend-stand-in.js';
import { waitUntilDelivered } from '../support/delivery.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { useStack } from '../support/stack.js';
import { startNodeTarget } from '../support/targets.js';

describe('batched sends', () => {
  const stack = useStack('fl_batches', startNodeTarget, {
    TASK_TIMEOUT_MS: '3000',
    TASK_LEASE_MS: '15000',
    TASK_RETRY_BASE_MS: '20',
    TASK_RETRY_MAX_MS: '300',
    TASK_SWEEP_INTERVAL_MS: '100',
    EMAIL_RATE_LIMIT_PER_SEC: '2000',
    EMAIL_BATCH_WINDOW_MS: '1000',
  });
  beforeEach(() => stack.resend.reset());

  async function attemptsOf(email: string) {
    return stack.db.query<{ task_id: string; outcome: string; batch_id: string | null; error: string | null }>(
      `SELECT a.task_id, a.outcome, a.batch_id, a.error FROM task_attempts a
       JOIN tasks t ON t.id = a.task_id JOIN registrations r ON r.id = t.registration_id
       WHERE r.email_normalized = $1 ORDER BY a.id`,
      [email.toLowerCase()],
    );
  }

  /** One registration held at the gate, then `n` more gathered into the next batch (also held). */
  async function heldBatchOf(n: number, beforeSecond: () => void = () => {}) {
    const gate = stack.resend.hold();
    const first = runner();
    expect((await post(stack.target, '/api/registrations', first)).status).toBe(201);
    await gate.waitForHeld(1);
    beforeSecond();
    const inputs = Array.from({ length: n }, () => runner());
    const answers = await Promise.all(inputs.map((input) => post(stack.target, '/api/registrations', input)));
    expect(answers.map((a) => a.status)).toEqual(Array(n).fill(201));
    return { gate, first, inputs };
  }

  it('a lone registration at low load is sent at once, in a batch of one', async () => {
    const input = runner();
    expect((await post(stack.target, '/api/registrations', input)).status).toBe(201);
    // Nothing else arrives: it is delivered all the same, by its own fast path (one request, no retry).
    await waitUntilDelivered(stack.db, [input.email]);
    expect(stack.resend.acceptedFor(input.email)).toBe(1);
    expect(stack.resend.requestCount()).toBe(1);
    const [attempt, ...more] = await attemptsOf(input.email);
    expect(more).toEqual([]);
    expect(attempt).toMatchObject({ outcome: 'succeeded', batch_id: expect.any(String) });
    expect(stack.resend.acceptedForKey(attempt!.batch_id!)).toBe(1);
  });

  it('an email refused inside a batch: only its task is dead, the others are sent once', async () => {
    const { gate, first, inputs } = await heldBatchOf(4);
    const refused = inputs[1]!;
    stack.resend.refuseRecipients([refused.email]);
    await gate.waitForHeld(2);
    gate.release();

    const sent = [first, ...inputs].filter((i) => i !== refused);
    await waitUntilDelivered(
      stack.db,
      sent.map((i) => i.email),
    );
    await eventually(async () => expect((await attemptsOf(refused.email)).map((a) => a.outcome)).toEqual(['dead']));
    for (const input of sent) expect(stack.resend.acceptedFor(input.email)).toBe(1);
    expect(stack.resend.acceptedFor(refused.email)).toBe(0);
    // One batch of four: its three accepted emails under one key, the refused one dead with its own error.
    const [dead] = await attemptsOf(refused.email);
    expect(dead!.error).toContain('validation_error');
    const batchIds = await Promise.all(inputs.map(async (i) => (await attemptsOf(i.email))[0]?.batch_id));
    expect(new Set(batchIds).size).toBe(1);
    expect(stack.resend.acceptedForKey(batchIds[0]!)).toBe(3);
    const [task] = await stack.db.query<{ status: string; last_error: string; batch_id: string | null }>(
      `SELECT t.status, t.last_error, t.batch_id FROM tasks t JOIN registrations r ON r.id = t.registration_id
       WHERE r.email_normalized = $1`,
      [refused.email.toLowerCase()],
    );
    expect(task).toMatchObject({
      status: 'dead',
      last_error: expect.stringContaining('validation_error'),
      batch_id: null,
    });
  });

  it.each<FaultName>(['hang', 'acceptThenDrop'])(
    'a batch whose outcome is unknown (%s) is re-sent as it was, under the same key: each email once',
    async (fault) => {
      // The next request (the batch of four) meets the fault.
      const { gate, first, inputs } = await heldBatchOf(4, () => stack.resend.failNext(1, fault));
      await gate.waitForHeld(2);
      gate.release();

      await waitUntilDelivered(
        stack.db,
        [first, ...inputs].map((i) => i.email),
      );
      for (const input of [first, ...inputs]) expect(stack.resend.acceptedFor(input.email)).toBe(1);
      // Every task of the batch: a failed attempt (outcome unknown), then a succeeded one, both in the
      // same batch — never re-formed while the outcome was unknown.
      const histories = await Promise.all(inputs.map((i) => attemptsOf(i.email)));
      const batchId = histories[0]![0]!.batch_id!;
      for (const history of histories) {
        expect(history.map((a) => a.outcome)).toEqual(['failed', 'succeeded']);
        expect(history.map((a) => a.batch_id)).toEqual([batchId, batchId]);
        expect(history[0]!.error).toMatch(fault === 'hang' ? /timeout/ : /network_error/);
      }
      // The stand-in saw that key twice and accepted each of the four emails once.
      expect(stack.resend.requestsForKey(batchId)).toBe(2);
      expect(stack.resend.acceptedForKey(batchId)).toBe(4);
      const tasks = await stack.db.query<{ batch_id: string | null }>(
        'SELECT batch_id FROM tasks WHERE id = ANY($1::uuid[])',
        [histories.map((h) => h[0]!.task_id)],
      );
      // The outcome is known now: the batch id is cleared from the tasks (their attempts keep it).
      expect(tasks).toEqual(Array(4).fill({ batch_id: null }));
    },
    30_000,
  );
});

describe('replaying a batch that died while its outcome was unknown', () => {
  const ADMIN_TOKEN = 'batch-admin-token-0123456789';
  const stack = useStack('fl_batch_replay', startNodeTarget, {
    ADMIN_TOKEN,
    TASK_MAX_ATTEMPTS: '1',
    TASK_TIMEOUT_MS: '1000',
    TASK_LEASE_MS: '5000',
    TASK_SWEEP_INTERVAL_MS: '100',
    EMAIL_RATE_LIMIT_PER_SEC: '2000',
    EMAIL_BATCH_WINDOW_MS: '1000',
  });

  it('replays the whole batch under its key: each email once, none refused as a different body', async () => {
    // A held first send, then three registrations gathered into the next batch, which hangs: its one
    // attempt times out (outcome unknown) and the batch dies whole, keeping its id.
    const gate = stack.resend.hold();
    const first = runner();
    expect((await post(stack.target, '/api/registrations', first)).status).toBe(201);
    await gate.waitForHeld(1);
    stack.resend.failNext(1, 'hang');
    const inputs = [runner(), runner(), runner()];
    for (const input of inputs) expect((await post(stack.target, '/api/registrations', input)).status).toBe(201);
    await gate.waitForHeld(2);
    gate.release();
    const deadOf = () =>
      stack.db.query<{ id: string; batch_id: string | null }>(
        `SELECT t.id, t.batch_id FROM tasks t JOIN registrations r ON r.id = t.registration_id
         WHERE t.status = 'dead' AND r.email_normalized = ANY($1::text[])`,
        [inputs.map((i) => i.email.toLowerCase())],
      );
    await eventually(async () => expect(await deadOf()).toHaveLength(3), 15_000);
    const dead = await deadOf();
    const batchId = dead[0]!.batch_id!;
    expect(batchId).toBeTruthy();
    expect(dead.every((t) => t.batch_id === batchId)).toBe(true);

    // The admin replays ONE of them: the batch goes again as it was.
    const res = await fetch(`${stack.target.url}/api/admin/tasks/${dead[0]!.id}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    await waitUntilDelivered(
      stack.db,
      inputs.map((i) => i.email),
    );
    for (const input of [first, ...inputs]) expect(stack.resend.acceptedFor(input.email)).toBe(1);
    expect(stack.resend.requestsForKey(batchId)).toBe(2);
    expect(stack.resend.acceptedForKey(batchId)).toBe(3);
  }, 30_000);
});
