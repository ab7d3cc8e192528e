// The dashboard's notices (`/admin?done=…` after a POST redirected back): fixed texts that name a task
// only by a well-formed id, shown only to a signed-in admin — a visitor without a session sees the
// sign-in page with no notice but the sign-out's own. The delivery filter and counts (what Resend reported
// of the confirmations). Over app.request(), with the admin store stubbed.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { givenServices } from '../../../test/support/services.js';
import { DEFAULT_RACE } from '../../domain/race.js';
import type { RegistrationListQuery, RegistrationView } from '../../ports/admin-store.js';
import { SESSION_COOKIE } from '../admin-session/index.js';
import { type AdminPageRouteDeps, adminPageRoutes, dashboardNotice } from './admin-pages.js';

const TASK = '0f8c1d2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5';
const SESSION = 'a'.repeat(43);

/** What the stubbed store was asked to list. */
let listed: RegistrationListQuery[] = [];

const BOUNCED: RegistrationView = {
  id: TASK,
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  address: '12 Analytical Row',
  distance: 'half',
  strategy: 'outbox',
  createdAt: new Date('2027-04-01T08:00:00Z'),
  emailStatus: 'sent',
  delivery: 'bounced',
  status: 'registered',
  position: null,
  holdExpiresAt: null,
};

function app(registrations: RegistrationView[] = []) {
  listed = [];
  const deps = {
    race: DEFAULT_RACE,
    site: { name: DEFAULT_RACE.name, devMailbox: false, devMode: false },
    adminToken: 'x'.repeat(32),
    isHttps: () => false,
  } as unknown as AdminPageRouteDeps;
  const services = givenServices({
    admin: {
      sessionActive: async () => true,
      placesByDistance: async () => ({}),
      countTasksByStatus: async () => ({ pending: 0, running: 0, succeeded: 0, dead: 0, cancelled: 0 }),
      countRegistrationDeliveries: async () => ({
        sent: 0,
        delayed: 0,
        delivered: 7,
        failed: 0,
        suppressed: 0,
        bounced: 1,
        complained: 2,
      }),
      listRegistrations: async (query: RegistrationListQuery) => {
        listed.push(query);
        return { items: registrations, next: null };
      },
      listTasks: async () => ({ items: [], next: null }),
    },
  });
  return new Hono().use(services).route('/', adminPageRoutes(deps));
}

async function page(path: string, signedIn: boolean, registrations: RegistrationView[] = []): Promise<string> {
  const res = await app(registrations).request(
    path,
    signedIn ? { headers: { cookie: `${SESSION_COOKIE}=${SESSION}` } } : {},
  );
  expect(res.status).toBe(200);
  return res.text();
}

const notice = (html: string) => /<div class="alert [a-z]+" role="status"><p>([^<]*)<\/p>/.exec(html)?.[1];

describe('the admin notices', () => {
  it('name the task by its id, or say "The task" when the link carries none (never "Task The task")', () => {
    expect(dashboardNotice({ done: 'retried', task: TASK })?.text).toBe(
      'Task 0f8c1d2e is queued for another attempt. Its email goes out shortly.',
    );
    for (const task of [undefined, '', 'not-an-id', `${TASK}x`]) {
      for (const done of ['retried', 'not-dead', 'key-taken']) {
        const text = dashboardNotice({ done, ...(task === undefined ? {} : { task }) })?.text ?? '';
        expect(text, `${done} ${task}`).toMatch(/^The task (is|was) /);
        expect(text).not.toContain('Task The task');
      }
    }
    expect(dashboardNotice({ done: 'anything-else' })).toBeUndefined();
  });

  it('name a withdrawn registration by its id, or say "The registration"', () => {
    expect(dashboardNotice({ done: 'withdrawn', registration: TASK })?.text).toBe(
      'Registration 0f8c1d2e is withdrawn. A place it held goes to the next runner waiting, if there is one.',
    );
    expect(dashboardNotice({ done: 'already-withdrawn', registration: TASK })?.text).toBe(
      'Registration 0f8c1d2e was already withdrawn: nothing changed.',
    );
    expect(dashboardNotice({ done: 'already-expired', registration: TASK })?.text).toBe(
      'Registration 0f8c1d2e had already expired: nothing changed.',
    );
    for (const registration of [undefined, '<b>x</b>', `${TASK}x`]) {
      const text = dashboardNotice({
        done: 'withdrawn',
        ...(registration === undefined ? {} : { registration }),
      })?.text;
      expect(text, registration).toMatch(/^The registration is withdrawn\./);
    }
    expect(dashboardNotice({ done: 'no-registration' })).toEqual({
      tone: 'error',
      text: 'There is no such registration.',
    });
  });

  it('are shown to a signed-in admin on the dashboard', async () => {
    const html = await page(`/admin?done=retried&task=${TASK}`, true);
    expect(html).toContain('<h1>Admin</h1>');
    expect(notice(html)).toBe('Task 0f8c1d2e is queued for another attempt. Its email goes out shortly.');
    expect(notice(await page('/admin?done=retried', true))).toBe(
      'The task is queued for another attempt. Its email goes out shortly.',
    );
    // "Signed out" on the dashboard of someone signed in would be false: not shown.
    expect(notice(await page('/admin?done=signed-out', true))).toBeUndefined();
  });

  it('are not shown to a visitor who is not signed in: the sign-in page only says it signed them out', async () => {
    for (const query of [
      'done=retried',
      `done=retried&task=${TASK}`,
      'done=not-dead',
      'done=key-taken',
      'done=not-found',
      `done=withdrawn&registration=${TASK}`,
      'done=no-registration',
    ]) {
      const html = await page(`/admin?${query}`, false);
      expect(html, query).toContain('Admin sign-in');
      expect(notice(html), query).toBeUndefined();
      expect(html, query).not.toMatch(/task|registration [0-9a-f]|withdrawn/i);
    }
    expect(notice(await page('/admin?done=signed-out', false))).toBe('You are signed out.');
  });
});

describe('the dashboard’s deliveries', () => {
  it('filters the registrations by delivery, shows it per row, and keeps it in the CSV link and the withdraw form', async () => {
    const html = await page('/admin?delivery=bounced', true, [BOUNCED]);
    expect(listed).toEqual([{ delivery: 'bounced', limit: 25 }]);
    expect(html).toContain('<option value="bounced" selected="">Bounced</option>');
    expect(html).toContain('<th scope="col">Delivery</th>');
    expect(html).toContain('<span class="badge failed" data-delivery="bounced">Bounced</span>');
    expect(html).toContain('href="/api/admin/registrations.csv?delivery=bounced"');
    expect(html).toContain('<input type="hidden" name="delivery" value="bounced"/>');
  });

  it('ignores a delivery that is not one (a page for people)', async () => {
    await page('/admin?delivery=opened', true);
    expect(listed).toEqual([{ limit: 25 }]);
  });

  it('counts bounced and complained registrations, each a link to them', async () => {
    const html = await page('/admin', true);
    const counts = html.slice(html.indexOf('aria-label="Registrations by confirmation delivery"'));
    expect(counts).toMatch(
      /<li class="stat danger"><span class="label">Bounced<\/span><span class="value"><a href="\/admin\?delivery=bounced#registrations" data-delivery="bounced">1<\/a>/,
    );
    expect(counts).toContain('<a href="/admin?delivery=complained#registrations" data-delivery="complained">2</a>');
    expect(counts).toContain('<a href="/admin?delivery=delivered#registrations" data-delivery="delivered">7</a>');
  });
});
