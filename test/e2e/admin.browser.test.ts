// The admin dashboard in a real Chromium, on the Node service with a real PostgreSQL and the Resend
// stand-in (so a confirmation email can be refused permanently and become a dead letter): sign-in
// with the token through the form (a server-side session), search, replay a dead letter with the
// Retry button and see it delivered, download the CSV, withdraw a runner (behind a confirmation), the
// session cookie's limits (reads only; JSON writes stay Bearer-only), and signing out ending the session
// for a copied cookie too.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Cookie, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER } from '../../src/app/routes/admin.js';
import { launchChromium } from '../../tools/chromium.js';
import { describeViolations, seriousAxeViolations } from '../support/axe.js';
import { parseCsv } from '../support/csv.js';
import { waitUntilDelivered } from '../support/delivery.js';
import { FAST_RETRIES } from '../support/fast-retries.js';
import { runner } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { useStack } from '../support/stack.js';
import { startNodeTarget } from '../support/targets.js';

const ADMIN_TOKEN = 'browser-admin-token-0123456789';

async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}

async function signIn(page: Page, token: string) {
  await page.goto('/admin');
  await page.fill('#token', token);
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/admin/login'),
    page.click('button[type=submit]'),
  ]);
  await page.waitForLoadState();
  return response;
}

