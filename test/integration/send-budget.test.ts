// One send budget for the provider account (EMAIL_RATE_LIMIT_PER_SEC), shared through the database:
// three services on one database, each allowed 4 requests a second, against a stand-in that answers
// 429 above 5 a second. Per-process limits would send up to 12 a second; the shared budget sends fewer
// than 5, so the stand-in never refuses one. And a 429 anywhere pushes the budget back for everyone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlDatabase } from '../../src/adapters/db/database.js';
import { openNodePostgres } from '../../src/adapters/db/node-postgres.js';
import { createJsonLogger } from '../../src/ports/logger.js';
import { type NodeService, startNodeService } from '../../src/runtime/node/service.js';
import { createSendBudget, SLOT_HEADROOM } from '../../src/tasks/send-budget.js';
import { waitUntilAllDelivered } from '../support/delivery.js';
import { runner } from '../support/fixtures.js';
import { post } from '../support/http.js';
import { useDatabase, useStack } from '../support/stack.js';

describe('the account send budget, across processes', () => {
  const stack = useStack('fl_send_budget', null, {}, { resend: { rateLimitPerSec: 5 } });
  const services: NodeService[] = [];

  beforeAll(async () => {
    const { db, resend } = stack;
    for (let i = 0; i < 3; i++) {
      services.push(
        await startNodeService(
          {
            PORT: '0',
            DATABASE_URL: db.url,
            RESEND_API_KEY: resend.apiKey,
            RESEND_BASE_URL: resend.url,
            RATE_LIMIT_PER_MINUTE: '0',
            EMAIL_RATE_LIMIT_PER_SEC: '4',
            TASK_RETRY_BASE_MS: '50',
            TASK_RETRY_MAX_MS: '1000',
            TASK_SWEEP_INTERVAL_MS: '100',
          },
          createJsonLogger(() => {}),
        ),
      );
    }
  });
  afterAll(async () => {
    for (const service of services) await service.stop();
  });

  it('three services sending at once keep to the one budget: no 429, every email once', async () => {
    const inputs = Array.from({ length: 24 }, () => runner());
    const answers = await Promise.all(
      inputs.map((input, i) => post({ url: services[i % 3]!.url }, '/api/registrations', input)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(24).fill(201));
    await waitUntilAllDelivered(stack.db, 60_000);
    for (const input of inputs) expect(stack.resend.acceptedFor(input.email)).toBe(1);
    expect(stack.resend.refusedByRateLimit()).toBe(0);
    // One request (one slot) per batch: never more requests than emails.
    expect(stack.resend.requestCount()).toBeGreaterThan(0);
    expect(stack.resend.requestCount()).toBeLessThanOrEqual(24);
  });

  it('a 429 pushes the budget back for every service, past the provider’s Retry-After', async () => {
    const handle = openNodePostgres(stack.db.url);
    try {
      const budget = createSendBudget(sqlDatabase(handle.db), 4);
      stack.resend.failNext(1, 'rateLimit429'); // Retry-After: 1 s
      const input = runner();
      expect((await post({ url: services[0]!.url }, '/api/registrations', input)).status).toBe(201);
      await stack.resend.waitForAccepted(25, 30_000);
      expect(stack.resend.acceptedFor(input.email)).toBe(1);
      // The row itself: the next slot was moved at least a second past the 429 (read from the database).
      const [row] = await stack.db.query<{ pushed: boolean }>(
        "SELECT next_at >= (SELECT max(started_at) FROM task_attempts WHERE outcome = 'failed') + interval '1 second' AS pushed FROM send_budget",
      );
      expect(row?.pushed).toBe(true);
      // And a slot asked for with no patience is refused while the queue is long.
      await budget.backOff(5_000);
      const slot = await budget.reserve(0);
      expect(slot.reserved).toBe(false);
    } finally {
      await handle.close();
    }
  });
});

describe('createSendBudget', () => {
  const fresh = useDatabase('fl_send_budget_unit');

  it('hands out slots spaced 1000/rate ms apart (plus headroom), in order, across budgets on one database', async () => {
    const handles = [openNodePostgres(fresh.db.url), openNodePostgres(fresh.db.url)];
    try {
      // One request every 100 s: the queue stays ahead of the clock however long the asks take, so each
      // slot is exactly one step after the one before, whichever budget asked.
      const perSecond = 1 / 100;
      const step = (1000 / perSecond) * SLOT_HEADROOM;
      const [a, b] = handles.map((h) => createSendBudget(sqlDatabase(h.db), perSecond, 'unit'));
      const nextAt: number[] = [];
      for (let i = 0; i < 6; i++) {
        const slot = await (i % 2 ? b! : a!).reserve(3_600_000);
        if (!slot.reserved) throw new Error('expected a slot');
        // The i-th slot starts i steps after the first ask, less the time since.
        expect(slot.waitMs).toBeLessThanOrEqual(i * step);
        const [row] = await fresh.db.query<{ next_at_ms: number }>(
          "SELECT (extract(epoch FROM next_at) * 1000)::float8 AS next_at_ms FROM send_budget WHERE name = 'unit'",
        );
        nextAt.push(Number(row?.next_at_ms));
      }
      for (let i = 1; i < nextAt.length; i++) expect(nextAt[i]! - nextAt[i - 1]!).toBeCloseTo(step, 1);
    } finally {
      for (const h of handles) await h.close();
    }
  });
});
