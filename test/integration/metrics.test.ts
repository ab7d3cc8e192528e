// Metrics: tasks by state (in all and per kind), attempts by outcome, dead letters, the oldest pending
// task's age — as Prometheus text at /metrics and as JSON in the admin API, admin-protected, agreeing
// with the database.
import { describe, expect, it } from 'vitest';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { useStack } from '../support/stack.js';
import { startNodeTarget } from '../support/targets.js';

const ADMIN_TOKEN = 'metrics-admin-token-0123456789';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-z_]+(?:\{[^}]*\})?) (-?[\d.]+(?:e[+-]?\d+)?)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

describe('metrics', () => {
  const stack = useStack('fl_metrics', startNodeTarget, {
    ADMIN_TOKEN,
    TASK_RETRY_BASE_MS: '3600000',
    TASK_RETRY_MAX_MS: '3600000',
    TASK_SWEEP_INTERVAL_MS: '3600000',
  });

  it('agree with the database, in both formats', async () => {
    // Each settled before the next, which would otherwise join its batch (and share its fate).
    const settled = () =>
      eventually(async () => {
        const rows = await stack.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM tasks WHERE status = 'running'",
        );
        expect(rows[0]!.n).toBe(0);
      });
    stack.resend.failNext(1, { status: 422, name: 'validation_error' });
    await post(stack.target, '/api/registrations', runner()); // → dead letter
    await settled();
    stack.resend.failNext(1, 'error500');
    await post(stack.target, '/api/registrations', runner()); // → pending, retry in an hour
    await settled();
    await post(stack.target, '/api/registrations', runner()); // → succeeded
    await settled();
    // Make the waiting task due and two minutes old, as after an outage.
    await stack.db.query(
      "UPDATE tasks SET run_at = now() - interval '1 minute', created_at = now() - interval '2 minutes' WHERE status = 'pending'",
    );
    // Tasks of another kind, as the next kinds will write them: one scheduled for tomorrow, one cancelled.
    await stack.db.query(`
      INSERT INTO tasks (id, kind, payload, status, max_attempts, run_at, priority, key)
      VALUES (gen_random_uuid(), 'send-reminder-email', '{}'::jsonb, 'pending', 3, now() + interval '1 day', 10, 'r-1'),
             (gen_random_uuid(), 'send-reminder-email', '{}'::jsonb, 'cancelled', 3, now(), 10, 'r-2')`);

    const json = await (await fetch(`${stack.target.url}/api/admin/metrics`, { headers: auth })).json();
    const none = { pending: 0, running: 0, succeeded: 0, dead: 0, cancelled: 0 };
    expect(json.tasksByStatus).toEqual({ ...none, pending: 2, succeeded: 1, dead: 1, cancelled: 1 });
    expect(json.tasksByKind).toEqual({
      'send-confirmation-email': { ...none, pending: 1, succeeded: 1, dead: 1 },
      'send-reminder-email': { ...none, pending: 1, cancelled: 1 },
    });
    expect(json.attemptsByOutcome).toEqual({ succeeded: 1, failed: 1, dead: 1 });
    // Created two minutes ago (it only grows), and counted in seconds, not milliseconds.
    expect(json.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(119);
    expect(json.oldestPendingAgeSeconds).toBeLessThan(120_000);
    expect(json.delivery).toEqual({ state: 'running' });

    const res = await fetch(`${stack.target.url}/metrics`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const samples = parsePrometheus(await res.text());
    expect(samples.get('finishline_tasks{status="pending"}')).toBe(2);
    expect(samples.get('finishline_tasks{status="dead"}')).toBe(1);
    expect(samples.get('finishline_tasks{status="cancelled"}')).toBe(1);
    // Per kind in a family of its own, so that sum(finishline_tasks) counts each task once.
    const byKind = [...samples].filter(([name]) => name.startsWith('finishline_tasks_by_kind{'));
    expect(byKind).toHaveLength(2 * 5);
    expect(samples.get('finishline_tasks_by_kind{kind="send-confirmation-email",status="pending"}')).toBe(1);
    expect(samples.get('finishline_tasks_by_kind{kind="send-confirmation-email",status="dead"}')).toBe(1);
    expect(samples.get('finishline_tasks_by_kind{kind="send-reminder-email",status="pending"}')).toBe(1);
    expect(samples.get('finishline_tasks_by_kind{kind="send-reminder-email",status="cancelled"}')).toBe(1);
    expect(samples.get('finishline_tasks_by_kind{kind="send-reminder-email",status="running"}')).toBe(0);
    expect(samples.get('finishline_task_attempts_total{outcome="failed"}')).toBe(1);
    expect(samples.get('finishline_dead_letters')).toBe(1);
    expect(samples.get('finishline_oldest_pending_task_age_seconds')).toBeGreaterThanOrEqual(119);
    expect(samples.get('finishline_delivery_paused')).toBe(0);
  });

  it('are admin-protected', async () => {
    for (const path of ['/metrics', '/api/admin/metrics']) {
      const res = await fetch(`${stack.target.url}${path}`);
      expect(res.status, path).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
    }
  });
});
