// The admin dashboard for browsers: sign in with the admin token through a form, which starts a
// server-side session (12 h; the browser's HttpOnly, SameSite=Strict cookie holds only a random
// session id, see admin-session/), then counts (places per distance, offers, waitlists; tasks),
// registrations by their confirmation's delivery, registrations (search, distance, status and delivery
// filters, paging, CSV, Withdraw), and dead letters with a
// Retry button. Signing out deletes the session, so a copied
// cookie stops working too. Every POST here has had its origin checked (CSRF) before it arrives
// (middleware/same-origin/, for every page route), and every page and action but the sign-in needs
// the session; the JSON admin API keeps its Bearer-only writes. Wrong tokens count per client: past
// the limit the sign-in answers 429, even to the right token. Without ADMIN_TOKEN admin is off, and
// the pages say so.
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { LimitVerdict } from '../../ports/client-limiter.js';
import { PROVIDER_DELIVERY_STATUSES, type ProviderDeliveryStatus } from '../../ports/email-delivery.js';
import { REGISTRATION_STATUSES, type RegistrationStatus } from '../../ports/store.js';
import {
  type AdminAuthDeps,
  adminOff,
  blockedClient,
  carriesSessionCookie,
  clearSessionCookie,
  countFailure,
  endAdminSession,
  hasAdminSession,
  startAdminSession,
  tokensMatch,
  unauthorized,
} from '../admin-session/index.js';
import { readFormBody } from '../body/form-body.js';
import { limitBody } from '../body/json-body.js';
import type { AppDeps } from '../deps.js';
import { AdminDashboardPage, type Flash } from '../pages/admin/dashboard.js';
import { firstPageHref, type RegistrationFilters } from '../pages/admin/registrations.js';
import { AdminSignInPage } from '../pages/admin/sign-in.js';
import type { Site } from '../pages/layout.js';
import { announce } from '../sign-up/announce.js';
import { type WaitlistDeps, withdraw } from '../waitlist/actions.js';
import { decodeCursor, decodeWaitlistCursor, encodeCursor, racePlaces } from './admin.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_SIZE = 25;
const DEAD_LETTERS_SHOWN = 50;

const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('cache-control', 'no-store');
};

/**
 * The message a redirect back to the signed-in dashboard asks for (`?done=…`): fixed texts, never
 * echoed input (a task or a registration is named by the first 8 characters of a well-formed id, or not
 * at all). Shown only on the dashboard, to a signed-in admin: to anyone else a link could make the page
 * claim things.
 */
export function dashboardNotice(query: Record<string, string>): Flash | undefined {
  const task = query.task && UUID.test(query.task) ? `Task ${query.task.slice(0, 8)}` : 'The task';
  const registration =
    query.registration && UUID.test(query.registration)
      ? `Registration ${query.registration.slice(0, 8)}`
      : 'The registration';
  switch (query.done) {
    case 'withdrawn':
      return {
        tone: 'ok',
        text: `${registration} is withdrawn. A place it held goes to the next runner waiting, if there is one.`,
      };
    case 'already-withdrawn':
      return { tone: 'info', text: `${registration} was already withdrawn: nothing changed.` };
    case 'already-expired':
      return { tone: 'info', text: `${registration} had already expired: nothing changed.` };
    case 'no-registration':
      return { tone: 'error', text: 'There is no such registration.' };
    case 'retried':
      return { tone: 'ok', text: `${task} is queued for another attempt. Its email goes out shortly.` };
    case 'not-dead':
      return { tone: 'info', text: `${task} is no longer a dead letter: nothing to retry.` };
    case 'key-taken':
      return {
        tone: 'error',
        text: `${task} was not retried: a newer task of its kind with the same key is waiting or running.`,
      };
    case 'not-found':
      return { tone: 'error', text: 'There is no such task.' };
    default:
      return undefined;
  }
}

