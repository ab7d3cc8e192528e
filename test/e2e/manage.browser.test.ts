// The waitlist through the pages alone, in a real Chromium with JavaScript OFF, on the Node service with
// PostgreSQL and the Resend stand-in. The race's elite mile has one place and a waitlist (offers held
// for an hour): A signs up through the form and gets the place; B picks the full mile ("Full — join the
// waitlist") and gets number 1; A opens the manage link from their email and withdraws (after the
// "are you sure?" page); B's page then shows the offer with its deadline, and B accepts it. A decline
// sent from a page left open meanwhile finds nothing offered: a notice says so. The JSON manage API
// agrees at every step. A runner whose confirmation bounced is asked for another address, and the form
// sends the confirmation there.
//
// PUBLIC_URL is the service's own address (a port chosen first), as in production: the links in the
// emails point there, and the pages' cross-site check expects it as the posts' Origin — which Chromium
// sends only because the manage pages' Referrer-Policy is not `no-referrer`.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manageToken } from '../../src/domain/manage-link.js';
import { launchChromium } from '../../tools/chromium.js';
import { describeViolations, seriousAxeViolations } from '../support/axe.js';
import { runner, uniqueEmail } from '../support/fixtures.js';
import { eventually, post } from '../support/http.js';
import { useStack } from '../support/stack.js';
import { startNodeTarget } from '../support/targets.js';

const LINK_SECRET = 'Manage-browser-link-secret-q8w3e7r2t6y1u5i9';
const RACE = {
  id: 'manage-run-2027',
  name: 'Manage Run 2027',
  date: '2027-09-12',
  place: 'Canal Park',
  timeZone: 'Europe/Amsterdam',
  senderName: 'Manage Run',
  distances: [
    { id: '10k', label: '10 km', startTime: '09:00', cap: 500 },
    { id: 'mile', label: 'Elite mile', startTime: '08:00', cap: 1 },
  ],
  waitlist: { offerTtl: '1h' },
};

const CONFIRMATION_URL = /\/registrations\/([0-9a-f-]{36})$/;

/** A port nobody listens on right now: the service takes it, so PUBLIC_URL can name it beforehand. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Clicks and waits for the form post's answer (before its redirect is followed) and the page after it. */
async function postBy(page: Page, click: () => Promise<void>) {
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), click()]);
  await page.waitForLoadState();
  return response;
}

async function signUpThroughForm(page: Page, input: ReturnType<typeof runner>) {
  await page.goto('/');
  await page.fill('#firstName', input.firstName);
  await page.fill('#lastName', input.lastName);
  await page.fill('#email', input.email);
  await page.fill('#address', input.address);
  await page.check(`#distance-${input.distance}`);
  const response = await postBy(page, () => page.getByRole('button', { name: 'Register', exact: true }).click());
  expect(response.status()).toBe(303);
  const id = CONFIRMATION_URL.exec(new URL(page.url()).pathname)?.[1];
  if (!id) throw new Error(`not on a confirmation page: ${page.url()}`);
  return id;
}

let publicUrl = '';
beforeAll(async () => {
  publicUrl = `http://127.0.0.1:${await freePort()}`;
});

