// What became of the emails, from Resend's webhooks, on a real service (each target, real PostgreSQL, the
// Resend stand-in): 1,000 events for 250 confirmations, a fifth of them delivered twice, all in shuffled
// order and at once → each confirmation's delivery is the one its events add up to by precedence, each
// event is stored once, and exactly the hard-bounced and complained addresses are suppressed, once each.
// The whole loop with the stand-in sending the webhooks (shuffled, some twice) for what it accepted.
// Then: a bounce stops a later reminder (skipped, never sent), while a delivered runner's one goes out.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RACE, type Race } from '../../src/domain/race.js';
import { SEND_CONFIRMATION_EMAIL } from '../../src/tasks/kinds/send-confirmation-email.js';
import { SEND_REMINDER_EMAIL } from '../../src/tasks/kinds/send-reminder-email.js';
import { seededRandom } from '../../tools/seeded-random.js';
import { newWebhookSecret, webhookHeaders } from '../../tools/webhook-signer.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { registerMany } from '../support/load.js';
import { useStack } from '../support/stack.js';
import { TARGETS, type Target } from '../support/targets.js';

const PATH = '/api/webhooks/resend';
const SECRET = newWebhookSecret();

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

interface Sent {
  registrationId: string;
  emailId: string;
  to: string;
}

interface WebhookEvent {
  svixId: string;
  body: string;
}

let serial = 0;
function webhookEvent(type: string, email: Sent, extra: Record<string, unknown> = {}): WebhookEvent {
  const at = new Date().toISOString();
  const data = { email_id: email.emailId, created_at: at, from: 'race@example.com', to: [email.to], subject: 'x' };
  return {
    svixId: `msg_${process.pid}_${++serial}`,
    body: JSON.stringify({ type, created_at: at, data: { ...data, ...extra } }),
  };
}

