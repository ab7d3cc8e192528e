// workerd's fetch sends no User-Agent, and Resend's edge refuses requests without one (403, error code
// 1010), so every email would become a configuration failure. The stand-in refuses them the same way:
// here the Worker's sends, fast path and Cron sweeper alike, carry `finishline/<version>` and are accepted.
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { useStack } from '../support/stack.js';
import { startWorkerdTarget } from '../support/targets.js';

describe('User-Agent from workerd', () => {
  const stack = useStack('fl_ua_workerd', startWorkerdTarget, { TASK_RETRY_BASE_MS: '1', TASK_RETRY_MAX_MS: '1' });

  it('the fast path and the Cron sweeper send one the stand-in accepts', async () => {
    const { resend, target, db } = stack;
    const fast = runner();
    expect((await post(target, '/api/registrations', fast)).status).toBe(201);
    await resend.waitForAccepted(1);

    resend.failNext(1, 'error500');
    const swept = runner();
    expect((await post(target, '/api/registrations', swept)).status).toBe(201);
    await eventually(async () => {
      expect(await db.query("SELECT 1 FROM tasks WHERE status = 'pending' AND run_at <= now()")).toHaveLength(1);
    });
    await target.scheduled!();

    expect(resend.acceptedFor(fast.email)).toBe(1);
    expect(resend.acceptedFor(swept.email)).toBe(1);
    expect(resend.accepted().map((e) => e.userAgent)).toEqual([`finishline/${VERSION}`, `finishline/${VERSION}`]);
    expect(resend.refusedWithoutUserAgent()).toBe(0);
  });
});
