// Two Node processes sweeping one database side by side (FOR UPDATE SKIP LOCKED): retries are shared
// between them, and no email is sent twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntilAllDelivered } from '../support/delivery.js';
import { FAST_RETRIES } from '../support/fast-retries.js';
import { registerMany } from '../support/load.js';
import { type ServiceProcess, startServiceProcess } from '../support/processes.js';
import { useStack } from '../support/stack.js';

describe('sweepers side by side', () => {
  // The services are processes of their own, started below: no target here.
  const stack = useStack('fl_side', null);
  let services: ServiceProcess[] = [];

  beforeAll(async () => {
    const env = {
      DATABASE_URL: stack.db.url,
      RESEND_API_KEY: stack.resend.apiKey,
      RESEND_BASE_URL: stack.resend.url,
      ...FAST_RETRIES,
    };
    // Started together: both migrate the same fresh database at once.
    services = await Promise.all([startServiceProcess(env), startServiceProcess(env)]);
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop('SIGKILL')));
  });

  it('two processes share the retries of 300 registrations and never send twice', async () => {
    stack.resend.setFaults({ error500: 0.4, acceptThenDrop: 0.1 });
    let turn = 0;
    const sent = await registerMany(() => services[turn++ % 2]!.url, 300, 10);
    expect(sent.filter((s) => s.status !== 201)).toEqual([]);

    await waitUntilAllDelivered(stack.db, 60_000);

    for (const { email } of sent) expect(stack.resend.acceptedFor(email), email).toBe(1);
    expect(stack.resend.acceptedCount()).toBe(300);
    // Both sweepers delivered retries (attempt ≥ 2), so they really ran side by side.
    for (const service of services) {
      expect(service.output()).toMatch(/"event":"task.succeeded".*"attempt":([2-9]|\d\d)/);
    }
  });
});