/** The sign-in page's one notice: the sign-out it follows (it says nothing about the service). */
export function signInNotice(query: Record<string, string>): string | undefined {
  return query.done === 'signed-out' ? 'You are signed out.' : undefined;
}

export type AdminPageRouteDeps = AdminAuthDeps &
  WaitlistDeps &
  Pick<AppDeps, 'race' | 'maxAttempts' | 'emailQueue'> & { site: Site };

/**
 * The registration filters of a query or a form, forgivingly (a page for people): an unknown distance
 * status or delivery is ignored.
 */
function filtersOf(race: AdminPageRouteDeps['race'], input: (name: string) => string | undefined): RegistrationFilters {
  const q = (input('q') ?? '').trim().slice(0, 200);
  const distance = input('distance');
  const status = input('status');
  const delivery = input('delivery');
  return {
    ...(q ? { q } : {}),
    ...(distance && race.distances.some((d) => d.id === distance) ? { distance } : {}),
    ...(status && (REGISTRATION_STATUSES as readonly string[]).includes(status)
      ? { status: status as RegistrationStatus }
      : {}),
    ...(delivery && (PROVIDER_DELIVERY_STATUSES as readonly string[]).includes(delivery)
      ? { delivery: delivery as ProviderDeliveryStatus }
      : {}),
  };
}

