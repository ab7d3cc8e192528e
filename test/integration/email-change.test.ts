// A runner fixes their address through the manage link (POST /api/manage/:token/email, and the manage
// page's form), on Node and in workerd, with real PostgreSQL and the Resend stand-in. The confirmation
// bounced (an email_events row for its `result ->> 'id'`): the page says so and asks for another
// address. The new address gets exactly one confirmation — the request repeated, or sent five times at
// once, changes nothing more — and the pending reminder goes to it, not to the old one. Refusals change
// nothing: another registration's address (409), a withdrawn registration (409), an address we could
// not reach before (422), bad input (400, 415, 422), an unknown token (404) — those answers checked
// against /openapi.json.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manageToken } from '../../src/domain/manage-link.js';
import { DEFAULT_RACE, type Race } from '../../src/domain/race.js';
import { SEND_CONFIRMATION_EMAIL } from '../../src/tasks/kinds/send-confirmation-email.js';
import { SEND_REMINDER_EMAIL } from '../../src/tasks/kinds/send-reminder-email.js';
import { runner, uniqueEmail } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { checkAnswersAgainstOpenApi } from '../support/openapi-contract.js';
import { useStack } from '../support/stack.js';
import { TARGETS } from '../support/targets.js';

const LINK_SECRET = 'Email-change-test-link-secret-3k8m2q7w5r9t';
const PUBLIC_URL = 'https://race.example.test';

// The race is months ahead: its "1d" reminder waits, pending, unless a test makes it due. The mile has
// one place, for the waitlisted runner's test.
const race: Race = {
  ...DEFAULT_RACE,
  id: 'email-change-race',
  distances: [
    { id: 'half', label: 'Half marathon', startTime: '09:00', cap: 100 },
    { id: 'mile', label: 'Mile', startTime: '11:00', cap: 1 },
  ],
  waitlist: { offerTtl: '1h' },
  reminders: ['1d'],
};

