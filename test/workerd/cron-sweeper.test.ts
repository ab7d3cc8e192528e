// The Workers sweeper: the Cron Trigger's `scheduled` handler, run inside workerd, claims due tasks
// (a retry scheduled after a failed first attempt) and delivers them exactly once, as one batch.
import { describe, expect, it } from 'vitest';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { useStack } from '../support/stack.js';
import { startWorkerdTarget } from '../support/targets.js';

describe('Cron sweeper in workerd', () => {
  const stack = useStack('fl_cron', startWorkerdTarget, { TASK_RETRY_BASE_MS: '1', TASK_RETRY_MAX_MS: '1' });

  it('retries what the fast path could not deliver', async () => {
    const { db, resend, target } = stack;
    resend.failNext(3, 'error500');
    const inputs = [runner(), runner(), runner()];
    for (const input of inputs) expect((await post(target, '/api/registrations', input)).status).toBe(201);
    // The three fast-path attempts fail; their tasks wait for the sweeper, due after a 1 ms backoff.
    await eventually(async () => {
      const due = await db.query("SELECT 1 FROM tasks WHERE status = 'pending' AND run_at <= now()");
      expect(due, 'the fast-path attempts did not fail as injected').toHaveLength(3);
    });
    expect(resend.acceptedCount()).toBe(0);
    const requestsBefore = resend.requestCount();

    await target.scheduled!();

    for (const input of inputs) expect(resend.acceptedFor(input.email)).toBe(1);
    // The sweeper sent its three due tasks as one batch: one provider request, one key for the three.
    expect(resend.requestCount() - requestsBefore).toBe(1);
    expect(new Set(resend.accepted().map((e) => e.idempotencyKey)).size).toBe(1);
    const tasks = await db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM tasks');
    expect(tasks).toEqual(Array(3).fill({ status: 'succeeded', attempts: 2 }));
    // A second run finds nothing to do and sends nothing.
    await target.scheduled!();
    expect(resend.acceptedCount()).toBe(3);
  });
});
