// Metrics: tasks by state (in all and per kind), attempts by outcome, dead letters, the oldest pending
// task's age, and what became of the emails (Resend's webhooks, through the real route) — as Prometheus
// text at /metrics and as JSON in the admin API, admin-protected, agreeing with the database.
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, webhookHeaders } from '../../tools/webhook-signer.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { useStack } from '../support/stack.js';
import { startNodeTarget } from '../support/targets.js';

const ADMIN_TOKEN = 'metrics-admin-token-0123456789';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const WEBHOOK_SECRET = newWebhookSecret();

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
    RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
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

  it('count emails by delivery outcome, events by type, skipped emails and suppressed addresses', async () => {
    const before = await (await fetch(`${stack.target.url}/api/admin/metrics`, { headers: auth })).json();
    /** The runner's latest confirmation once it has settled (sent, or skipped): its result. */
    const settled = async (email: string) => {
      let result: { id?: string; skipped?: string } | undefined;
      await eventually(async () => {
        const [row] = await stack.db.query<{ status: string; result: { id?: string; skipped?: string } }>(
          `SELECT t.status, t.result FROM tasks t JOIN registrations r ON r.id = t.registration_id
           WHERE r.email = $1 AND t.kind = 'send-confirmation-email' ORDER BY t.created_at DESC LIMIT 1`,
          [email],
        );
        expect(['succeeded', 'cancelled']).toContain(row?.status);
        result = row?.result;
      });
      return result!;
    };
    const first = runner();
    const second = runner();
    await post(stack.target, '/api/registrations', first);
    const one = (await settled(first.email)).id!;
    await post(stack.target, '/api/registrations', second);
    const two = (await settled(second.email)).id!;
    let n = 0;
    const webhook = async (type: string, emailId: string, to: string, extra: Record<string, unknown> = {}) => {
      const body = JSON.stringify({
        type,
        created_at: new Date().toISOString(),
        data: { email_id: emailId, to: [to], subject: 'You are in', ...extra },
      });
      const id = `msg_metrics_${Date.now()}_${++n}`;
      const res = await fetch(`${stack.target.url}/api/webhooks/resend`, {
        method: 'POST',
        headers: webhookHeaders(WEBHOOK_SECRET, id, body),
        body,
      });
      expect(res.status).toBe(200);
    };
    // The first delivered (then opened), the second bounced — its late `email.delivered` moves nothing back.
    await webhook('email.delivered', one, first.email);
    await webhook('email.opened', one, first.email);
    await webhook('email.bounced', two, second.email, { bounce: { type: 'Permanent' } });
    await webhook('email.delivered', two, second.email);

    const json = await (await fetch(`${stack.target.url}/api/admin/metrics`, { headers: auth })).json();
    const grew = (now: Record<string, number>, then: Record<string, number>, key: string) =>
      (now[key] ?? 0) - (then[key] ?? 0);
    expect(grew(json.emailDeliveries, before.emailDeliveries, 'delivered')).toBe(1);
    expect(grew(json.emailDeliveries, before.emailDeliveries, 'bounced')).toBe(1);
    expect(grew(json.registrationDeliveries, before.registrationDeliveries, 'bounced')).toBe(1);
    expect(grew(json.emailEventsByType, before.emailEventsByType, 'email.delivered')).toBe(2);
    expect(grew(json.emailEventsByType, before.emailEventsByType, 'email.opened')).toBe(1);
    expect(json.suppressedAddresses - before.suppressedAddresses).toBe(1);

    const samples = parsePrometheus(await (await fetch(`${stack.target.url}/metrics`, { headers: auth })).text());
    for (const [outcome, count] of Object.entries(json.emailDeliveries as Record<string, number>)) {
      expect(samples.get(`finishline_email_deliveries{outcome="${outcome}"}`), outcome).toBe(count);
    }
    expect(samples.get('finishline_registration_deliveries{outcome="bounced"}')).toBe(
      json.registrationDeliveries.bounced,
    );
    expect(samples.get('finishline_email_events_total{type="email.bounced"}')).toBe(
      json.emailEventsByType['email.bounced'],
    );
    expect(samples.get('finishline_suppressed_addresses')).toBe(json.suppressedAddresses);

    // The bounced runner asks for their confirmation again: the engine skips it (the address is suppressed).
    // (The re-send is written after the answer: until then the latest confirmation is the first one.)
    await post(stack.target, '/api/registrations/resend-confirmation', { email: second.email });
    await eventually(async () => expect(await settled(second.email)).toEqual({ skipped: 'suppressed' }));
    const after = await (await fetch(`${stack.target.url}/api/admin/metrics`, { headers: auth })).json();
    expect(grew(after.emailsSkipped, json.emailsSkipped, 'suppressed')).toBe(1);
    const text = await (await fetch(`${stack.target.url}/metrics`, { headers: auth })).text();
    expect(parsePrometheus(text).get('finishline_emails_skipped_total{reason="suppressed"}')).toBe(
      after.emailsSkipped.suppressed,
    );
  });

  it('are admin-protected', async () => {
    for (const path of ['/metrics', '/api/admin/metrics']) {
      const res = await fetch(`${stack.target.url}${path}`);
      expect(res.status, path).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
    }
  });
});