describe('the manage pages in Chromium without JavaScript (node)', () => {
  const raceFile = join(tmpdir(), `finishline-manage-race-${process.pid}.json`);
  const stack = useStack('fl_manage_pages', startNodeTarget, () => {
    writeFileSync(raceFile, JSON.stringify(RACE));
    return {
      RACE_CONFIG: raceFile,
      PORT: new URL(publicUrl).port,
      PUBLIC_URL: publicUrl,
      LINK_SECRET,
      TASK_SWEEP_INTERVAL_MS: '200',
    };
  });
  let browser: Browser;
  let context: BrowserContext;
  let axeContext: BrowserContext;
  let page: Page;
  let axePage: Page;

  beforeAll(async () => {
    expect(stack.target.url).toBe(publicUrl);
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: publicUrl, javaScriptEnabled: false });
    page = await context.newPage();
    // axe runs as a script, which the pages' CSP forbids: this context alone has JavaScript and bypasses it.
    axeContext = await browser.newContext({ baseURL: publicUrl, bypassCSP: true });
    axePage = await axeContext.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await axeContext?.close();
    await browser?.close();
  });

  const emailsTo = (email: string) => stack.resend.accepted().filter((e) => e.to.includes(email));
  /** The manage link in the runner's latest email (its path), once that email has arrived. */
  async function manageLinkOf(email: string, count: number): Promise<string> {
    await eventually(() => expect(emailsTo(email).length).toBeGreaterThanOrEqual(count));
    const escaped = publicUrl.replace(/[.]/g, '\\.');
    const match = new RegExp(`${escaped}(/manage/[A-Za-z0-9_-]{43})`).exec(emailsTo(email).at(-1)?.text ?? '');
    if (!match?.[1]) throw new Error(`no manage link in the email to ${email}`);
    return match[1];
  }
  const apiStatus = async (path: string) => (await (await fetch(`${publicUrl}/api${path}`)).json()).status;
  const checked: string[] = [];
  /** axe on the page at `path` (a GET changes nothing), as it is now. */
  async function axe(name: string, path: string) {
    await axePage.goto(path);
    const violations = await seriousAxeViolations(axePage);
    expect(violations, `${name}: ${describeViolations(violations)}`).toEqual([]);
    checked.push(name);
  }

  it('sign up, join the waitlist, withdraw, offer, accept — through pages and form posts only', async () => {
    // A takes the mile's one place.
    const a = runner({ firstName: 'Ada', lastName: 'Lovelace', distance: 'mile' });
    const idA = await signUpThroughForm(page, a);
    expect(await text(page.locator('h1'))).toBe("You're in, Ada!");

    // The mile is full, yet selectable: its label says a sign-up joins the waitlist.
    await page.goto('/');
    const mile = page.locator('label[for="distance-mile"]');
    expect(await text(mile)).toContain('Full — join the waitlist');
    expect(await page.locator('#distance-mile').isDisabled()).toBe(false);
    await axe('sign-up with a full distance', '/');
    const b = runner({ firstName: 'Bea', lastName: 'Quinn', distance: 'mile' });
    const idB = await signUpThroughForm(page, b);
    expect(await text(page.locator('h1'))).toBe("You're on the waitlist, number 1");
    expect(await text(page.locator('dt:text-is("Waitlist number") + dd'))).toBe('1');
    await axe('confirmation, waitlisted', `/registrations/${idB}`);

    // A's manage link, from their confirmation email: the token derived from the secret and the id.
    const linkA = await manageLinkOf(a.email, 1);
    expect(linkA).toBe(`/manage/${await manageToken(LINK_SECRET, idA)}`);
    const opened = await page.goto(linkA);
    expect(opened?.status()).toBe(200);
    const headers = (await opened?.allHeaders()) ?? {};
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['referrer-policy']).toBe('strict-origin');
    expect(await text(page.locator('h1'))).toBe("You're registered, Ada");
    await axe('manage, registered', linkA);

    // Withdraw: a link to the "are you sure?" page, whose button posts.
    await page.getByRole('link', { name: 'Withdraw' }).click();
    expect(new URL(page.url()).pathname).toBe(`${linkA}/withdraw`);
    expect(await text(page.locator('h1'))).toBe(`Withdraw from ${RACE.name}?`);
    await axe('manage, confirm withdrawal', `${linkA}/withdraw`);
    const withdrawn = await postBy(page, () => page.getByRole('button', { name: 'Yes, withdraw' }).click());
    expect(withdrawn.status()).toBe(303);
    expect((await withdrawn.request().allHeaders()).origin).toBe(publicUrl);
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(`${linkA}?done=withdrawn`);
    expect(await text(page.locator('[role=status]'))).toBe(
      `You have withdrawn from ${RACE.name}. An email confirming it is on its way.`,
    );
    expect(await text(page.locator('h1'))).toBe('You have withdrawn');
    expect(await page.locator('form').count()).toBe(0);
    await axe('manage, withdrawn, with a notice', `${linkA}?done=withdrawn`);
    expect(await apiStatus(linkA)).toBe('withdrawn');

    // The place went to B in the same statement: B's page shows the offer and its deadline (an hour).
    const linkB = `/manage/${await manageToken(LINK_SECRET, idB)}`;
    expect(await manageLinkOf(b.email, 2)).toBe(linkB);
    await page.goto(linkB);
    expect(await text(page.locator('h1'))).toBe('A place is yours if you want it, Bea');
    const offer = await (await fetch(`${publicUrl}/api${linkB}`)).json();
    expect(offer.status).toBe('offered');
    const deadline = Date.parse(offer.offerExpiresAt);
    expect(deadline - Date.now()).toBeGreaterThan(50 * 60_000);
    expect(deadline - Date.now()).toBeLessThanOrEqual(3_600_000);
    const lead = await text(page.locator('.lead'));
    expect(lead).toMatch(/held for you until \w+ \d{1,2} \w+ 2\d{3}, \d{2}:\d{2} \(Europe\/Amsterdam\)\./);
    await axe('manage, offered', linkB);

    // A second tab opens "Decline the place?" and is left there.
    const stale = await context.newPage();
    await stale.goto(`${linkB}/decline`);
    expect(await text(stale.locator('h1'))).toBe('Decline the place?');
    await axe('manage, confirm decline', `${linkB}/decline`);

    // B accepts: the form posts at once.
    const accepted = await postBy(page, () => page.getByRole('button', { name: 'Accept the place' }).click());
    expect(accepted.status()).toBe(303);
    expect(new URL(page.url()).search).toBe('?done=accepted');
    expect(await text(page.locator('[role=status]'))).toBe(
      'The place is yours. Your confirmation email is on its way.',
    );
    expect(await text(page.locator('h1'))).toBe("You're registered, Bea");
    expect(await apiStatus(linkB)).toBe('registered');
    await eventually(() =>
      expect(emailsTo(b.email).map((e) => e.subject)).toContain(`You're registered for ${RACE.name}`),
    );

    // The stale tab's decline finds no offer any more (the API's 409): a notice on the page, B stays in.
    const declined = await postBy(stale, () => stale.getByRole('button', { name: 'Yes, decline the place' }).click());
    expect(declined.status()).toBe(303);
    expect(new URL(stale.url()).search).toBe('?done=not-offered');
    expect(await text(stale.locator('[role=status]'))).toBe('There is no place offered to you to accept or decline.');
    expect(await text(stale.locator('h1'))).toBe("You're registered, Bea");
    await stale.close();
    expect(await apiStatus(linkB)).toBe('registered');
    expect(await apiStatus(`/registrations/${idA}`)).toBe('withdrawn');
    expect(await apiStatus(`/registrations/${idB}`)).toBe('registered');

    // B's confirmation page says so too.
    await page.goto(`/registrations/${idB}`);
    expect(await text(page.locator('h1'))).toBe("You're in, Bea!");
  });

  it('a third runner waits: their page gives their number and a way to leave', async () => {
    const c = runner({ firstName: 'Cy', distance: 'mile', joinWaitlist: true });
    const joined = await post(stack.target, '/api/registrations', c);
    expect(await joined.json()).toMatchObject({ status: 'waitlisted', position: 1 });
    const linkC = await manageLinkOf(c.email, 1);
    await page.goto(linkC);
    expect(await text(page.locator('h1'))).toBe("You're on the waitlist, number 1");
    await axe('manage, waitlisted', linkC);
    await page.getByRole('link', { name: 'Leave the waitlist' }).click();
    expect(await text(page.locator('h1'))).toBe('Leave the waitlist?');
    const left = await postBy(page, () => page.getByRole('button', { name: 'Yes, leave the waitlist' }).click());
    expect(left.status()).toBe(303);
    expect(await text(page.locator('[role=status]'))).toBe(
      'You have left the waitlist. An email confirming it is on its way.',
    );
    expect(await apiStatus(linkC)).toBe('withdrawn');
  });

  it('a bad link is the 404 page; a post from another site is refused', async () => {
    const missing = await page.goto(`/manage/${'A'.repeat(43)}`);
    expect(missing?.status()).toBe(404);
    expect(await text(page.locator('h1'))).toBe('Page not found');
    expect((await missing?.allHeaders())?.['cache-control']).toBe('no-store');
    const linkB = `/manage/${await manageToken(LINK_SECRET, 'not-a-registration')}`;
    expect((await page.goto(linkB))?.status()).toBe(404);

    const [row] = await stack.db.query<{ id: string }>(
      "SELECT id FROM registrations WHERE status = 'registered' AND distance = 'mile'",
    );
    const link = `/manage/${await manageToken(LINK_SECRET, row?.id ?? '')}`;
    const crossSite = await fetch(`${publicUrl}${link}/withdraw`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('content-type')).toContain('text/html');
    expect(await apiStatus(link)).toBe('registered');
    expect(checked).toHaveLength(8);
  });

  it('a bounced confirmation: the page asks for another address, and its form sends the confirmation there', async () => {
    const d = runner({ firstName: 'Dee', distance: '10k' });
    const { id } = await (await post(stack.target, '/api/registrations', d)).json();
    const link = await manageLinkOf(d.email, 1);
    // The provider reports a bounce (as the webhook stores it), once the task has the provider's id.
    await eventually(async () => {
      const stored = await stack.db.query(
        `INSERT INTO email_events (svix_id, type, email_id, payload)
         SELECT 'msg_' || gen_random_uuid(), 'email.bounced', result ->> 'id', '{}'::jsonb FROM tasks
         WHERE registration_id = $1 AND kind = 'send-confirmation-email' AND result ->> 'id' IS NOT NULL
         RETURNING svix_id`,
        [id],
      );
      expect(stored).toHaveLength(1);
    });
    await page.goto(link);
    expect(await text(page.locator('#address-title'))).toBe('We could not reach you at r…@example.com');
    await axe('manage, confirmation bounced', link);
    await axe('manage, another address refused', `${link}?done=email-unreachable`);
    const fresh = uniqueEmail('dee');
    await page.getByLabel('Your correct address').fill(fresh);
    const fixed = await postBy(page, () => page.getByRole('button', { name: 'Use this address' }).click());
    expect(fixed.status()).toBe(303);
    expect(await text(page.locator('[role=status]'))).toBe(
      'Your email address is changed. Your confirmation email is on its way to it.',
    );
    await eventually(() => expect(stack.resend.acceptedFor(fresh)).toBe(1));
    expect(stack.resend.acceptedFor(d.email)).toBe(1);
  });
});
