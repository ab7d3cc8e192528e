// Answers about a person, over HTTP on Node and inside workerd: every one is `Cache-Control: no-store`
// (API, idempotent replays, the confirmation page, the form's 303s and the page after a refused post that
// echoes what was typed, the re-send of a confirmation),
// and text is one spelling — NFC — whether "é" came composed or decomposed: the duplicate-email check,
// the stored names and the Idempotency-Key's request hash all see the same value. Invisible formatting
// characters (Unicode Cf) are refused on the form as on the API.
import { describe, expect, it } from 'vitest';
import { runner } from '../support/fixtures.js';
import { post } from '../support/http.js';
import { useStack } from '../support/stack.js';
import { TARGETS } from '../support/targets.js';

const NO_STORE = 'no-store';

for (const [name, startTarget] of TARGETS) {
  describe(`answers about a person on ${name}`, () => {
    const stack = useStack(`fl_person_${name}`, startTarget);

    const form = (fields: Record<string, string>) =>
      fetch(`${stack.target.url}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: stack.target.url },
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
      });

    /** The page a refused form post redirects to, with the cookie that carries what it shows (Post/Redirect/Get). */
    const followWithFlash = (res: Response) =>
      fetch(new URL(res.headers.get('location') ?? '/', stack.target.url), {
        headers: {
          cookie: res.headers
            .getSetCookie()
            .map((c) => c.split(';')[0])
            .join('; '),
        },
      });

    describe('Cache-Control: no-store', () => {
      it('POST /api/registrations: the 201, its idempotent replay, the 409 and the 422', async () => {
        const input = runner();
        const key = crypto.randomUUID();
        const created = await post(stack.target, '/api/registrations', input, { 'idempotency-key': key });
        expect(created.status).toBe(201);
        expect(created.headers.get('cache-control')).toBe(NO_STORE);
        const replayed = await post(stack.target, '/api/registrations', input, { 'idempotency-key': key });
        expect(replayed.status).toBe(201);
        expect(replayed.headers.get('idempotent-replayed')).toBe('true');
        expect(replayed.headers.get('cache-control')).toBe(NO_STORE);
        const duplicate = await post(stack.target, '/api/registrations', input);
        expect(duplicate.status).toBe(409);
        expect(duplicate.headers.get('cache-control')).toBe(NO_STORE);
        const invalid = await post(stack.target, '/api/registrations', runner({ firstName: '' }));
        expect(invalid.status).toBe(422);
        expect(invalid.headers.get('cache-control')).toBe(NO_STORE);
      });

      it('GET /api/registrations/:id and the confirmation page, found or not', async () => {
        const { id } = await (await post(stack.target, '/api/registrations', runner())).json();
        for (const path of [`/api/registrations/${id}`, `/registrations/${id}`]) {
          const res = await fetch(`${stack.target.url}${path}`);
          expect(res.status, path).toBe(200);
          expect(res.headers.get('cache-control'), path).toBe(NO_STORE);
        }
        for (const path of [`/api/registrations/${crypto.randomUUID()}`, `/registrations/${crypto.randomUUID()}`]) {
          const res = await fetch(`${stack.target.url}${path}`);
          expect(res.status, path).toBe(404);
          expect(res.headers.get('cache-control'), path).toBe(NO_STORE);
        }
      });

      it('POST /register: its 303s, and the page after a refused post that echoes the input', async () => {
        const input = runner();
        const fields = { ...input, address: input.address } as Record<string, string>;
        const invalid = await form({ ...fields, email: 'not-an-address' });
        expect(invalid.status).toBe(303);
        expect(invalid.headers.get('cache-control')).toBe(NO_STORE);
        const invalidPage = await followWithFlash(invalid);
        expect(invalidPage.headers.get('cache-control')).toBe(NO_STORE);
        expect(await invalidPage.text()).toContain('value="not-an-address"');

        const stored = await form(fields);
        expect(stored.status).toBe(303);
        expect(stored.headers.get('cache-control')).toBe(NO_STORE);

        const duplicate = await form(fields);
        expect(duplicate.status).toBe(303);
        expect(duplicate.headers.get('cache-control')).toBe(NO_STORE);
        const duplicatePage = await followWithFlash(duplicate);
        expect(duplicatePage.headers.get('cache-control')).toBe(NO_STORE);
        expect(await duplicatePage.text()).toContain(`value="${input.email}"`);
      });

      it('the re-send of a confirmation: its 303, its page, and the API’s 202', async () => {
        const { email } = runner();
        const posted = await fetch(`${stack.target.url}/resend-confirmation`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: stack.target.url },
          body: new URLSearchParams({ email }).toString(),
          redirect: 'manual',
        });
        expect(posted.status).toBe(303);
        expect(posted.headers.get('cache-control')).toBe(NO_STORE);
        const page = await followWithFlash(posted);
        expect(page.headers.get('cache-control')).toBe(NO_STORE);
        expect(await page.text()).toContain(email);
        const api = await post(stack.target, '/api/registrations/resend-confirmation', { email });
        expect(api.status).toBe(202);
        expect(api.headers.get('cache-control')).toBe(NO_STORE);
      });
    });

    describe('NFC', () => {
      const composed = { firstName: 'Zo\u00eb', lastName: 'Cl\u00e9ment' };
      const decomposed = { firstName: 'Zoe\u0308', lastName: 'Cle\u0301ment' };

      it('composed and decomposed spellings of one email are one runner: the second is already_registered', async () => {
        const local = `ren\u00e9e-${crypto.randomUUID()}`;
        const first = await post(stack.target, '/api/registrations', runner({ email: `${local}@example.com` }));
        expect(first.status).toBe(201);
        const second = await post(
          stack.target,
          '/api/registrations',
          runner({ email: `${local.normalize('NFD')}@example.com` }),
        );
        expect(second.status).toBe(409);
        expect((await second.json()).error.code).toBe('already_registered');
        const rows = await stack.db.query<{ email: string; email_normalized: string }>(
          'SELECT email, email_normalized FROM registrations WHERE email_normalized LIKE $1',
          [`%${local.slice(-36)}%`],
        );
        expect(rows).toEqual([{ email: `${local}@example.com`, email_normalized: `${local}@example.com` }]);
      });

      it('names are stored in NFC, from the API and from the form', async () => {
        const viaApi = await post(stack.target, '/api/registrations', runner(decomposed));
        expect(viaApi.status).toBe(201);
        const { id } = await viaApi.json();
        expect(await (await fetch(`${stack.target.url}/api/registrations/${id}`)).json()).toMatchObject(composed);

        const viaForm = await form({ ...(runner(decomposed) as Record<string, string>) });
        expect(viaForm.status).toBe(303);
        const formId = viaForm.headers.get('location')?.split('/').pop();

        const rows = await stack.db.query<{ first_name: string; last_name: string }>(
          'SELECT first_name, last_name FROM registrations WHERE id = ANY($1::uuid[])',
          [[id, formId]],
        );
        expect(rows).toEqual([
          { first_name: composed.firstName, last_name: composed.lastName },
          { first_name: composed.firstName, last_name: composed.lastName },
        ]);
      });

      it('the Idempotency-Key request hash sees one request, however it was spelled', async () => {
        const key = crypto.randomUUID();
        const input = runner(composed);
        const first = await post(stack.target, '/api/registrations', input, { 'idempotency-key': key });
        expect(first.status).toBe(201);
        const again = await post(
          stack.target,
          '/api/registrations',
          { ...input, ...decomposed },
          { 'idempotency-key': key },
        );
        expect(again.status).toBe(201);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect((await again.json()).id).toBe((await first.json()).id);
      });
    });

    it('the form refuses invisible formatting characters too, naming the field, nothing stored', async () => {
      const input = runner({ lastName: 'Love\u202Ecal' });
      const res = await form(input as Record<string, string>);
      expect(res.status).toBe(303);
      expect(res.headers.get('cache-control')).toBe(NO_STORE);
      expect(await (await followWithFlash(res)).text()).toContain(
        'Last name must not contain invisible formatting characters',
      );
      expect(await stack.db.query('SELECT 1 FROM registrations WHERE email_normalized = $1', [input.email])).toEqual(
        [],
      );
    });
  });
}
