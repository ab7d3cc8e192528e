// Race-week reminders end to end, on Node and in workerd, with real PostgreSQL and the Resend stand-in:
// a race whose distance starts in two minutes or so, with a reminder due a few seconds after the sign-up
// and a "7d" one whose time has long passed. The sign-up stores its confirmation and its one reminder in
// one statement (the past one is not scheduled); the reminder is not sent before its time, and then once.
//
// Node: the sweeper's interval is ten minutes here, so the reminder arriving at all shows the sweeper
// woke for it at its run_at (src/runtime/node/sweeper.ts). Workerd: the Cron sweeper sends it once due.
// Workerd with the email queue: no Cron run at all — the sign-up announced the reminder with the
// queue's delay, and the email Worker's consumer delivers it when the message arrives.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RACE, type Race } from '../../src/domain/race.js';
import { SEND_REMINDER_EMAIL } from '../../src/tasks/kinds/send-reminder-email.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { useStack } from '../support/stack.js';
import { type StartTarget, startNodeTarget, startWorkerdTarget } from '../support/targets.js';

/** Seconds from the sign-up to the reminder: long enough to see that nothing is sent before it. */
const LEAD_SECONDS = 20;

/** A race (UTC, so the wall clock is easy to set) whose distances start on the next minute but one. */
function raceStartingSoon(): { race: Race; reminderAt: Date } {
  const start = new Date(Math.ceil((Date.now() + 90_000) / 60_000) * 60_000);
  const hhmm = start.toISOString().slice(11, 16);
  const offsetSeconds = Math.floor((start.getTime() - Date.now()) / 1000) - LEAD_SECONDS;
  const race: Race = {
    ...DEFAULT_RACE,
    id: 'reminder-race',
    timeZone: 'UTC',
    date: start.toISOString().slice(0, 10),
    distances: DEFAULT_RACE.distances.map((d) => ({ ...d, startTime: hhmm })),
    reminders: [`${offsetSeconds}s`, '7d'],
  };
  return { race, reminderAt: new Date(start.getTime() - offsetSeconds * 1000) };
}

const withQueue: StartTarget = (options) => startWorkerdTarget({ ...options, emailWorker: {} });

describe.each([
  ['node', startNodeTarget, false],
  ['workerd', startWorkerdTarget, true],
  ['workerd_queue', withQueue, false],
] as const)('reminders (%s)', (name, startTarget, cron) => {
  // Made when the target starts, so its reminder is still a few seconds ahead at the sign-up.
  let { race, reminderAt } = raceStartingSoon();
  // Node reads RACE_CONFIG as a file's path, a Worker as the JSON itself.
  const file = join(tmpdir(), `finishline-reminder-race-${process.pid}.json`);
  const stack = useStack(`fl_reminders_${name}`, startTarget, () => {
    ({ race, reminderAt } = raceStartingSoon());
    if (name === 'node') writeFileSync(file, JSON.stringify(race));
    return { RACE_CONFIG: name === 'node' ? file : JSON.stringify(race), TASK_SWEEP_INTERVAL_MS: '600000' };
  });

  it('a sign-up schedules its reminders still ahead; each is sent once, at its time', async () => {
    const { db, resend, target } = stack;
    const input = runner();
    const answer = await post(target, '/api/registrations', input);
    expect(answer.status).toBe(201);
    await eventually(() => expect(resend.acceptedFor(input.email)).toBe(1));

    const tasks = await db.query<{ key: string; priority: number; status: string; run_at: Date }>(
      `SELECT key, priority, status, run_at FROM tasks WHERE kind = '${SEND_REMINDER_EMAIL}'`,
    );
    // The "7d" reminder's time has passed: only the other one is scheduled, keyed and at priority 10.
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.key).toMatch(/^reminder:[0-9a-f-]{36}:\d+s$/);
    expect(tasks[0]?.priority).toBe(10);
    expect(new Date(tasks[0]?.run_at as Date).toISOString()).toBe(reminderAt.toISOString());
    // Not before its time (the sign-up was at least a few seconds earlier).
    if (Date.now() < reminderAt.getTime() - 1000) expect(resend.acceptedFor(input.email)).toBe(1);

    await eventually(async () => {
      if (Date.now() < reminderAt.getTime()) throw new Error('not due yet');
      if (cron) await target.scheduled?.();
      expect(resend.acceptedFor(input.email)).toBe(2);
    }, 30_000);
    const reminder = resend.accepted().find((e) => e.to.includes(input.email) && e.subject.includes('starts in'));
    expect(reminder?.subject).toMatch(new RegExp(`^${race.name} starts in \\d+ (minutes|seconds)$`));
    expect(reminder?.text).toContain(race.place);
    // Once: another sweep, later, sends nothing more.
    if (cron) await target.scheduled?.();
    // (The provider's acceptance comes before the outcome is recorded.)
    await eventually(async () => {
      const [row] = await db.query<{ status: string }>(
        `SELECT status FROM tasks WHERE kind = '${SEND_REMINDER_EMAIL}'`,
      );
      expect(row?.status).toBe('succeeded');
    });
    expect(resend.acceptedFor(input.email)).toBe(2);
  });
});
