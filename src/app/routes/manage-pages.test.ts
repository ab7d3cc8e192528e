// The manage page's routes over app.request(), with the store stubbed: a bad token is the HTML 404;
// the page and its answers are never stored; notices come only from the fixed list; the confirmation
// step leads back when there is nothing to give up; every post is a 303 back to the page, the API's
// 409/410 a notice there. The form for another address is there only when the confirmation could not
// reach this one, and its refusals are said at its field. (test/e2e/manage.browser.test.ts runs it all on a real stack, in Chromium.)
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { givenServices } from '../../../test/support/services.js';
import { manageToken, manageTokenHash } from '../../domain/manage-link.js';
import { DEFAULT_RACE, type Race } from '../../domain/race.js';
import type { ProviderDeliveryStatus } from '../../ports/email-delivery.js';
import { silentLogger } from '../../ports/logger.js';
import type { EmailChange, EmailChangeOutcome, Registration, RegistrationStatus } from '../../ports/store.js';
import type { NewTask } from '../../ports/tasks.js';
import type { Release } from '../../ports/waitlist.js';
import { handleError } from '../errors.js';
import { errorPage } from '../pages/error.js';
import { type ManagePageRouteDeps, managePageRoutes } from './manage-pages.js';

const race: Race = { ...DEFAULT_RACE, waitlist: { offerTtl: '1h' } };
const site = { name: race.name, devMailbox: false, devMode: false };
const SECRET = 'manage-pages-test-secret-0123456789abcdef';
const ID = '0b6f1c1e-8a57-4e0c-9b2f-3f4d5e6a7b8c';

function registration(status: RegistrationStatus): Registration {
  return {
    id: ID,
    raceId: race.id,
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    address: '1 Analytical Way',
    distance: 'half',
    strategy: 'outbox',
    createdAt: new Date(),
    status,
    position: status === 'waitlisted' ? 1 : null,
    holdExpiresAt: null,
  };
}

/**
 * The routes over a store holding one runner in `status`, whose confirmation's delivery is `delivery`;
 * `releases` records what was released, `changes` the address changes (each answered `changeOutcome`).
 */
async function given(
  status: RegistrationStatus,
  {
    delivery,
    changeOutcome = 'changed',
  }: { delivery?: ProviderDeliveryStatus; changeOutcome?: EmailChangeOutcome } = {},
) {
  const token = await manageToken(SECRET, ID);
  const hash = await manageTokenHash(token);
  const releases: Release[] = [];
  const changes: EmailChange[] = [];
  let current = registration(status);
  const deps = {
    race,
    site,
    emailFrom: 'Race <race@example.com>',
    logger: silentLogger,
    links: { publicUrl: 'https://race.example.test', secret: SECRET },
    offerTtlMs: 3_600_000,
    newTask: (kind: string, payload: unknown, priority: number) =>
      ({ id: crypto.randomUUID(), kind, payload, priority, maxAttempts: 5, start: 'claim' }) as unknown as NewTask,
    clientLimiter: { check: async () => ({ allowed: true, retryAfterSeconds: 0 }) },
    clientKey: () => 'client',
  } as unknown as ManagePageRouteDeps;
  const services = givenServices({
    store: {
      findRegistrationByTokenHash: async (h: string) => (h === hash ? current : null),
      findRegistration: async () => ({
        registration: current,
        email: { status: delivery ? 'sent' : 'not_tracked', attempts: delivery ? 1 : 0, sentAt: null, delivery },
      }),
      changeEmail: async (change: EmailChange) => {
        changes.push(change);
        if (changeOutcome === 'changed') current = { ...current, email: change.email };
        return changeOutcome;
      },
      release: async (r: Release) => {
        releases.push(r);
        current = { ...current, status: r.to };
        return { released: true, offeredId: null, catchUpId: null };
      },
    },
    engine: {
      deliver: async () => new Map(),
      start: async () => {},
      expectDue: () => {},
      task: (kind: string, payload: unknown) =>
        ({ id: crypto.randomUUID(), kind, payload, start: 'claim' }) as unknown as NewTask,
    },
  });
  const app = new Hono()
    .use(services)
    .route('/', managePageRoutes(deps))
    .onError(handleError(silentLogger, (c, error) => errorPage(c, site, error)));
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} };
  const request = (path: string, init?: RequestInit) => app.request(path, init, undefined, ctx);
  const post = (path: string, body = '') =>
    request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return { token, path: `/manage/${token}`, request, post, releases, changes };
}