describe.each(TARGETS)('an address fix through the manage link (%s)', (name, startTarget) => {
  // Node reads RACE_CONFIG as a file's path, a Worker as the JSON itself.
  const file = join(tmpdir(), `finishline-email-change-race-${process.pid}.json`);
  const stack = useStack(`fl_email_change_${name}`, startTarget, () => {
    if (name === 'node') writeFileSync(file, JSON.stringify(race));
    return {
      RACE_CONFIG: name === 'node' ? file : JSON.stringify(race),
      PUBLIC_URL,
      LINK_SECRET,
      TASK_SWEEP_INTERVAL_MS: '200',
    };
  });

  async function signUp(extra: Record<string, unknown> = {}) {
    const input = runner(extra);
    const answer = await post(stack.target, '/api/registrations', input);
    expect(answer.status).toBe(201);
    const { id } = (await answer.json()) as { id: string };
    return { id, email: input.email, token: await manageToken(LINK_SECRET, id) };
  }
  const change = (token: string, body: unknown, headers: Record<string, string> = {}) =>
    post(stack.target, `/api/manage/${token}/email`, body, headers);
  const emailOf = async (id: string) =>
    (await stack.db.query<{ email: string }>('SELECT email FROM registrations WHERE id = $1', [id]))[0]?.email;
  /**
   * The provider reports the runner's latest confirmation bounced (as the webhook stores it), once its
   * task has recorded the provider's id (just after the stand-in accepted it).
   */
  const bounce = (id: string) =>
    eventually(async () => {
      const stored = await stack.db.query(
        `INSERT INTO email_events (svix_id, type, email_id, created_at, payload)
         SELECT 'msg_' || gen_random_uuid(), 'email.bounced', t.result ->> 'id', now(), '{}'::jsonb
         FROM tasks t WHERE t.registration_id = $1 AND t.kind = $2 AND t.result ->> 'id' IS NOT NULL
         ORDER BY t.created_at DESC LIMIT 1
         RETURNING svix_id`,
        [id, SEND_CONFIRMATION_EMAIL],
      );
      expect(stored).toHaveLength(1);
    });
  /** Every confirmation of the registration has run its course (none pending or running). */
  const confirmationsSettled = (id: string) =>
    eventually(async () => {
      const live = await stack.db.query(
        "SELECT id FROM tasks WHERE registration_id = $1 AND kind = $2 AND status IN ('pending', 'running')",
        [id, SEND_CONFIRMATION_EMAIL],
      );
      expect(live).toEqual([]);
    });

  it('a bounced confirmation: the page asks for another address; the new one gets exactly one confirmation and the reminder', async () => {
    const a = await signUp();
    await eventually(() => expect(stack.resend.acceptedFor(a.email)).toBe(1));
    const page = () => fetch(`${stack.target.url}/manage/${a.token}`).then((r) => r.text());
    expect(await page()).not.toContain('We could not reach you');
    await bounce(a.id);
    const bounced = await page();
    expect(bounced).toContain(`We could not reach you at <span class="address">r…@example.com</span>`);
    expect(bounced).toContain('Bounced — your mail server refused it');
    expect(bounced).not.toContain(a.email);
    const api = await (await fetch(`${stack.target.url}/api/manage/${a.token}`)).json();
    expect(api.email.delivery).toBe('bounced');

    // Five at once, then once more: one change, one confirmation.
    const fresh = uniqueEmail('fixed');
    const answers = await Promise.all(Array.from({ length: 5 }, () => change(a.token, { email: fresh })));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(await answer.json()).toEqual({ status: 'registered', email: fresh });
    }
    expect(await (await change(a.token, { email: ` ${fresh.toUpperCase()} ` })).json()).toEqual({
      status: 'registered',
      email: fresh.toUpperCase(),
    });
    expect(await emailOf(a.id)).toBe(fresh);
    await eventually(() => expect(stack.resend.acceptedFor(fresh)).toBe(1));
    await confirmationsSettled(a.id);
    expect(stack.resend.acceptedFor(fresh)).toBe(1);
    expect(stack.resend.acceptedFor(a.email)).toBe(1);
    const sent = stack.resend.accepted().find((e) => e.to.includes(fresh));
    expect(sent?.subject).toContain("You're registered");
    // The new confirmation has no delivery yet: the page no longer asks.
    expect(await page()).not.toContain('We could not reach you');

    // The one pending reminder was rewritten (one, not two); made due, it goes to the new address.
    const reminders = await stack.db.query<{ to: string }>(
      "SELECT payload ->> 'to' AS to FROM tasks WHERE registration_id = $1 AND kind = $2 AND status = 'pending'",
      [a.id, SEND_REMINDER_EMAIL],
    );
    expect(reminders).toEqual([{ to: fresh }]);
    await stack.db.query('UPDATE tasks SET run_at = now() WHERE registration_id = $1 AND kind = $2', [
      a.id,
      SEND_REMINDER_EMAIL,
    ]);
    await eventually(async () => {
      await stack.target.scheduled?.();
      expect(stack.resend.acceptedFor(fresh)).toBe(2);
    }, 20_000);
    expect(stack.resend.acceptedFor(a.email)).toBe(1);
  });

  it('the page’s form: 303 back to the page with its notice, the confirmation to the new address', async () => {
    const b = await signUp();
    await eventually(() => expect(stack.resend.acceptedFor(b.email)).toBe(1));
    await bounce(b.id);
    const form = (body: string) =>
      fetch(`${stack.target.url}/manage/${b.token}/email`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: PUBLIC_URL, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    const invalid = await form('email=not-an-address');
    expect(invalid.status).toBe(303);
    expect(invalid.headers.get('location')).toBe(`/manage/${b.token}?done=email-invalid`);
    const shown = await (await fetch(`${stack.target.url}/manage/${b.token}?done=email-invalid`)).text();
    expect(shown).toContain('aria-invalid="true"');
    const fresh = uniqueEmail('form');
    const done = await form(`email=${encodeURIComponent(fresh)}`);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/manage/${b.token}?done=email-changed`);
    expect(await (await fetch(`${stack.target.url}${done.headers.get('location')}`)).text()).toContain(
      'Your confirmation email is on its way to it.',
    );
    await eventually(() => expect(stack.resend.acceptedFor(fresh)).toBe(1));
  });

  it('the confirmation page: a fix for whoever also gives the address signed up with, and only while it asks', async () => {
    const d = await signUp();
    await eventually(() => expect(stack.resend.acceptedFor(d.email)).toBe(1));
    const path = `/registrations/${d.id}`;
    const form = (body: Record<string, string>) =>
      fetch(`${stack.target.url}${path}/email`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: PUBLIC_URL, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      });
    const fresh = uniqueEmail('page');
    // Delivered (or no word yet): no form, and a post changes nothing.
    expect(await (await fetch(`${stack.target.url}${path}`)).text()).not.toContain('We could not reach you');
    const early = await form({ current: d.email, email: fresh });
    expect(early.headers.get('location')).toBe(path);
    expect(await emailOf(d.id)).toBe(d.email);

    await bounce(d.id);
    const asked = await (await fetch(`${stack.target.url}${path}`)).text();
    expect(asked).toContain('We could not reach you at <span class="address">r…@example.com</span>');
    expect(asked).toContain('name="current"');
    expect(asked).not.toContain(d.email);
    // The id alone is not enough: a wrong address signed up with changes nothing.
    const wrong = await form({ current: 'someone@example.com', email: fresh });
    expect(wrong.headers.get('location')).toBe(`${path}?done=email-not-yours`);
    expect(await emailOf(d.id)).toBe(d.email);
    const refused = await (await fetch(`${stack.target.url}${path}?done=email-not-yours`)).text();
    expect(refused).toContain('That is not the address this registration was made with.');
    expect(await form({ current: d.email, email: 'nope' }).then((r) => r.headers.get('location'))).toBe(
      `${path}?done=email-invalid`,
    );
    const done = await form({ current: ` ${d.email.toUpperCase()} `, email: fresh });
    expect(done.headers.get('location')).toBe(`${path}?done=email-changed`);
    expect(await emailOf(d.id)).toBe(fresh);
    await eventually(() => expect(stack.resend.acceptedFor(fresh)).toBe(1));
    await confirmationsSettled(d.id);
    expect(stack.resend.acceptedFor(fresh)).toBe(1);
    // The new confirmation has no word yet: the page stops asking, and a second post changes nothing.
    const again = await form({ current: fresh, email: uniqueEmail('again') });
    expect(again.headers.get('location')).toBe(path);
    expect(await emailOf(d.id)).toBe(fresh);
  });

  describe('answers match /openapi.json', () => {
    checkAnswersAgainstOpenApi(() => stack.target);

    it('refusals change nothing: another registration’s address, a withdrawn registration, an unreachable address, bad input', async () => {
      const c = await signUp();
      const d = await signUp();
      for (const email of [d.email, d.email.toUpperCase()]) {
        const taken = await change(c.token, { email });
        expect(taken.status).toBe(409);
        expect((await taken.json()).error.code).toBe('already_registered');
      }

      const unreachable = uniqueEmail('gone');
      await stack.db.query(
        "INSERT INTO suppressed_addresses (email_normalized, reason, svix_id) VALUES ($1, 'bounced', 'msg_test')",
        [unreachable],
      );
      const suppressed = await change(c.token, { email: unreachable });
      expect(suppressed.status).toBe(422);
      expect((await suppressed.json()).error).toMatchObject({
        code: 'address_unreachable',
        message: 'we could not reach this address before; use another',
      });

      for (const [body, status] of [
        [{}, 422],
        [{ email: 'not-an-address' }, 422],
        [{ email: 42 }, 422],
        [{ email: uniqueEmail(), extra: 1 }, 422],
        [[uniqueEmail()], 422],
        ['{"email":', 400],
      ] as const) {
        const refused = await change(c.token, body);
        expect(refused.status, JSON.stringify(body)).toBe(status);
        expect((await refused.json()).error.code).toBe(status === 400 ? 'invalid_json' : 'validation_failed');
      }
      const notJson = await fetch(`${stack.target.url}/api/manage/${c.token}/email`, { method: 'POST', body: 'x' });
      expect(notJson.status).toBe(415);
      expect(await emailOf(c.id)).toBe(c.email);

      expect(await (await post(stack.target, `/api/manage/${c.token}/withdraw`, {})).json()).toEqual({
        status: 'withdrawn',
      });
      const closed = await change(c.token, { email: uniqueEmail() });
      expect(closed.status).toBe(409);
      expect((await closed.json()).error.code).toBe('registration_closed');
      expect(await emailOf(c.id)).toBe(c.email);

      for (const token of ['A'.repeat(43), 'short']) {
        const unknown = await change(token, { email: uniqueEmail() });
        expect(unknown.status).toBe(404);
        expect((await unknown.json()).error.code).toBe('not_found');
      }
    });

    it('a waitlisted runner’s address changes; nothing is sent now, and the offer goes to the new address', async () => {
      const holder = await signUp({ distance: 'mile' });
      const waiting = await signUp({ distance: 'mile', joinWaitlist: true });
      await eventually(() => expect(stack.resend.acceptedFor(waiting.email)).toBe(1));
      const fresh = uniqueEmail('waiting');
      const answer = await change(waiting.token, { email: fresh });
      expect(await answer.json()).toEqual({ status: 'waitlisted', email: fresh });
      // A place frees up: the offer is written from the row, to the new address.
      expect((await post(stack.target, `/api/manage/${holder.token}/withdraw`, {})).status).toBe(200);
      await eventually(() => expect(stack.resend.acceptedFor(fresh)).toBe(1));
      expect(stack.resend.accepted().find((e) => e.to.includes(fresh))?.subject).toContain('A place is yours');
      expect(stack.resend.acceptedFor(waiting.email)).toBe(1);
    });
  });
});
