// The manage page's routes over app.request(), with the store stubbed: a bad token is the HTML 404;
// the page and its answers are never stored; notices come only from the fixed list; the confirmation
// step leads back when there is nothing to give up; every post is a 303 back to the page, the API's
// 409/410 a notice there. (test/e2e/manage.browser.test.ts runs it all on a real stack, in Chromium.)
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { givenServices } from '../../../test/support/services.js';
import { manageToken, manageTokenHash } from '../../domain/manage-link.js';
import { DEFAULT_RACE, type Race } from '../../domain/race.js';
import type { Registration, RegistrationStatus } from '../../ports/store.js';
import type { NewTask } from '../../ports/tasks.js';
import type { Release } from '../../ports/waitlist.js';
import { handleError } from '../errors.js';
import { errorPage } from '../pages/error.js';
import { type ManagePageRouteDeps, managePageRoutes } from './manage-pages.js';

const race: Race = { ...DEFAULT_RACE, waitlist: { offerTtl: '1h' } };
const site = { name: race.name, devMailbox: false, devMode: false };
const SECRET = 'manage-pages-test-secret-0123456789abcdef';
const ID = '0b6f1c1e-8a57-4e0c-9b2f-3f4d5e6a7b8c';
const silent = { info() {}, warn() {}, error() {}, debug() {} };

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

/** The routes over a store holding one runner in `status`; `releases` records what was released. */
async function given(status: RegistrationStatus) {
  const token = await manageToken(SECRET, ID);
  const hash = await manageTokenHash(token);
  const releases: Release[] = [];
  let current = registration(status);
  const deps = {
    race,
    site,
    emailFrom: 'Race <race@example.com>',
    logger: silent,
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
        email: { status: 'not_tracked', attempts: 0, sentAt: null },
      }),
      release: async (r: Release) => {
        releases.push(r);
        current = { ...current, status: r.to };
        return { released: true, offeredId: null, catchUpId: null };
      },
    },
    engine: { deliver: async () => new Map(), start: async () => {}, expectDue: () => {} },
  });
  const app = new Hono()
    .use(services)
    .route('/', managePageRoutes(deps))
    .onError(handleError(silent, (c, error) => errorPage(c, site, error)));
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} };
  const request = (path: string, init?: RequestInit) => app.request(path, init, undefined, ctx);
  const post = (path: string) =>
    request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
  return { token, path: `/manage/${token}`, request, post, releases };
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
});