describe('the manage page’s routes', () => {
  it('an unknown or malformed token is the HTML 404 page, never stored', async () => {
    const { request, post } = await given('registered');
    for (const path of [`/manage/${'A'.repeat(43)}`, '/manage/short', `/manage/${'A'.repeat(43)}/withdraw`]) {
      const res = await request(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toContain('Page not found');
    }
    expect((await post(`/manage/${'B'.repeat(43)}/accept`)).status).toBe(404);
  });

  it('shows the runner’s page, no-store, with a notice only from the fixed list', async () => {
    const { request, path } = await given('registered');
    const res = await request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = await res.text();
    expect(page).toContain('You&#39;re registered, Ada');
    expect(page).not.toContain('role="status"');
    expect(await (await request(`${path}?done=accepted`)).text()).toContain(
      '<div class="alert ok" role="status"><p>The place is yours.',
    );
    for (const done of ['<script>', 'Accepted', 'accepted%20', '']) {
      const other = await (await request(`${path}?done=${done}`)).text();
      expect(other, done).not.toContain('role="status"');
      expect(other).not.toContain('<script>');
    }
  });

  it('the confirmation step is there only for what the status can give up', async () => {
    const registered = await given('registered');
    expect((await registered.request(`${registered.path}/withdraw`)).status).toBe(200);
    const decline = await registered.request(`${registered.path}/decline`);
    expect(decline.status).toBe(303);
    expect(decline.headers.get('location')).toBe(registered.path);
    const offered = await given('offered');
    expect(await (await offered.request(`${offered.path}/decline`)).text()).toContain('Decline the place?');
    // Withdrawing an offered place is declining it: the same question.
    expect(await (await offered.request(`${offered.path}/withdraw`)).text()).toContain('Decline the place?');
    const gone = await given('withdrawn');
    const back = await gone.request(`${gone.path}/withdraw`);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(gone.path);
  });

  it('a withdrawal releases the runner and goes back to the page with its notice', async () => {
    for (const [status, done] of [
      ['registered', 'withdrawn'],
      ['waitlisted', 'left'],
      ['offered', 'declined'],
    ] as const) {
      const { post, path, releases } = await given(status);
      const res = await post(`${path}/withdraw`);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`${path}?done=${done}`);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(releases).toMatchObject([{ registrationId: ID, from: status, to: 'withdrawn' }]);
    }
  });

  it('the API’s 409 and 410 are notices on the page; a post that changes nothing has none', async () => {
    const expired = await given('expired');
    expect((await expired.post(`${expired.path}/accept`)).headers.get('location')).toBe(
      `${expired.path}?done=offer-expired`,
    );
    const registered = await given('registered');
    expect((await registered.post(`${registered.path}/decline`)).headers.get('location')).toBe(
      `${registered.path}?done=not-offered`,
    );
    // Accepting again, withdrawing again: nothing happens, and no notice says it did.
    expect((await registered.post(`${registered.path}/accept`)).headers.get('location')).toBe(registered.path);
    const withdrawn = await given('withdrawn');
    expect((await withdrawn.post(`${withdrawn.path}/withdraw`)).headers.get('location')).toBe(withdrawn.path);
    expect(withdrawn.releases).toEqual([]);
    expect(registered.releases).toEqual([]);
  });

  it('asks for another address only when the confirmation could not reach this one, masked', async () => {
    for (const delivery of ['bounced', 'complained', 'suppressed', 'failed'] as const) {
      const { request, path } = await given('registered', { delivery });
      const page = await (await request(path)).text();
      expect(page, delivery).toContain('We could not reach you at <span class="address">a…@example.com</span>');
      expect(page).toContain(`<form method="post" action="${path}/email" class="stack">`);
      expect(page).not.toContain('ada@example.com');
    }
    for (const delivery of [undefined, 'sent', 'delayed', 'delivered'] as const) {
      const { request, path } = await given('registered', { delivery });
      const page = await (await request(path)).text();
      expect(page, delivery).not.toContain('We could not reach you');
      expect(page).not.toContain('name="email"');
    }
    // The delivery in words; a closed registration has nothing to fix.
    const delivered = await given('registered', { delivery: 'delivered' });
    expect(await (await delivered.request(delivered.path)).text()).toContain(
      '<dt>Confirmation email</dt><dd>Delivered to your inbox</dd>',
    );
    const gone = await given('withdrawn', { delivery: 'bounced' });
    expect(await (await gone.request(gone.path)).text()).not.toContain('We could not reach you');
  });

  it('the form posts the new address and goes back to the page with its notice; refusals are said at the field', async () => {
    const fix = await given('registered', { delivery: 'bounced' });
    const res = await fix.post(`${fix.path}/email`, 'email=%20Grace%40Example.org%20');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${fix.path}?done=email-changed`);
    expect(fix.changes).toMatchObject([{ registrationId: ID, from: 'registered', email: 'Grace@Example.org' }]);
    // A registered runner's new confirmation and reminders go with the change.
    expect(fix.changes[0]?.tasks.map((t) => t.kind)).toContain('send-confirmation-email');
    expect(await (await fix.request(`${fix.path}?done=email-changed`)).text()).toContain(
      'Your email address is changed. Your confirmation email is on its way to it.',
    );

    const waiting = await given('waitlisted', { delivery: 'bounced' });
    expect((await waiting.post(`${waiting.path}/email`, 'email=w%40example.org')).headers.get('location')).toBe(
      `${waiting.path}?done=email-updated`,
    );
    expect(waiting.changes[0]?.tasks).toEqual([]);

    const bad = await given('registered', { delivery: 'bounced' });
    for (const body of ['email=not-an-address', '', 'email=a%40b', `email=${'a'.repeat(250)}%40example.org`]) {
      const refused = await bad.post(`${bad.path}/email`, body);
      expect(refused.headers.get('location'), body).toBe(`${bad.path}?done=email-invalid`);
    }
    expect(bad.changes).toEqual([]);
    const atField = await (await bad.request(`${bad.path}?done=email-invalid`)).text();
    expect(atField).toContain('aria-invalid="true" aria-describedby="new-email-error"');
    expect(atField).toContain('<span class="error-message" id="new-email-error">That is not an email address');
    expect(atField).not.toContain('role="status"');

    for (const [outcome, done] of [
      ['suppressed', 'email-unreachable'],
      ['already_registered', 'email-taken'],
      ['unchanged', undefined],
    ] as const) {
      const refused = await given('registered', { delivery: 'bounced', changeOutcome: outcome });
      expect((await refused.post(`${refused.path}/email`, 'email=b%40example.org')).headers.get('location')).toBe(
        done ? `${refused.path}?done=${done}` : refused.path,
      );
    }
    const closed = await given('withdrawn', { delivery: 'bounced' });
    expect((await closed.post(`${closed.path}/email`, 'email=b%40example.org')).headers.get('location')).toBe(
      `${closed.path}?done=email-closed`,
    );
    expect(closed.changes).toEqual([]);
  });
});
