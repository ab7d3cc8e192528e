// The sign-up pages in a real Chromium, against the Node service AND the Worker inside workerd (the
// same pages in both runtimes), each on a fresh PostgreSQL with the dev mailbox. The race has a
// one-place distance that is filled first, so the page shows it sold out.
//
// The two targets run side by side (each with its own database, service and browser contexts; their
// set-up overlaps Chromium's launch). Within a target the cases share one page and run in order, as
// written (it.sequential): pages of their own would each cost a renderer process, and on a loaded
// machine the CPU, not the waiting, is what the file's time is made of. Each case asserts with its
// own `expect` (from its context), as cases running at the same time should.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../tools/chromium.js';
import { describeViolations, seriousAxeViolations } from '../support/axe.js';
import { waitUntilDelivered } from '../support/delivery.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { useStack } from '../support/stack.js';
import { type StartTarget, startNodeTarget, startWorkerdTargetWithAssets } from '../support/targets.js';

const ADMIN_TOKEN = 'browser-admin-token-0123456789';

const PAGES_RACE = {
  id: 'canal-run-2027',
  name: 'Canal Run 2027',
  date: '2027-09-12',
  place: 'Canal Park',
  timeZone: 'Europe/Amsterdam',
  senderName: 'Canal Run',
  distances: [
    { id: '5k', label: '5 km', startTime: '10:00', cap: 500 },
    { id: '10k', label: '10 km', startTime: '09:00', cap: 500 },
    { id: 'mile', label: 'Elite mile', startTime: '08:00', cap: 1 },
  ],
};

const CONFIRMATION_URL = /\/registrations\/[0-9a-f-]{36}$/;

/** The element's text, trimmed (waits for the element). */
async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}

/** Fills the sign-up form as a runner would (keyboard input, a click on the radio). */
async function fillSignUp(page: Page, input: ReturnType<typeof runner>) {
  await page.fill('#firstName', input.firstName);
  await page.fill('#lastName', input.lastName);
  await page.fill('#email', input.email);
  await page.fill('#address', input.address);
  await page.check(`#distance-${input.distance}`);
}

/** The id of a dev mailbox message, as its card shows it. */
async function messageId(message: Locator): Promise<string> {
  return text(message.locator('.meta .mono'));
}

/** Submits the page's form and returns the form post's response (before any redirect is followed). */
async function submit(page: Page) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/register'),
    page.getByRole('button', { name: 'Register', exact: true }).click(),
  ]);
  await page.waitForLoadState();
  return response;
}

// One Chromium for the file (both targets): each target gets its own contexts, and a launch is seconds.
// Launched before the targets' set-up (the file's hooks run before each target's), while their
// databases and services start; a failed launch is reported where a target awaits it.
let launching: Promise<Browser> | undefined;
beforeAll(() => {
  launching = launchChromium();
  launching.catch(() => {});
});
afterAll(async () => {
  await (await launching?.catch(() => undefined))?.close();
});

// The workerd target with the assets' router in front: these pages load the stylesheet from it.
const TARGETS: [string, StartTarget][] = [
  ['node', startNodeTarget],
  ['workerd', startWorkerdTargetWithAssets],
];