describe('admin dashboard in Chromium', () => {
  const stack = useStack('fl_admin_pages', startNodeTarget, { ...FAST_RETRIES, ADMIN_TOKEN });
  let launching: Promise<Browser> | undefined;
  // bypassCSP only so axe-core can be injected for the accessibility check; nothing else needs it.
  let context: BrowserContext;
  let page: Page;
  let dead: { registrationId: string; taskId: string; email: string };
  /** The session cookie as signed in, kept to replay it after signing out. */
  let session: Cookie;

  // After useStack's hook (the database, the stand-in and the service are up). Chromium launches
  // while the runners are registered and delivered.
  beforeAll(async () => {
    launching = launchChromium();
    // Two runners delivered, then one whose first attempt Resend refuses as invalid: a dead letter at once.
    for (const lastName of ['Hopper', 'Johnson']) {
      expect((await post(stack.target, '/api/registrations', runner({ lastName }))).status).toBe(201);
    }
    await stack.resend.waitForAccepted(2);
    stack.resend.failNext(1, { status: 422, name: 'validation_error', message: 'Invalid `to` field.' });
    const input = runner({ firstName: 'Edsger', lastName: 'Dijkstra', distance: 'full' });
    const res = await post(stack.target, '/api/registrations', input);
    expect(res.status).toBe(201);
    const { id } = await res.json();
    await eventually(async () => {
      const rows = await stack.db.query<{ id: string }>(
        "SELECT id FROM tasks WHERE registration_id = $1 AND status = 'dead'",
        [id],
      );
      expect(rows).toHaveLength(1);
      dead = { registrationId: id, taskId: rows[0]!.id, email: input.email };
    });
    const browser = await launching;
    context = await browser.newContext({ baseURL: stack.target.url, bypassCSP: true, acceptDownloads: true });
    page = await context.newPage();
  });
  // Before useStack's (after hooks run last registered first): the browser closes before the service stops.
  afterAll(async () => {
    await context?.close();
    await (await launching?.catch(() => undefined))?.close();
  });

  it('refuses a wrong token with a 401 page and a message beside the field', async () => {
    const response = await signIn(page, 'not-the-admin-token-at-all');
    expect(response.status()).toBe(401);
    expect(await page.locator('#token').getAttribute('aria-invalid')).toBe('true');
    expect(await text(page.locator('#token-error'))).toContain('not right');
    expect(await context.cookies()).toEqual([]);
    // Still not signed in.
    await page.goto('/admin');
    expect(await text(page.locator('h1'))).toBe('Admin sign-in');
    // And the admin data stays closed to a browser without the cookie.
    expect((await page.request.get('/api/admin/registrations.csv')).status()).toBe(401);
  });

  it('signs in: a session id in an HttpOnly, SameSite=Strict cookie; counts, dead letters and registrations', async () => {
    const response = await signIn(page, ADMIN_TOKEN);
    expect(response.status()).toBe(303);
    expect(new URL(page.url()).pathname).toBe('/admin');
    expect(await text(page.locator('h1'))).toBe('Admin');
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    // Plain http here, so no Secure and no __Host- prefix (browsers refuse that prefix without Secure).
    expect(cookies[0]).toMatchObject({ name: 'finishline_session', httpOnly: true, sameSite: 'Strict', secure: false });
    session = cookies[0]!;
    expect(session.value).not.toContain(ADMIN_TOKEN);
    const rows = await stack.db.query<{ id_hash: string }>('SELECT id_hash FROM admin_sessions');
    expect(rows).toEqual([{ id_hash: createHash('sha256').update(session.value).digest('hex') }]);

    const perDistance = await text(page.locator('ul[aria-label="Places per distance"]'));
    expect(perDistance).toMatch(/Half marathon\s*2\s*\/\s*3,000/);
    expect(perDistance).toMatch(/Marathon\s*1\s*\/\s*2,000/);
    const tasks = await text(page.locator('ul[aria-label="Email tasks by status"]'));
    expect(tasks).toMatch(/Succeeded\s*2/);
    expect(tasks).toMatch(/Dead letters\s*1/);
    expect(await page.locator(`button[data-task="${dead.taskId}"]`).count()).toBe(1);
    expect(await page.locator('tbody tr').count()).toBe(1 + 3); // one dead letter + three registrations

    const violations = await seriousAxeViolations(page);
    if (violations.length > 0) console.error(`axe on the dashboard:\n${describeViolations(violations)}`);
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it('finds a runner by search and filters by distance', async () => {
    await page.goto('/admin');
    await page.fill('#q', 'dijks');
    await Promise.all([page.waitForURL(/q=dijks/), page.click('form.toolbar button[type=submit]')]);
    const rows = page.locator('section[aria-labelledby="registrations-title"] tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await text(rows.first())).toContain('Edsger Dijkstra');
    expect(await text(rows.first())).toContain(dead.email);
    expect(await text(rows.first())).toContain('Failed');
    expect(await page.locator('#q').inputValue()).toBe('dijks');

    await page.fill('#q', '');
    await page.selectOption('#filter-distance', 'half');
    await Promise.all([page.waitForURL(/distance=half/), page.click('form.toolbar button[type=submit]')]);
    expect(await rows.count()).toBe(2);
    expect(await text(page.locator('section[aria-labelledby="registrations-title"] tbody'))).not.toContain('Dijkstra');
  });

  it('retries a dead letter with the Retry button and sees it delivered once', async () => {
    await page.goto('/admin');
    await Promise.all([page.waitForURL(/done=retried/), page.click(`button[data-task="${dead.taskId}"]`)]);
    expect(await text(page.locator('.alert[role=status]'))).toContain(`Task ${dead.taskId.slice(0, 8)} is queued`);
    // Waiting on the outbox's record (a query), then on the page, rather than reloading it in a loop.
    await waitUntilDelivered(stack.db, [dead.email]);
    await eventually(async () => {
      await page.goto(`/admin?q=${encodeURIComponent(dead.email)}`);
      expect(await text(page.locator('section[aria-labelledby="registrations-title"] tbody tr'))).toContain('Sent');
    });
    expect(stack.resend.acceptedFor(dead.email)).toBe(1);
    expect(await text(page.locator('#dead-letters'))).toContain('None');
    // The runner's own page says so too.
    await page.goto(`/registrations/${dead.registrationId}`);
    expect(await text(page.locator('#email-title .badge'))).toBe('Sent');
    // A second click on a stale page finds nothing to retry.
    const again = await page.request.post(`/admin/tasks/${dead.taskId}/retry`, {
      headers: { origin: stack.target.url },
      form: {},
      maxRedirects: 0,
    });
    expect(again.status()).toBe(303);
    expect(again.headers().location).toContain('done=not-dead');
  });

  it('downloads the CSV from the dashboard with its rows', async () => {
    await page.goto('/admin');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download CSV')]);
    expect(download.suggestedFilename()).toBe('registrations.csv');
    const rows = parseCsv(await readFile((await download.path())!, 'utf8'));
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows).toHaveLength(1 + 3);
    const edsger = rows.find((r) => r[3] === dead.email);
    expect(edsger).toBeDefined();
    expect(edsger![0]).toBe(dead.registrationId);
    expect(edsger!.slice(1, 3)).toEqual(['Edsger', 'Dijkstra']);
    expect(edsger![5]).toBe('full');
    expect(edsger![CSV_HEADER.indexOf('email_status')]).toBe('sent');
    expect(edsger![CSV_HEADER.indexOf('status')]).toBe('registered');
  });

  it('withdraws a runner with the Withdraw button, behind a confirmation: the place is freed', async () => {
    await page.goto('/admin?q=Hopper');
    const row = page.locator('section[aria-labelledby="registrations-title"] tbody tr');
    expect(await row.count()).toBe(1);
    const confirm = row.locator('button[data-registration]');
    expect(await confirm.isVisible()).toBe(false);
    await row.locator('summary').click();
    await Promise.all([page.waitForURL(/done=withdrawn/), confirm.click()]);
    expect(new URL(page.url()).searchParams.get('q')).toBe('Hopper');
    expect(await text(page.locator('.alert[role=status]'))).toMatch(/^Registration [0-9a-f]{8} is withdrawn\./);
    expect(await text(row)).toContain('Withdrawn');
    expect(await row.locator('summary').count()).toBe(0);
    const perDistance = await text(page.locator('ul[aria-label="Places per distance"]'));
    expect(perDistance).toMatch(/Half marathon\s*1\s*\/\s*3,000/);
  });

  it('the cookie reads but does not write through the JSON API; posts from elsewhere are refused', async () => {
    // GET with the cookie: yes. The JSON API's POST with the cookie alone: no (Bearer only).
    expect((await page.request.get('/api/admin/tasks?status=dead')).status()).toBe(200);
    const json = await page.request.post(`/api/admin/tasks/${dead.taskId}/retry`);
    expect(json.status()).toBe(401);
    // The dashboard's own form route checks the origin first (CSRF).
    const foreign = await page.request.post(`/admin/tasks/${dead.taskId}/retry`, {
      headers: { origin: 'https://evil.example' },
      form: {},
      maxRedirects: 0,
    });
    expect(foreign.status()).toBe(403);
    // And without the cookie, the form route is closed even from our origin.
    const anonymous = await fetch(`${stack.target.url}/admin/tasks/${dead.taskId}/retry`, {
      method: 'POST',
      headers: { origin: stack.target.url, 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(anonymous.status).toBe(401);
  });

  it('signs out: the cookie is gone, the session ended, and a copy of the cookie no longer works', async () => {
    await page.goto('/admin');
    await Promise.all([page.waitForURL(/done=signed-out/), page.click('text=Sign out')]);
    expect(await text(page.locator('h1'))).toBe('Admin sign-in');
    expect(await text(page.locator('.alert[role=status]'))).toContain('signed out');
    expect(await context.cookies()).toEqual([]);
    expect((await page.request.get('/api/admin/registrations.csv')).status()).toBe(401);
    expect(await stack.db.query('SELECT id_hash FROM admin_sessions')).toEqual([]);

    // Someone who copied the cookie before the sign-out puts it back: still signed out.
    await context.addCookies([session]);
    await page.goto('/admin');
    expect(await text(page.locator('h1'))).toBe('Admin sign-in');
    expect((await page.request.get('/api/admin/registrations.csv')).status()).toBe(401);
  });
});