async function deliver(target: Target, event: WebhookEvent): Promise<{ duplicate: boolean }> {
  const response = await fetch(`${target.url}${PATH}`, {
    method: 'POST',
    headers: webhookHeaders(SECRET, event.svixId, event.body),
    body: event.body,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { duplicate: boolean };
}

/** Each email's four events, and the delivery and suppression they add up to. */
const SCENARIOS = [
  {
    delivery: 'delivered',
    suppressed: null,
    events: ['email.sent', 'email.delivery_delayed', 'email.delivered', 'email.opened'],
  },
  {
    delivery: 'bounced',
    suppressed: 'bounced',
    events: ['email.sent', 'email.delivery_delayed', 'email.bounced', 'email.delivered'],
  },
  {
    delivery: 'complained',
    suppressed: 'complained',
    events: ['email.sent', 'email.delivered', 'email.complained', 'email.opened'],
  },
  {
    delivery: 'delayed',
    suppressed: null,
    events: ['email.sent', 'email.delivery_delayed', 'email.delivery_delayed', 'email.opened'],
  },
  // A bounce Resend calls transient is a bounce to show, but not a reason to stop writing to the address.
  {
    delivery: 'bounced',
    suppressed: null,
    events: ['email.sent', 'email.delivery_delayed', 'email.bounced:transient', 'email.delivered'],
  },
] as const;

const BOUNCE = { bounce: { type: 'Permanent', subType: 'General', message: 'mailbox does not exist' } };
const TRANSIENT = { bounce: { type: 'Transient', subType: 'MailboxFull', message: 'mailbox full' } };

function eventsOf(type: string, email: Sent): WebhookEvent {
  if (type === 'email.bounced') return webhookEvent(type, email, BOUNCE);
  if (type === 'email.bounced:transient') return webhookEvent('email.bounced', email, TRANSIENT);
  return webhookEvent(type, email);
}

describe.each(TARGETS)('delivery outcomes from webhooks on %s', (_name, startTarget) => {
  // No send budget: the 250 confirmations go at once (on workerd a sign-up's send waiting for its slot
  // keeps its database connection), as this is about what the webhooks do, not about the sending.
  const stack = useStack('fl_delivery_outcomes', startTarget, {
    RESEND_WEBHOOK_SECRET: SECRET,
    EMAIL_RATE_LIMIT_PER_SEC: '0',
  });

  async function sentConfirmations(count: number): Promise<Sent[]> {
    const answers = await registerMany(() => stack.target.url, count, 4);
    expect(answers.filter((a) => a.status !== 201)).toEqual([]);
    let rows: { registration_id: string; email_id: string; email: string }[] = [];
    await eventually(async () => {
      rows = await stack.db.query(
        `SELECT t.registration_id, t.result->>'id' AS email_id, r.email FROM tasks t
         JOIN registrations r ON r.id = t.registration_id
         WHERE t.kind = '${SEND_CONFIRMATION_EMAIL}' AND t.status = 'succeeded'`,
      );
      expect(rows).toHaveLength(count);
    }, 60_000);
    return rows.map((r) => ({ registrationId: r.registration_id, emailId: r.email_id, to: r.email }));
  }

  it('1,000 events, a fifth redelivered, shuffled and at once: each delivery right, each effect once', async () => {
    const random = seededRandom(23);
    const emails = await sentConfirmations(250);
    const plan = emails.map((email, i) => ({ email, scenario: SCENARIOS[i % SCENARIOS.length]! }));
    const events = plan.flatMap(({ email, scenario }) => scenario.events.map((type) => eventsOf(type, email)));
    expect(events).toHaveLength(1000);
    const redelivered = shuffle(events, random).slice(0, 200);
    const deliveries = shuffle([...events, ...redelivered], random);

    let next = 0;
    let duplicates = 0;
    const worker = async () => {
      while (next < deliveries.length) {
        const answer = await deliver(stack.target, deliveries[next++] as WebhookEvent);
        if (answer.duplicate) duplicates++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));

    // Each redelivery was recognised as one (a redelivery may arrive before its first delivery: then
    // the later copy is the duplicate), and every event is stored exactly once.
    expect(duplicates).toBe(200);
    const [stored] = await stack.db.query<{ n: number; distinct_ids: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT svix_id)::int AS distinct_ids FROM email_events',
    );
    expect(stored).toEqual({ n: 1000, distinct_ids: 1000 });

    for (const { email, scenario } of plan) {
      const answer = await fetch(`${stack.target.url}/api/registrations/${email.registrationId}`);
      const body = (await answer.json()) as { email: { status: string; delivery?: string } };
      expect({ id: email.registrationId, ...body.email }).toMatchObject({
        id: email.registrationId,
        status: 'sent',
        delivery: scenario.delivery,
      });
    }

    const suppressed = await stack.db.query<{ email_normalized: string; reason: string }>(
      'SELECT email_normalized, reason FROM suppressed_addresses ORDER BY email_normalized',
    );
    const expected = plan
      .filter(({ scenario }) => scenario.suppressed !== null)
      .map(({ email, scenario }) => ({ email_normalized: email.to.toLowerCase(), reason: scenario.suppressed }))
      .sort((a, b) => (a.email_normalized < b.email_normalized ? -1 : 1));
    expect(suppressed).toEqual(expected);
  });
});

describe.each(TARGETS)('the whole loop with the stand-in playing Resend on %s', (name, startTarget) => {
  const stack = useStack(`fl_webhook_loop_${name}`, startTarget, {
    RESEND_WEBHOOK_SECRET: SECRET,
    EMAIL_RATE_LIMIT_PER_SEC: '0',
  });

  it('its webhooks (shuffled, a fifth twice) bring each delivery; a bounced address gets nothing more', async () => {
    const { resend, target } = stack;
    resend.setWebhooks({ url: `${target.url}${PATH}`, secret: SECRET });
    const runners = Array.from({ length: 12 }, () => runner());
    const bounced = runners.slice(0, 4).map((r) => r.email);
    const complained = runners.slice(4, 6).map((r) => r.email);
    resend.bounceFor(bounced);
    resend.complainFor(complained);
    const ids: string[] = [];
    for (const input of runners) {
      const answer = await post(target, '/api/registrations', input);
      expect(answer.status).toBe(201);
      ids.push(((await answer.json()) as { id: string }).id);
    }
    await resend.waitForAccepted(runners.length, 30_000);
    await resend.flushWebhooks({ shuffle: true, redeliverFraction: 0.2, random: seededRandom(7) });
    expect(resend.webhookDeliveries().failed).toBe(0);

    const expected = (email: string) =>
      bounced.includes(email) ? 'bounced' : complained.includes(email) ? 'complained' : 'delivered';
    for (const [i, input] of runners.entries()) {
      const body = (await (await fetch(`${target.url}/api/registrations/${ids[i]}`)).json()) as {
        email: { delivery?: string };
      };
      expect(body.email.delivery, input.email).toBe(expected(input.email));
    }
    const [events] = await stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM email_events');
    expect(events?.n).toBe(resend.webhookEvents().length);

    // A bounced runner asks for their confirmation again: skipped by us, never sent to the provider.
    const again = await post(target, '/api/registrations/resend-confirmation', { email: bounced[0] });
    expect(again.status).toBe(202);
    await eventually(async () => {
      const rows = await stack.db.query<{ result: unknown }>(
        `SELECT result FROM tasks WHERE registration_id = $1 AND status = 'cancelled'`,
        [ids[0]],
      );
      expect(rows).toEqual([{ result: { skipped: 'suppressed' } }]);
    });
    expect(resend.acceptedFor(bounced[0] as string)).toBe(1);
  });
});

/** A race (UTC) starting in two hours, with a reminder one hour before: ahead of every sign-up here. */
function raceWithReminder(): Race {
  const start = new Date(Math.ceil((Date.now() + 2 * 3600_000) / 60_000) * 60_000);
  return {
    ...DEFAULT_RACE,
    id: 'bounce-race',
    timeZone: 'UTC',
    date: start.toISOString().slice(0, 10),
    distances: DEFAULT_RACE.distances.map((d) => ({ ...d, startTime: start.toISOString().slice(11, 16) })),
    reminders: ['1h'],
  };
}

describe.each(TARGETS)('a bounce stops later emails on %s', (name, startTarget) => {
  const race = raceWithReminder();
  // Node reads RACE_CONFIG as a file's path, a Worker as the JSON itself.
  const file = join(tmpdir(), `finishline-bounce-race-${process.pid}.json`);
  const stack = useStack(`fl_bounce_stops_${name}`, startTarget, () => {
    if (name === 'node') writeFileSync(file, JSON.stringify(race));
    return {
      RESEND_WEBHOOK_SECRET: SECRET,
      RACE_CONFIG: name === 'node' ? file : JSON.stringify(race),
      TASK_SWEEP_INTERVAL_MS: '200',
    };
  });

  async function signUp(): Promise<Sent> {
    const input = runner();
    const answer = await post(stack.target, '/api/registrations', input);
    expect(answer.status).toBe(201);
    const { id } = (await answer.json()) as { id: string };
    let emailId = '';
    await eventually(async () => {
      const [row] = await stack.db.query<{ email_id: string | null }>(
        `SELECT result->>'id' AS email_id FROM tasks
         WHERE registration_id = $1 AND kind = '${SEND_CONFIRMATION_EMAIL}' AND status = 'succeeded'`,
        [id],
      );
      expect(row?.email_id).toEqual(expect.any(String));
      emailId = row?.email_id as string;
    });
    return { registrationId: id, emailId, to: input.email };
  }

  const reminderOf = async (registrationId: string) => {
    const [row] = await stack.db.query<{ status: string; result: unknown }>(
      `SELECT status, result FROM tasks WHERE registration_id = $1 AND kind = '${SEND_REMINDER_EMAIL}'`,
      [registrationId],
    );
    return row;
  };

  it("the bounced runner's reminder is skipped and never sent; the delivered runner's is sent", async () => {
    const [bounced, delivered] = [await signUp(), await signUp()];
    expect((await reminderOf(bounced.registrationId))?.status).toBe('pending');
    await deliver(stack.target, webhookEvent('email.bounced', bounced, BOUNCE));
    await deliver(stack.target, webhookEvent('email.delivered', delivered));

    // The reminders fall due now rather than in an hour.
    await stack.db.query(`UPDATE tasks SET run_at = now() WHERE kind = '${SEND_REMINDER_EMAIL}'`);
    await eventually(async () => {
      await stack.target.scheduled?.();
      expect(await reminderOf(bounced.registrationId)).toEqual({
        status: 'cancelled',
        result: { skipped: 'suppressed' },
      });
      expect((await reminderOf(delivered.registrationId))?.status).toBe('succeeded');
    }, 30_000);
    expect(stack.resend.acceptedFor(bounced.to)).toBe(1);
    expect(stack.resend.acceptedFor(delivered.to)).toBe(2);
    const [attempt] = await stack.db.query<{ outcome: string; error: string }>(
      `SELECT a.outcome, a.error FROM task_attempts a JOIN tasks t ON t.id = a.task_id
       WHERE t.registration_id = $1 AND t.kind = '${SEND_REMINDER_EMAIL}'`,
      [bounced.registrationId],
    );
    expect(attempt).toEqual({ outcome: 'skipped', error: 'suppressed' });
  });
});