describe.concurrent.each(TARGETS)('sign-up pages in Chromium, on %s', (targetName, startTarget) => {
  const dir = mkdtempSync(join(tmpdir(), 'finishline-pages-'));
  const raceFile = join(dir, 'race.json');
  writeFileSync(raceFile, JSON.stringify(PAGES_RACE));
  // No Resend stand-in: the target keeps its emails in the dev mailbox.
  const stack = useStack(
    'fl_pages',
    startTarget,
    {
      ADMIN_TOKEN,
      // The dev mailbox (a Worker never enters dev mode by itself).
      DEV_MODE: '1',
      // Node reads a file; the Worker takes the race itself.
      RACE_CONFIG: targetName === 'node' ? raceFile : JSON.stringify(PAGES_RACE),
    },
    { resend: false },
  );
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  // After useStack's hook: the database and the target are up.
  beforeAll(async () => {
    // The one place of the elite mile goes first: from now on it is sold out.
    expect((await post(stack.target, '/api/registrations', runner({ distance: 'mile' }))).status).toBe(201);
    browser = await launching!;
    context = await browser.newContext({ baseURL: stack.target.url });
    page = await context.newPage();
  });
  // Before useStack's (after hooks run last registered first): the contexts close before the target stops.
  afterAll(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.sequential('signs up through the page, lands on the confirmation, and the email reaches the dev mailbox', async ({
    expect,
  }) => {
    await page.goto('/');
    expect(await text(page.locator('h1'))).toBe(PAGES_RACE.name);
    const input = runner({ firstName: 'Ada', lastName: 'Lovelace', distance: '10k' });
    await fillSignUp(page, input);
    const response = await submit(page);
    expect(response.status()).toBe(303);
    expect(page.url()).toMatch(CONFIRMATION_URL);
    expect(await text(page.locator('h1'))).toBe("You're in, Ada!");
    const details = page.locator('dl.details');
    expect(await text(details)).toContain('Ada Lovelace');
    expect(await text(details)).toContain('10 km');
    expect(await text(details)).toContain('09:00 (Europe/Amsterdam)');
    expect(await text(details)).toContain('Sunday, 12 September 2027');
    expect(await text(details)).toContain('Canal Park');
    const id = page.url().split('/').pop()!;
    // Stored through the outbox, like the API: the registration and its task.
    const [row] = await stack.db.query<{ strategy: string; tasks: number }>(
      'SELECT r.strategy, (SELECT count(*)::int FROM tasks t WHERE t.registration_id = r.id) AS tasks FROM registrations r WHERE r.id = $1',
      [id],
    );
    expect(row).toEqual({ strategy: 'outbox', tasks: 1 });

    // The status in words, once the email is out: waiting on the outbox's record (a query) rather than
    // reloading the page in a loop, which took the CPU the delivery needed on a loaded machine.
    await waitUntilDelivered(stack.db, [input.email]);
    await eventually(async () => {
      await page.reload();
      expect(await text(page.locator('#email-title .badge'))).toBe('Sent');
    });

    await page.click('nav >> text=Mailbox');
    const message = page.locator('article.message', { hasText: input.email });
    expect(await message.count()).toBe(1);
    expect(await text(message.locator('h2'))).toBe(`You're registered for ${PAGES_RACE.name}`);
    expect(await text(message.locator('pre'))).toContain(id);
    const iframe = message.locator('iframe');
    expect(await iframe.getAttribute('sandbox')).toBe('');
    expect(await text(message.frameLocator('iframe').locator('body'))).toContain('Hi Ada');
    // Shown whole: the frame is at least as tall as the email renders in it, on a desktop, a narrow
    // window and phones (the frames' heights are estimated on the server: no script may measure them).
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 600, height: 900 },
      { width: 375, height: 740 },
      { width: 320, height: 640 },
    ]) {
      await page.setViewportSize(viewport);
      await page.reload();
      expect(await text(message.frameLocator('iframe').locator('body'))).toContain('Hi Ada');
      const frameHeight = await iframe.evaluate((el) => el.clientHeight);
      const mailId = await messageId(message);
      const frame = page.frames().find((f) => f.url().endsWith(`/dev/mail/${mailId}`));
      expect(frame, 'the email’s frame').toBeDefined();
      const emailHeight = await frame!.evaluate(() => document.documentElement.scrollHeight);
      expect(emailHeight, `${viewport.width} px wide`).toBeLessThanOrEqual(frameHeight);
      // …and not much taller: blank space below an email is kept small.
      expect(frameHeight, `${viewport.width} px wide`).toBeLessThanOrEqual(emailHeight * 1.4);
    }
    await page.setViewportSize({ width: 1280, height: 720 });

    // Its HTML alone, at full size: sandboxed by its own CSP (inline styles, as emails have, no script).
    const [alone] = await Promise.all([
      page.waitForResponse(/\/dev\/mail\/[0-9a-f-]{36}$/),
      message.locator('text=Open alone at full size').click(),
    ]);
    expect(alone.status()).toBe(200);
    const csp = alone.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/(^|; )sandbox(;|$)/);
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).not.toMatch(/script-src/);
    expect(await text(page.locator('body'))).toContain('Hi Ada');
    expect(await text(page.locator('body'))).toContain(id);
    await page.goBack();
  });

  it.sequential('shows each error beside its field, keeps the input, and cannot choose a sold-out distance', async ({
    expect,
  }) => {
    await page.goto('/');
    const mile = page.locator('#distance-mile');
    expect(await mile.isDisabled()).toBe(true);
    expect(await text(page.locator('label[for=distance-mile]'))).toContain('Sold out');
    expect(await page.locator('#distance-5k').isEnabled()).toBe(true);

    await page.fill('#firstName', 'Grace');
    await page.fill('#email', 'grace@invalid');
    await page.fill('#address', '1 Harbour Street');
    // Post/Redirect/Get: the refused post answers 303, back to the page, which shows why.
    const response = await submit(page);
    expect(response.status()).toBe(303);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.title()).toBe(`Error: Sign up · ${PAGES_RACE.name}`);

    // Kept as typed.
    expect(await page.locator('#firstName').inputValue()).toBe('Grace');
    expect(await page.locator('#email').inputValue()).toBe('grace@invalid');
    expect(await page.locator('#address').inputValue()).toBe('1 Harbour Street');
    // Valid fields are not marked.
    expect(await page.locator('#firstName').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#address').getAttribute('aria-invalid')).toBeNull();
    // Invalid ones are, with their message beside them and linked by aria-describedby.
    for (const [field, message] of [
      ['lastName', 'Enter your last name'],
      ['email', 'Enter an email address like name@example.com'],
      ['distance', 'Choose a distance'],
    ] as const) {
      const expected = message;
      const control = page.locator(`#${field}`);
      expect(await control.getAttribute('aria-invalid')).toBe('true');
      expect((await control.getAttribute('aria-describedby'))?.split(' ')).toContain(`${field}-error`);
      expect(await text(page.locator(`#${field}-error`))).toContain(expected);
      expect(await text(page.locator('.alert.error'))).toContain(expected);
    }
    expect(await page.locator('#distance-mile').isDisabled()).toBe(true);
    expect(await stack.db.query("SELECT 1 FROM registrations WHERE first_name = 'Grace'")).toHaveLength(0);

    // A refresh never posts the form again: it is a GET of the page, which has shown its errors once.
    const methods: string[] = [];
    const record = (request: { method(): string; url(): string }) => {
      if (new URL(request.url()).origin === stack.target.url) methods.push(request.method());
    };
    page.on('request', record);
    await page.reload();
    page.off('request', record);
    expect(methods).not.toContain('POST');
    expect(await page.locator('.alert.error').count()).toBe(0);
    await page.fill('#firstName', 'Grace');
    await page.fill('#address', '1 Harbour Street');

    // Corrected, it goes through.
    await page.fill('#lastName', 'Hopper');
    await page.fill('#email', `grace-${Date.now()}@example.com`);
    await page.check('#distance-5k');
    expect((await submit(page)).status()).toBe(303);
    expect(await text(page.locator('h1'))).toBe("You're in, Grace!");
  });

  it.sequential('409s on the page: an email already registered, a distance that is full', async ({ expect }) => {
    const taken = runner({ distance: '5k' });
    expect((await post(stack.target, '/api/registrations', taken)).status).toBe(201);
    await page.goto('/');
    await fillSignUp(page, { ...taken, email: taken.email.toUpperCase() });
    expect((await submit(page)).status()).toBe(303);
    expect(await page.locator('#email').getAttribute('aria-invalid')).toBe('true');
    expect(await text(page.locator('#email-error'))).toContain('already registered');

    // The way forward: the confirmation again, from the button beside the error. Enter in a field
    // still means "Register" (the button belongs to a form of its own).
    const again = page.locator('button', { hasText: 'Send me my confirmation again' });
    expect(await again.getAttribute('form')).toBe('resend-confirmation');
    let typed = taken.email.toUpperCase();
    const sent = async () => {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/resend-confirmation')),
        again.click(),
      ]);
      await page.waitForLoadState();
      expect(response.status()).toBe(303);
      expect(new URL(page.url()).pathname).toBe('/resend-confirmation');
      expect(await text(page.locator('h1'))).toBe('Check your inbox');
      expect(await text(page.locator('.lead'))).toBe(
        `If ${typed} is registered for ${PAGES_RACE.name}, we've sent its confirmation again.`,
      );
    };
    await sent();
    // Asked again (the sign-up refused again, the button clicked again): the same answer, and still
    // one email more. (Back would show the sign-up page without its errors: they are shown once.)
    await page.goto('/');
    await fillSignUp(page, taken);
    expect((await submit(page)).status()).toBe(303);
    typed = taken.email;
    await sent();
    const subject = `You're registered for ${PAGES_RACE.name}`;
    const mailbox = async () =>
      stack.db.query<{ subject: string }>(`SELECT subject FROM dev_mail WHERE "to" = $1`, [taken.email]);
    await eventually(async () => expect(await mailbox()).toEqual([{ subject }, { subject }]));
    await eventually(async () => {
      const tasks = await stack.db.query<{ key: string | null; status: string }>(
        `SELECT t.key, t.status FROM tasks t JOIN registrations r ON r.id = t.registration_id
         WHERE r.email_normalized = $1 ORDER BY t.created_at`,
        [taken.email.toLowerCase()],
      );
      expect(tasks.map((t) => t.status)).toEqual(['succeeded', 'succeeded']);
      expect(tasks[1]?.key).toMatch(/^resend:/);
    });
    // A refresh of that page posts nothing, and names no address any more.
    await page.reload();
    expect(await text(page.locator('.lead'))).toBe(
      `If the address is registered for ${PAGES_RACE.name}, we've sent its confirmation again.`,
    );
    expect(await mailbox()).toHaveLength(2);

    // A sold-out distance can only be sent by hand (its radio is disabled): refused, said beside it.
    const res = await fetch(`${stack.target.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: stack.target.url },
      body: new URLSearchParams(runner({ distance: 'mile' })).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const html = await (await fetch(`${stack.target.url}/`, { headers: { cookie } })).text();
    expect(html).toMatch(/<fieldset[^>]*aria-invalid="true"/);
    expect(html).toContain('Elite mile has just sold out');
    expect(html).not.toContain('Send me my confirmation again');
  });

  it.sequential('works with JavaScript disabled', async ({ expect }) => {
    const noScript = await browser.newContext({ baseURL: stack.target.url, javaScriptEnabled: false });
    try {
      const p = await noScript.newPage();
      await p.goto('/');
      const input = runner({ firstName: 'Katherine', lastName: 'Johnson', distance: '5k' });
      await fillSignUp(p, input);
      expect((await submit(p)).status()).toBe(303);
      expect(p.url()).toMatch(CONFIRMATION_URL);
      expect(await text(p.locator('h1'))).toBe("You're in, Katherine!");
      expect(
        await stack.db.query('SELECT 1 FROM registrations WHERE email_normalized = $1', [input.email.toLowerCase()]),
      ).toHaveLength(1);

      // Refused, redirected back with its errors; and the re-send, all without a script.
      await p.goto('/');
      await fillSignUp(p, input);
      expect((await submit(p)).status()).toBe(303);
      expect(await text(p.locator('#email-error'))).toContain('already registered');
      await Promise.all([p.waitForURL(/\/resend-confirmation$/), p.click('text=Send me my confirmation again')]);
      expect(await text(p.locator('h1'))).toBe('Check your inbox');
    } finally {
      await noScript.close();
    }
  });

  it.sequential('a strict CSP: no inline styles or scripts, nothing loaded from another host, the stylesheet applies', async ({
    expect,
  }) => {
    const requested: string[] = [];
    const cspErrors: string[] = [];
    const p = await context.newPage();
    p.on('request', (request) => requested.push(request.url()));
    p.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspErrors.push(message.text());
    });
    const response = await p.goto('/');
    const csp = response!.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src/); // none at all: default-src 'none' forbids every script
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await response!.text();
    expect(html).not.toMatch(/<script|<style|\sstyle=/i);
    // The stylesheet loaded (from us) and applies.
    expect(await p.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(244, 246, 249)');
    expect(requested.length).toBeGreaterThan(1);
    for (const url of requested) expect(['127.0.0.1', 'localhost'], url).toContain(new URL(url).hostname);
    expect(cspErrors).toEqual([]);
    // Node's app and, on workerd, the asset server (public/_headers) answer alike.
    for (const [path, type] of [
      ['/assets/app.css', 'text/css'],
      ['/assets/icon.svg', 'image/svg+xml'],
    ]) {
      const asset = await fetch(`${stack.target.url}${path}`);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('content-type'), path).toContain(type);
      expect(asset.headers.get('cache-control'), path).toBe('public, max-age=3600');
      expect(asset.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    await p.close();
  });

  it.sequential('refuses a form post from another origin (CSRF): 403, nothing stored', async ({ expect }) => {
    const input = runner({ distance: '5k' });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const body = new URLSearchParams(input).toString();
    for (const origin of ['https://evil.example', 'null']) {
      const res = await fetch(`${stack.target.url}/register`, { method: 'POST', headers: { ...form, origin }, body });
      expect(res.status, origin).toBe(403);
    }
    const noOrigin = await fetch(`${stack.target.url}/register`, { method: 'POST', headers: form, body });
    expect(noOrigin.status).toBe(403);
    expect(await stack.db.query('SELECT 1 FROM registrations WHERE email_normalized = $1', [input.email])).toHaveLength(
      0,
    );
    // The same post from our own origin is fine.
    const ours = await fetch(`${stack.target.url}/register`, {
      method: 'POST',
      headers: { ...form, origin: stack.target.url },
      body,
      redirect: 'manual',
    });
    expect(ours.status).toBe(303);
  });

  it.sequential('answers pages with pages: 404 and 415 in HTML, the API still in JSON', async ({ expect }) => {
    for (const path of [`/registrations/${crypto.randomUUID()}`, '/registrations/not-an-id', '/nowhere']) {
      const res = await page.goto(path);
      expect(res!.status(), path).toBe(404);
      expect(res!.headers()['content-type']).toContain('text/html');
      expect(await text(page.locator('h1'))).toBe('Page not found');
    }
    const json = await fetch(`${stack.target.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: stack.target.url },
      body: JSON.stringify(runner()),
    });
    expect(json.status).toBe(415);
    expect(json.headers.get('content-type')).toContain('text/html');
    const big = await fetch(`${stack.target.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: stack.target.url },
      body: new URLSearchParams(runner({ address: 'x'.repeat(17 * 1024) })).toString(),
    });
    expect(big.status).toBe(413);
    const api = await fetch(`${stack.target.url}/api/registrations/${crypto.randomUUID()}`);
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe('not_found');
  });

  it.sequential('has no serious or critical accessibility violations (axe-core)', async ({ expect }) => {
    // axe is injected as a script, which the pages' CSP forbids: this context alone bypasses it.
    const axeContext = await browser.newContext({ baseURL: stack.target.url, bypassCSP: true });
    try {
      const p = await axeContext.newPage();
      const checked: string[] = [];
      const check = async (name: string) => {
        const violations = await seriousAxeViolations(p);
        if (violations.length > 0) console.error(`axe on ${name}:\n${describeViolations(violations)}`);
        expect(violations, `${name}: ${describeViolations(violations)}`).toEqual([]);
        checked.push(name);
      };
      await p.goto('/');
      await check('sign-up');
      await p.fill('#firstName', 'Alan');
      await p.fill('#email', 'not-an-email');
      await submit(p);
      await check('sign-up with errors');
      const alan = runner({ firstName: 'Alan', lastName: 'Turing', distance: '10k' });
      await fillSignUp(p, alan);
      await submit(p);
      await check('confirmation');
      await p.goto('/');
      await fillSignUp(p, alan);
      await submit(p);
      expect(await p.locator('button[form=resend-confirmation]').count()).toBe(1);
      await check('sign-up, already registered');
      await Promise.all([p.waitForURL(/\/resend-confirmation$/), p.click('text=Send me my confirmation again')]);
      await check('confirmation sent again');
      await p.goto('/dev/mail');
      await check('dev mailbox');
      await p.goto('/admin');
      await check('admin sign-in');
      await p.fill('#token', ADMIN_TOKEN);
      await p.click('button[type=submit]');
      expect(await text(p.locator('h1'))).toBe('Admin');
      await check('admin signed in');
      expect(checked).toHaveLength(8);
    } finally {
      await axeContext.close();
    }
  });
});
