// Crashes: the Node service as a real process, killed with SIGKILL (no shutdown, no cleanup) three
// times while 300+ registrations arrive, restarted each time. Afterwards every registration that was
// answered 201 has exactly one email, and nothing was emailed for a registration that was not stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tools/postgres.js';
import { type ResendStandIn, startResendStandIn } from '../../tools/resend-stand-in.js';
import { waitUntilAllDelivered } from '../support/delivery.js';
import { FAST_RETRIES } from '../support/fast-retries.js';
import { registerMany } from '../support/load.js';
import { type ServiceProcess, startServiceProcess } from '../support/processes.js';

describe('crashes', () => {
  let db: TestDatabase;
  let resend: ResendStandIn;
  let service: ServiceProcess | undefined;
  const start = () =>
    startServiceProcess({
      DATABASE_URL: db.url,
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
      ...FAST_RETRIES,
    });

  beforeAll(async () => {
    db = await createTestDatabase('fl_crash');
    resend = await startResendStandIn({ latencyMs: 40 });
  });
  afterAll(async () => {
    await service?.stop('SIGKILL');
    await resend?.close();
    await db?.drop();
  });

  it('SIGKILL ×3 during 360 registrations: each stored registration gets exactly one email', async () => {
    resend.setFaults({ error500: 0.1, acceptThenDrop: 0.05 });
    service = await start();
    let kills = 0;
    let restarting: Promise<void> | undefined;
    const sent = await registerMany(
      () => service!.url,
      360,
      8,
      async (_answer, index) => {
        // Kill mid-stream, with requests and attempts in flight; the next requests wait for the restart.
        if (index > 0 && index % 90 === 0 && kills < 3 && !restarting) {
          kills += 1;
          restarting = (async () => {
            await service!.stop('SIGKILL');
            service = await start();
          })();
        }
        if (restarting) {
          await restarting;
          restarting = undefined;
        }
      },
    );
    expect(kills).toBe(3);
    const answered = sent.filter((s) => s.status === 201);
    expect(answered.length).toBeGreaterThanOrEqual(300);
    expect(sent.every((s) => s.status === 201 || s.status === 0)).toBe(true);
    // The kills hit requests in flight (their connections were reset).
    expect(sent.some((s) => s.status === 0)).toBe(true);

    // The last process (its sweeper ran at start) resumes what the killed ones left.
    await waitUntilAllDelivered(db, 90_000);

    const stored = new Set((await db.query<{ email: string }>('SELECT email FROM registrations')).map((r) => r.email));
    for (const { email } of answered) {
      expect(stored.has(email), email).toBe(true);
      expect(resend.acceptedFor(email), email).toBe(1);
    }
    for (const { email } of sent.filter((s) => s.status === 0)) {
      // Killed before answering: stored (then mailed once) or not stored (then never mailed).
      expect(resend.acceptedFor(email), email).toBe(stored.has(email) ? 1 : 0);
    }
    expect(resend.acceptedCount()).toBe(stored.size);
    // A safety net, not a speed claim: four service starts (tsx loading the service) and the wait for
    // delivery (90 s allowed above) outlast vitest's default 60 s on a loaded machine.
  }, 240_000);
});
