// "Send me my confirmation again", and the sign-up form's Post/Redirect/Get, over HTTP on Node and
// inside workerd, each with its own PostgreSQL and Resend stand-in.
//
// The re-send never tells anyone but the address's owner whether the address is registered: the
// answers for a registered and an unregistered address are the same (status, headers, body, page),
// and only the registered one gets an email — one, however often it is asked for within the window.
import { describe, expect, it } from 'vitest';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { checkAnswersAgainstOpenApi } from '../support/openapi-contract.js';
import { useStack } from '../support/stack.js';
import { TARGETS, type Target } from '../support/targets.js';

const FORM = 'application/x-www-form-urlencoded';

/** A form post from the target's own page (the CSRF check wants its origin); the redirect is not followed. */
function formPost(target: Target, path: string, fields: Record<string, string>, cookie?: string) {
  return fetch(`${target.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': FORM, origin: target.url, ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** The `name=value` pairs a response sets, as a browser would send them back. */
function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** A GET as the browser makes it after the redirect, with the cookie the redirect set. */
function follow(target: Target, res: Response) {
  const location = res.headers.get('location') ?? '';
  return fetch(new URL(location, target.url), { headers: { cookie: cookiesOf(res) }, redirect: 'manual' });
}

/** What may differ between two answers that must say the same: the date, timings, the request's id, the address named. */
function sameness(res: Response) {
  const headers = Object.fromEntries(
    [...res.headers.entries()].filter(
      ([name]) => !['date', 'set-cookie', 'content-length', 'server-timing', 'x-request-id'].includes(name),
    ),
  );
  const cookies = res.headers.getSetCookie().map((c) => c.replace(/=[^;]*/, '=…'));
  return { status: res.status, headers, cookies };
}

for (const [name, startTarget] of TARGETS) {
  describe(`re-sending a confirmation on ${name}`, () => {
    const lines: string[] = [];
    const stack = useStack(`fl_resend_${name}`, startTarget, {}, { log: (line) => lines.push(line) });

    async function registered() {
      const input = runner();
      const res = await post(stack.target, '/api/registrations', input);
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      await eventually(() => expect(stack.resend.acceptedFor(input.email)).toBe(1));
      return { ...input, id };
    }

    /** The re-sends logged for a registration (the background work of each request for a registered address). */
    const resendsOf = (registrationId: string) =>
      lines
        .map((line) => JSON.parse(line) as { event?: string; registrationId?: string; written?: boolean })
        .filter((l) => l.event === 'confirmation.resend' && l.registrationId === registrationId)
        .map((l) => l.written);

    /** Waits until `n` re-sends of the registration were decided: whether each was written. */
    async function resendsLogged(registrationId: string, n: number) {
      await eventually(() => expect(resendsOf(registrationId)).toHaveLength(n));
      return resendsOf(registrationId);
    }

    async function resendTasks(registrationId: string) {
      return stack.db.query<{ status: string; key: string; payload: { to: string; subject: string; text: string } }>(
        `SELECT status, key, payload FROM tasks WHERE registration_id = $1 AND key = 'resend:' || $1`,
        [registrationId],
      );
    }

    describe('POST /api/registrations/resend-confirmation', () => {
      checkAnswersAgainstOpenApi(() => stack.target);

      it('answers 202 alike for a registered and an unregistered address; only the registered one gets its email, once after two requests', async () => {
        const runnerA = await registered();
        const nobody = runner().email;
        const answers: Response[] = [];
        for (const email of [runnerA.email, nobody, runnerA.email.toUpperCase(), nobody]) {
          answers.push(await post(stack.target, '/api/registrations/resend-confirmation', { email }));
        }
        const bodies = await Promise.all(answers.map((a) => a.text()));
        expect(new Set(bodies)).toEqual(new Set([JSON.stringify({ status: 'accepted' })]));
        const [first, ...others] = answers.map(sameness);
        expect(first?.status).toBe(202);
        expect(first?.headers['cache-control']).toBe('no-store');
        for (const other of others) expect(other).toEqual(first);

        // The registered address: its two requests' work done, one written, the other kept out.
        expect((await resendsLogged(runnerA.id, 2)).sort()).toEqual([false, true]);
        await eventually(async () =>
          expect((await resendTasks(runnerA.id)).map((t) => t.status)).toEqual(['succeeded']),
        );
        const [task] = await resendTasks(runnerA.id);
        // The same confirmation as at sign-up, rebuilt from the stored registration.
        expect(task?.payload.to).toBe(runnerA.email);
        expect(task?.payload.subject).toMatch(/^You're registered for /);
        expect(task?.payload.text).toContain(runnerA.id);
        expect(stack.resend.acceptedFor(runnerA.email)).toBe(2);
        // The unregistered one: nothing was ever written, nothing sent.
        expect(stack.resend.acceptedFor(nobody)).toBe(0);
        expect(await stack.db.query("SELECT 1 FROM tasks WHERE payload->>'to' = $1", [nobody])).toEqual([]);
        // The runner's page shows the latest confirmation's delivery: the re-send's, sent.
        const status = await (await fetch(`${stack.target.url}/api/registrations/${runnerA.id}`)).json();
        expect(status.email.status).toBe('sent');
      });

      it('refuses what could never be a registered address (422), in the envelope', async () => {
        for (const body of [{ email: 'not-an-address' }, {}, { email: 'a@example.com', firstName: 'Ada' }]) {
          const res = await post(stack.target, '/api/registrations/resend-confirmation', body);
          expect(res.status, JSON.stringify(body)).toBe(422);
          expect((await res.json()).error.code).toBe('validation_failed');
        }
        expect((await post(stack.target, '/api/registrations/resend-confirmation', '{')).status).toBe(400);
      });
    });

    describe('the pages', () => {
      it('409 → 303 → the sign-up page, once, with the input kept and "Send me my confirmation again"', async () => {
        const runnerA = await registered();
        const { id: _id, ...input } = runnerA;
        const fields = { ...input, email: ` ${runnerA.email.toUpperCase()} ` };
        const refused = await formPost(stack.target, '/register', fields);
        expect(refused.status).toBe(303);
        expect(refused.headers.get('location')).toBe('/');
        expect(refused.headers.get('cache-control')).toBe('no-store');
        const [cookie] = refused.headers.getSetCookie();
        expect(cookie).toMatch(/^finishline_form=[^;]+; Max-Age=120; Path=\/; HttpOnly; SameSite=Strict/);

        const page = await follow(stack.target, refused);
        expect(page.status).toBe(200);
        expect(page.headers.get('cache-control')).toBe('no-store');
        // Read once: the page deletes the cookie.
        expect(page.headers.getSetCookie()).toEqual([expect.stringMatching(/^finishline_form=; Max-Age=0; Path=\//)]);
        const html = await page.text();
        expect(html).toContain('<title>Error: Sign up');
        expect(html).toContain(`already registered for`);
        expect(html).toMatch(/<input type="email" id="email"[^>]* value="[^"]+"[^>]* aria-invalid="true"/);
        expect(html).toContain(`value="${runnerA.email.toUpperCase()}"`);
        expect(html).toContain(`value="${runnerA.firstName}"`);
        // The button beside the email's error belongs to the re-send form, which carries the address.
        expect(html).toMatch(
          /<button type="submit" form="resend-confirmation"[^>]*>Send me my confirmation again<\/button>/,
        );
        expect(html).toContain(
          `<form id="resend-confirmation" method="post" action="/resend-confirmation"><input type="hidden" name="email" value="${runnerA.email.toUpperCase()}"/></form>`,
        );
        // A refresh (no cookie left): the plain page.
        const again = await fetch(`${stack.target.url}/`);
        expect(await again.text()).not.toContain('already registered');
      });

      it('422 → 303 → the page names each problem, from the rules, even for input cut to fit the cookie', async () => {
        const fields = {
          firstName: 'Grace',
          lastName: 'x'.repeat(150),
          email: 'grace@invalid',
          address: `${'1 Harbour Street\r\n'.repeat(17)}`, // 289 characters once its line breaks are counted as one
        };
        const refused = await formPost(stack.target, '/register', fields);
        expect(refused.status).toBe(303);
        const html = await (await follow(stack.target, refused)).text();
        expect(html).toContain('There are 3 problems');
        expect(html).toContain('Last name must be at most 100 characters');
        expect(html).toContain('Enter an email address like name@example.com');
        expect(html).toContain('Choose a distance');
        expect(html).not.toMatch(/id="address"[^>]*aria-invalid/);
        expect(html).toContain('value="Grace"');
        expect(html).not.toContain('Send me my confirmation again');
        expect(await stack.db.query("SELECT 1 FROM registrations WHERE first_name = 'Grace'")).toEqual([]);
      });

      it('the re-send form: 303 to a page that says the same for a registered and an unregistered address; one email', async () => {
        const runnerA = await registered();
        const nobody = runner().email;
        const pages: string[] = [];
        const answers: ReturnType<typeof sameness>[] = [];
        for (const email of [runnerA.email, nobody, runnerA.email, nobody]) {
          const res = await formPost(stack.target, '/resend-confirmation', { email });
          expect(res.status).toBe(303);
          expect(res.headers.get('location')).toBe('/resend-confirmation');
          answers.push(sameness(res));
          const page = await follow(stack.target, res);
          expect(page.status).toBe(200);
          answers.push(sameness(page));
          const html = await page.text();
          expect(html).toContain(`If <strong class="address">${email}</strong> is registered for`);
          pages.push(html.replace(email, 'ADDRESS'));
        }
        expect(new Set(pages).size).toBe(1);
        for (const answer of answers.slice(2)) expect(answer).toEqual(answers[answer.status === 303 ? 0 : 1]);
        expect((await resendsLogged(runnerA.id, 2)).sort()).toEqual([false, true]);
        await eventually(async () =>
          expect((await resendTasks(runnerA.id)).map((t) => t.status)).toEqual(['succeeded']),
        );
        expect(stack.resend.acceptedFor(runnerA.email)).toBe(2);
        expect(stack.resend.acceptedFor(nobody)).toBe(0);
        // Without the flash (a refresh): the same words, naming no address.
        const plain = await (await fetch(`${stack.target.url}/resend-confirmation`)).text();
        expect(plain).toContain('If the address is registered for');
      });

      it('refuses a re-send posted from another site (403), sending nothing', async () => {
        const runnerA = await registered();
        const res = await fetch(`${stack.target.url}/resend-confirmation`, {
          method: 'POST',
          headers: { 'content-type': FORM, origin: 'https://evil.example' },
          body: new URLSearchParams({ email: runnerA.email }).toString(),
          redirect: 'manual',
        });
        expect(res.status).toBe(403);
        expect(await resendTasks(runnerA.id)).toEqual([]);
      });
    });
  });
}
