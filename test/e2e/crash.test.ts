// Crashes: the Node service as a real process, killed with SIGKILL (no shutdown, no cleanup) three
// times while 300+ registrations arrive, restarted each time. Afterwards every registration that was
// answered 201 has exactly one email, and nothing was emailed for a registration that was not stored.
import { afterAll, describe, expect, it } from 'vitest';
import { waitUntilAllDelivered } from '../support/delivery.js';
import { FAST_RETRIES } from '../support/fast-retries.js';
import { registerMany } from '../support/load.js';
import { type ServiceProcess, startServiceProcess } from '../support/processes.js';
import { useStack } from '../support/stack.js';

describe('crashes', () => {
  // The services are processes of their own, started by the tests: no target here.
  const stack = useStack('fl_crash', null, {}, { resend: { latencyMs: 40 } });
  let service: ServiceProcess | undefined;
  const start = () =>
    startServiceProcess({
      DATABASE_URL: stack.db.url,
      RESEND_API_KEY: stack.resend.apiKey,
      RESEND_BASE_URL: stack.resend.url,
      ...FAST_RETRIES,
    });

  afterAll(async () => {
    await service?.stop('SIGKILL');
  });

  it('SIGKILL ×3 during 360 registrations: each stored registration gets exactly one email', async () => {
    stack.resend.setFaults({ error500: 0.1, acceptThenDrop: 0.05 });
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
    await waitUntilAllDelivered(stack.db, 90_000);

    const stored = new Set(
      (await stack.db.query<{ email: string }>('SELECT email FROM registrations')).map((r) => r.email),
    );
    for (const { email } of answered) {
      expect(stored.has(email), email).toBe(true);
      expect(stack.resend.acceptedFor(email), email).toBe(1);
    }
    for (const { email } of sent.filter((s) => s.status === 0)) {
      // Killed before answering: stored (then mailed once) or not stored (then never mailed).
      expect(stack.resend.acceptedFor(email), email).toBe(stored.has(email) ? 1 : 0);
    }
    expect(stack.resend.acceptedCount()).toBe(stored.size);
    // A safety net, not a speed claim: four service starts (tsx loading the service) and the wait for
    // delivery (90 s allowed above) outlast vitest's default 60 s on a loaded machine.
  }, 240_000);
});
