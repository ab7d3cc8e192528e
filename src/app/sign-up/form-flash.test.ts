// The flash cookie of the pages' Post/Redirect/Get, over app.request(): what a refused post carries to
// the page (the fields as posted, absent ones absent, an outcome code), read once; always within a
// browser's 4 KB, however long or odd the input; unreadable or foreign values are ignored.
import { type Context, Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { FORM_FIELDS, type FormValues } from '../pages/sign-up.js';
import {
  FLASH_COOKIE,
  putResentFlash,
  putSignUpFlash,
  type SignUpFlash,
  takeResentFlash,
  takeSignUpFlash,
} from './form-flash.js';

const http = { isHttps: () => false };
const https = { isHttps: () => true };

function app(deps = http) {
  const app = new Hono();
  app.post('/put', async (c) => {
    const flash = (await c.req.json()) as SignUpFlash | { resent: string };
    if ('resent' in flash) putResentFlash(c, deps, flash.resent);
    else putSignUpFlash(c, deps, flash);
    return c.body(null, 204);
  });
  const take = (c: Context) => c.json({ signUp: takeSignUpFlash(c, deps) ?? null });
  app.get('/sign-up', take);
  app.get('/resent', (c) => c.json({ resent: takeResentFlash(c, deps) ?? null }));
  return app;
}

/** Puts `flash` and returns the Set-Cookie header and the cookie as a browser sends it back. */
async function put(flash: SignUpFlash | { resent: string }, deps = http) {
  const res = await app(deps).request('/put', { method: 'POST', body: JSON.stringify(flash) });
  const [header = ''] = res.headers.getSetCookie();
  return { header, cookie: header.split(';')[0] ?? '' };
}

async function take(path: '/sign-up' | '/resent', cookie: string, deps = http) {
  const res = await app(deps).request(path, { headers: { cookie } });
  return { body: await res.json(), cleared: res.headers.getSetCookie() };
}

describe('the form flash cookie', () => {
  it('carries a refused sign-up to the page once: its fields (absent ones absent) and why', async () => {
    const values: FormValues = { firstName: 'Zoë', lastName: '', email: 'ada@example.com', distance: 'half' };
    const { header, cookie } = await put({ values, refusal: 'already_registered' });
    expect(header).toMatch(new RegExp(`^${FLASH_COOKIE}=[^;]+; Max-Age=120; Path=/; HttpOnly; SameSite=Strict$`));
    // Nothing readable in it at a glance, nothing a cookie cannot hold.
    expect(cookie).toMatch(/^finishline_form=[A-Za-z0-9_.~-]+$/);
    const { body, cleared } = await take('/sign-up', cookie);
    expect(body.signUp).toEqual({ values, refusal: 'already_registered' });
    expect(cleared).toEqual([expect.stringMatching(/^finishline_form=; Max-Age=0; Path=\//)]);
    // Without a refusal (the fields' own problems), and as the rules will see them: NFC, one line
    // break for CRLF, trimmed.
    const again = await put({ values: { firstName: '  Zoe\u0308  ', address: ' 1 Row\r\nLondon ' } });
    expect((await take('/sign-up', again.cookie)).body.signUp).toEqual({
      values: { firstName: 'Zo\u00eb', address: '1 Row\nLondon' },
    });
  });

  it('stays under 4 KB for the longest, widest input; an over-long field stays over its limit', async () => {
    const wide = (n: number) => '\u20ac'.repeat(n); // 3 bytes each in UTF-8
    const values = Object.fromEntries(FORM_FIELDS.map((f) => [f, `${wide(5000)}\u0000`])) as FormValues;
    const { header, cookie } = await put({ values, refusal: 'distance_full' });
    expect(header.length).toBeLessThan(4096);
    const { body } = await take('/sign-up', cookie);
    expect(body.signUp.refusal).toBe('distance_full');
    for (const [field, limit] of [
      ['firstName', 100],
      ['lastName', 100],
      ['email', 254],
      ['address', 300],
      ['distance', 20],
    ] as const) {
      expect(body.signUp.values[field], field).toBe(`${wide(limit)}…`);
    }
    // Line breaks count once, as the rules count them: an address of 290 characters is not cut.
    const address = 'x\r\n'.repeat(145);
    const fits = await put({ values: { address } });
    expect((await take('/sign-up', fits.cookie)).body.signUp.values.address).toBe('x\n'.repeat(145).trim());
  });

  it('over https: the __Host- cookie, Secure', async () => {
    const { header, cookie } = await put({ values: { firstName: 'Ada' } }, https);
    expect(header).toMatch(/^__Host-finishline_form=[^;]+; Max-Age=120; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    expect((await take('/sign-up', cookie, https)).body.signUp).toEqual({ values: { firstName: 'Ada' } });
    // The plain name is not read over https (it could have been set by an http page).
    expect((await take('/sign-up', cookie.replace('__Host-', ''), https)).body.signUp).toBeNull();
  });

  it('each page takes only its own kind, and ignores what it cannot read', async () => {
    const resent = await put({ resent: ' Ada@Example.com ' });
    expect((await take('/sign-up', resent.cookie)).body.signUp).toBeNull();
    const { body, cleared } = await take('/resent', resent.cookie);
    expect(body.resent).toBe('Ada@Example.com');
    expect(cleared).toHaveLength(1);
    const signUp = await put({ values: { firstName: 'Ada' } });
    expect((await take('/resent', signUp.cookie)).body.resent).toBeNull();
    for (const forged of [
      's.x',
      's.!!.~.~.~.~.',
      'r',
      'r.%%%',
      'x.QUJD',
      `s.${'~.'.repeat(5)}z`,
      `s.${'~.'.repeat(5)}constructor`,
    ]) {
      const taken = await take(forged.startsWith('r') ? '/resent' : '/sign-up', `${FLASH_COOKIE}=${forged}`);
      expect(taken.body.signUp ?? taken.body.resent ?? null, forged).toBeNull();
    }
  });
});
