// "Every registration gets exactly one email" under provider faults: ≥ 1,000 registrations while about a
// third of the sends fail in mixed ways (500, 429, hang past the timeout, accepted-then-dropped).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tools/postgres.js';
import { type ResendStandIn, startResendStandIn } from '../../tools/resend-stand-in.js';
import { waitUntilAllDelivered } from '../support/delivery.js';
import { FAST_RETRIES } from '../support/fast-retries.js';
import { registerMany } from '../support/load.js';
import { startNodeTarget, type Target } from '../support/targets.js';

describe('provider faults', () => {
  let db: TestDatabase;
  let resend: ResendStandIn;
  let target: Target;

  beforeAll(async () => {
    db = await createTestDatabase('fl_faults');
    resend = await startResendStandIn();
    target = await startNodeTarget({
      databaseUrl: db.url,
      env: { RESEND_API_KEY: resend.apiKey, RESEND_BASE_URL: resend.url, ...FAST_RETRIES },
    });
  });
  afterAll(async () => {
    await target?.stop();
    await resend?.close();
    await db?.drop();
  });

  it('1,000 registrations, ~32 % of sends failing: every one gets exactly one email', async () => {
    // P(no fault) = 0.88 · 0.9 · 0.95 · 0.9 ≈ 0.68
    resend.setFaults({ error500: 0.12, rateLimit429: 0.1, hang: 0.05, acceptThenDrop: 0.1 });
    const sent = await registerMany(() => target.url, 1000, 25);
    expect(sent.filter((s) => s.status !== 201)).toEqual([]);

    await waitUntilAllDelivered(db, 120_000);

    for (const { email } of sent) expect(resend.acceptedFor(email), email).toBe(1);
    expect(resend.acceptedCount()).toBe(1000);
    const keys = new Set(resend.accepted().map((e) => e.idempotencyKey));
    expect(keys.size).toBe(1000);

    // The faults really happened: about a third of all attempts failed, each kind at least once.
    const outcomes = await db.query<{ outcome: string; error: string | null; n: number }>(
      'SELECT outcome, error, count(*)::int AS n FROM task_attempts GROUP BY outcome, error',
    );
    const total = outcomes.reduce((sum, o) => sum + o.n, 0);
    const failed = outcomes.filter((o) => o.outcome === 'failed').reduce((sum, o) => sum + o.n, 0);
    expect(failed / total).toBeGreaterThan(0.25);
    const errors = outcomes.map((o) => o.error ?? '');
    for (const kind of ['application_error', 'rate_limit_exceeded', 'timeout', 'network_error']) {
      expect(
        errors.some((e) => e.includes(kind)),
        kind,
      ).toBe(true);
    }
    const [dead] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM tasks WHERE status = 'dead'");
    expect(dead!.n).toBe(0);
    // A safety net, not a speed claim: on a loaded machine (another test run beside this one) the
    // retries take longer; the inner wait allows 120 s, so the test as a whole must allow more.
  }, 240_000);
});