export function adminPageRoutes(deps: AdminPageRouteDeps) {
  const app = new Hono();
  const { site } = deps;
  app.use('/admin', noStore);
  app.use('/admin/*', noStore);

  const signInPage = (c: Context, status: 200 | 401 | 429, error?: string) =>
    c.html(<AdminSignInPage site={site} error={error} />, status);
  const tooManyTries = (c: Context, verdict: LimitVerdict) => {
    c.header('retry-after', String(verdict.retryAfterSeconds));
    const wait = verdict.retryAfterSeconds === 1 ? 'a second' : `${verdict.retryAfterSeconds} seconds`;
    return signInPage(c, 429, `Too many wrong tokens from your connection. Try again in ${wait}.`);
  };
  const signedIn = async (c: Context) => deps.adminToken !== undefined && (await hasAdminSession(c, deps));

  app.get('/admin', async (c) => {
    if (!deps.adminToken) return c.html(<AdminSignInPage site={site} adminOff />);
    const query = c.req.query();
    if (!(await signedIn(c))) {
      // A session that ended (signed out elsewhere, expired): the browser may forget its cookie.
      if (carriesSessionCookie(c, deps)) clearSessionCookie(c, deps);
      return c.html(<AdminSignInPage site={site} notice={signInNotice(query)} />);
    }
    // Forgiving filters (a page for people): an unknown distance or status, or a stale cursor (or one
    // of the other order: the waitlisted list pages by ticket), is ignored.
    const filters = filtersOf(deps.race, (name) => query[name]);
    const decode = filters.status === 'waitlisted' ? decodeWaitlistCursor : decodeCursor;
    const after = query.cursor ? (decode(query.cursor) ?? undefined) : undefined;
    const { admin } = c.get('services');
    const [places, taskCounts, deliveries, page, dead] = await Promise.all([
      racePlaces(c, deps.race),
      admin.countTasksByStatus(),
      admin.countRegistrationDeliveries(),
      admin.listRegistrations({ ...filters, limit: PAGE_SIZE, ...(after ? { after } : {}) }),
      admin.listTasks({ status: 'dead', limit: DEAD_LETTERS_SHOWN }),
    ]);
    const first = firstPageHref(filters);
    const nextPage = page.next ? `${first}${first.includes('?') ? '&' : '?'}cursor=${encodeCursor(page.next)}` : null;
    const csvQuery = new URLSearchParams(Object.entries(filters)).toString();
    return c.html(
      <AdminDashboardPage
        site={site}
        race={deps.race}
        places={places}
        taskCounts={taskCounts}
        deliveries={deliveries}
        registrations={page.items}
        filters={filters}
        nextPage={nextPage}
        paged={after !== undefined}
        csvHref={`/api/admin/registrations.csv${csvQuery ? `?${csvQuery}` : ''}`}
        deadLetters={dead.items}
        flash={dashboardNotice(query)}
      />,
    );
  });

  app.post('/admin/login', limitBody, async (c) => {
    if (!deps.adminToken) return c.html(<AdminSignInPage site={site} adminOff />, 401);
    // Over the limit: refused before the token is even looked at, so the right guess gets nowhere.
    const limited = blockedClient(c, deps, 'sign-in');
    if (!limited.allowed) return tooManyTries(c, limited);
    const token = (await readFormBody(c)).get('token') ?? '';
    // An empty form carries no credential (the field is required, so only a script sends it): it is
    // refused without counting, like an anonymous request.
    if (!token) return signInPage(c, 401, 'Enter the admin token.');
    if (!(await tokensMatch(token, deps.adminToken))) {
      const verdict = await countFailure(c, deps, 'sign-in');
      if (!verdict.allowed) return tooManyTries(c, verdict);
      return signInPage(c, 401, 'That admin token is not right. Check it and try again.');
    }
    await startAdminSession(c, deps);
    deps.logger.info('admin.sign_in', {});
    return c.redirect('/admin', 303);
  });

  app.post('/admin/logout', async (c) => {
    await endAdminSession(c, deps);
    return c.redirect('/admin?done=signed-out', 303);
  });

  app.post('/admin/tasks/:id/retry', async (c) => {
    if (!deps.adminToken) throw adminOff();
    if (!(await signedIn(c))) throw unauthorized();
    const id = c.req.param('id');
    if (!UUID.test(id)) return c.redirect('/admin?done=not-found#dead-letters', 303);
    const result = await c.get('services').admin.replayDeadTask(id.toLowerCase(), deps.maxAttempts);
    if (result.outcome === 'not_found') return c.redirect('/admin?done=not-found#dead-letters', 303);
    if (result.outcome === 'not_dead') return c.redirect(`/admin?done=not-dead&task=${id}#dead-letters`, 303);
    if (result.outcome === 'key_taken') return c.redirect(`/admin?done=key-taken&task=${id}#dead-letters`, 303);
    announce(c, deps, [{ id: result.id }]);
    deps.logger.info('admin.task.replayed', {
      taskId: result.id,
      attempts: result.attempts,
      maxAttempts: result.maxAttempts,
      via: 'dashboard',
    });
    return c.redirect(`/admin?done=retried&task=${result.id}`, 303);
  });

  // Withdraws a runner as the JSON API does (the same statement: a freed place goes to the head of the
  // waitlist), then back to the list the form was on, with a notice.
  app.post('/admin/registrations/:id/withdraw', limitBody, async (c) => {
    if (!deps.adminToken) throw adminOff();
    if (!(await signedIn(c))) throw unauthorized();
    const form = await readFormBody(c);
    const list = firstPageHref(filtersOf(deps.race, (name) => form.get(name) ?? undefined));
    const back = (done: string, id?: string) =>
      c.redirect(
        `${list}${list.includes('?') ? '&' : '?'}done=${done}${id ? `&registration=${id}` : ''}#registrations`,
        303,
      );
    const id = c.req.param('id');
    if (!UUID.test(id)) return back('no-registration');
    const found = await c.get('services').store.findRegistration(id.toLowerCase());
    if (!found) return back('no-registration');
    const { registration } = found;
    if (registration.status === 'withdrawn' || registration.status === 'expired') {
      return back(`already-${registration.status}`, registration.id);
    }
    const status = await withdraw(c, deps, registration);
    if (status !== 'withdrawn') return back(`already-${status}`, registration.id);
    deps.logger.info('admin.registration.withdrawn', { registrationId: registration.id, via: 'dashboard' });
    return back('withdrawn', registration.id);
  });

  return app;
}
