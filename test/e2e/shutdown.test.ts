// Graceful shutdown (SIGTERM): stop accepting, let attempts in flight finish within SHUTDOWN_GRACE_MS,
// abort and record the rest, release the tasks that had not started — no attempt half-recorded,
// no lease left behind. After a restart every registration is delivered exactly once.
import { afterAll, describe, expect, it } from 'vitest';
import { waitUntilDelivered } from '../support/delivery.js';
import { FAST_RETRIES } from '../support/fast-retries.js';
import { runner } from '../support/fixtures.js';
import { post } from '../support/http.js';
import { type ServiceProcess, startServiceProcess } from '../support/processes.js';
import { useStack } from '../support/stack.js';

describe('graceful shutdown', () => {
  // The services are processes of their own, started by the tests: no target here.
  const stack = useStack('fl_shutdown', null, {}, { resend: { latencyMs: 1500 } });
  let service: ServiceProcess | undefined;
  const start = (extra: Record<string, string> = {}) =>
    startServiceProcess({
      DATABASE_URL: stack.db.url,
      RESEND_API_KEY: stack.resend.apiKey,
      RESEND_BASE_URL: stack.resend.url,
      ...FAST_RETRIES,
      TASK_TIMEOUT_MS: '5000',
      TASK_LEASE_MS: '60000',
      ...extra,
    });

  afterAll(async () => {
    await service?.stop('SIGKILL');
  });

  it('SIGTERM with attempts in flight and tasks waiting for a send slot', async () => {
    service = await start({ EMAIL_RATE_LIMIT_PER_SEC: '1', SHUTDOWN_GRACE_MS: '300' });
    const target = { url: service.url };
    const [first, ...rest] = Array.from({ length: 20 }, () => runner());
    const inputs = [first!, ...rest];
    // The first registration's batch goes out at once and the provider holds it: in flight at SIGTERM.
    const gate = stack.resend.hold();
    expect((await post(target, '/api/registrations', first)).status).toBe(201);
    await gate.waitForHeld(1);
    // Every later slot of the account's budget is 10 s away (well within the lease): the others'
    // batch reserves one and waits for it, whatever the machine's load, until SIGTERM.
    await stack.db.query("UPDATE send_budget SET next_at = now() + interval '10 seconds'");
    const answers = await Promise.all(rest.map((input) => post(target, '/api/registrations', input)));
    expect(answers.map((a) => a.status)).toEqual(Array(19).fill(201));

    expect(await service.stop('SIGTERM')).toBe(0);
    expect(service.output()).toContain('"event":"service.stopped","drained":false');
    gate.release();

    // Nothing is left running or leased: each task is pending again (aborted attempts recorded as
    // failed, unstarted ones released without burning an attempt).
    const tasks = await stack.db.query<{
      status: string;
      attempts: number;
      lease_owner: string | null;
      recorded: number;
    }>(
      `SELECT status, attempts, lease_owner,
              (SELECT count(*)::int FROM task_attempts a WHERE a.task_id = t.id AND a.outcome <> 'paused') AS recorded
       FROM tasks t`,
    );
    expect(tasks).toHaveLength(20);
    for (const task of tasks) {
      expect(task.status).not.toBe('running');
      expect(task.lease_owner).toBeNull();
      expect(task.recorded).toBe(task.attempts);
    }
    expect(tasks.some((t) => t.attempts === 0)).toBe(true); // released before starting
    expect(tasks.some((t) => t.attempts === 1)).toBe(true); // aborted mid-flight, recorded

    // A restart delivers everything, exactly once (the budget back to now).
    stack.resend.setLatency(0);
    await stack.db.query('DELETE FROM send_budget');
    service = await start();
    await waitUntilDelivered(
      stack.db,
      inputs.map((input) => input.email),
      30_000,
    );
    for (const input of inputs) expect(stack.resend.acceptedFor(input.email)).toBe(1);
    expect(stack.resend.acceptedCount()).toBe(20);
  });
});
