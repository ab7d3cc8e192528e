// Permanent errors dead-letter after one attempt and an admin replay delivers once; account-wide
// failures pause delivery for everyone without burning any task's attempts.
import { beforeEach, describe, expect, it } from 'vitest';
import { FAST_RETRIES } from '../support/fast-retries.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { useStack } from '../support/stack.js';
import { startNodeTarget } from '../support/targets.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('dead letters and pauses', () => {
  const stack = useStack('fl_dead', startNodeTarget, {
    ADMIN_TOKEN,
    ...FAST_RETRIES,
    // Long enough to observe the pause; retries themselves stay fast (base 20 ms).
    TASK_RETRY_MAX_MS: '1500',
  });
  beforeEach(() => stack.resend.reset());

  async function taskOf(registrationId: string) {
    const [task] = await stack.db.query<{ id: string; status: string; attempts: number }>(
      'SELECT id, status, attempts FROM tasks WHERE registration_id = $1',
      [registrationId],
    );
    return task!;
  }

  it('a permanent error dead-letters after one attempt; replay through the admin API delivers once', async () => {
    stack.resend.failNext(1, { status: 422, name: 'validation_error', message: 'The `to` field is invalid.' });
    const input = runner();
    const { id } = await (await post(stack.target, '/api/registrations', input)).json();
    await eventually(async () => expect((await taskOf(id)).status).toBe('dead'));
    const task = await taskOf(id);
    expect(task.attempts).toBe(1);
    expect((await (await fetch(`${stack.target.url}/api/registrations/${id}`)).json()).email.status).toBe('failed');

    const listed = await (await fetch(`${stack.target.url}/api/admin/tasks?status=dead`, { headers: admin })).json();
    expect(listed.tasks.map((t: { id: string }) => t.id)).toContain(task.id);
    expect(listed.tasks[0].lastError).toContain('validation_error');
    expect((await fetch(`${stack.target.url}/api/admin/tasks/${task.id}/retry`, { method: 'POST' })).status).toBe(401);

    const replay = await fetch(`${stack.target.url}/api/admin/tasks/${task.id}/retry`, {
      method: 'POST',
      headers: admin,
    });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ id: task.id, status: 'pending' });
    await eventually(async () => expect((await taskOf(id)).status).toBe('succeeded'));
    expect(stack.resend.acceptedFor(input.email)).toBe(1);
    // Sent in a batch of its own: the batch id of its succeeded attempt was the Idempotency-Key.
    const [sent] = await stack.db.query<{ batch_id: string }>(
      "SELECT batch_id FROM task_attempts WHERE task_id = $1 AND outcome = 'succeeded'",
      [task.id],
    );
    expect(stack.resend.acceptedForKey(sent!.batch_id)).toBe(1);
    // Replaying again is refused: it is no longer a dead letter.
    const again = await fetch(`${stack.target.url}/api/admin/tasks/${task.id}/retry`, {
      method: 'POST',
      headers: admin,
    });
    expect(again.status).toBe(409);
  });

  it('an invalid key pauses delivery for everyone; no task burns an attempt; delivery resumes', async () => {
    stack.resend.failNext(1, { status: 403, name: 'invalid_api_key', message: 'API key is invalid' });
    const first = runner();
    const { id: firstId } = await (await post(stack.target, '/api/registrations', first)).json();
    await eventually(async () => {
      const ready = await (await fetch(`${stack.target.url}/readyz`)).json();
      expect(ready.delivery).toMatchObject({ state: 'paused', reason: 'invalid_api_key' });
    });
    // Registrations keep being accepted while paused; their emails wait.
    const others = [runner(), runner(), runner()];
    for (const input of others) expect((await post(stack.target, '/api/registrations', input)).status).toBe(201);
    expect(stack.resend.acceptedCount()).toBe(0);

    await eventually(async () => {
      for (const input of [first, ...others]) expect(stack.resend.acceptedFor(input.email)).toBe(1);
    }, 15_000);
    // The paused attempt gave its number back: every task succeeded on its first counted attempt.
    const emails = [first, ...others].map((input) => input.email);
    await eventually(async () => {
      const tasks = await stack.db.query<{ attempts: number; status: string }>(
        `SELECT t.attempts, t.status FROM tasks t JOIN registrations r ON r.id = t.registration_id
         WHERE r.email = ANY($1::text[])`,
        [emails],
      );
      expect(tasks).toEqual(Array(4).fill({ attempts: 1, status: 'succeeded' }));
    });
    expect((await taskOf(firstId)).attempts).toBe(1);
    const outcomes = await stack.db.query<{ outcome: string }>(
      'SELECT a.outcome FROM task_attempts a JOIN tasks t ON t.id = a.task_id WHERE t.registration_id = $1 ORDER BY a.id',
      [firstId],
    );
    expect(outcomes.map((o) => o.outcome)).toEqual(['paused', 'succeeded']);
    expect((await (await fetch(`${stack.target.url}/readyz`)).json()).delivery).toEqual({ state: 'running' });
  });

  it("the provider's edge refusing the request (403, not JSON) pauses delivery as a configuration failure", async () => {
    stack.resend.failNext(1, 'edgeRefused');
    const input = runner();
    const { id } = await (await post(stack.target, '/api/registrations', input)).json();
    await eventually(async () => {
      const ready = await (await fetch(`${stack.target.url}/readyz`)).json();
      expect(ready.delivery).toMatchObject({ state: 'paused', reason: 'edge_refused' });
    });
    // Nothing burned an attempt or became a dead letter; once the pause ends the email goes out once.
    await eventually(() => expect(stack.resend.acceptedFor(input.email)).toBe(1), 15_000);
    await eventually(async () => expect(await taskOf(id)).toMatchObject({ status: 'succeeded', attempts: 1 }));
  });
});
