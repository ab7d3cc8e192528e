// The admin dashboard for browsers: sign in with the admin token through a form, which starts a
// server-side session (12 h; the browser's HttpOnly, SameSite=Strict cookie holds only a random
// session id, see admin-session/), then counts, registrations (search, distance filter,
// paging, CSV), and dead letters with a Retry button. Signing out deletes the session, so a copied
// cookie stops working too. Every POST here has had its origin checked (CSRF) before it arrives
// (middleware/same-origin/, for every page route), and every page and action but the sign-in needs
// the session; the JSON admin API keeps its Bearer-only writes. Wrong tokens count per client: past
// the limit the sign-in answers 429, even to the right token. Without ADMIN_TOKEN admin is off, and
// the pages say so.
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { LimitVerdict } from '../../ports/client-limiter.js';
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
import { firstPageHref } from '../pages/admin/registrations.js';
import { AdminSignInPage } from '../pages/admin/sign-in.js';
import type { Site } from '../pages/layout.js';
import { announce } from '../sign-up/announce.js';
import { decodeCursor, encodeCursor } from './admin.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_SIZE = 25;
const DEAD_LETTERS_SHOWN = 50;

const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('cache-control', 'no-store');
};

/**
 * The message a redirect back to the signed-in dashboard asks for (`?done=…`): fixed texts, never
 * echoed input (a task is named by the first 8 characters of a well-formed id, or not at all). Shown
 * only on the dashboard, to a signed-in admin: to anyone else a link could make the page claim things.
 */
export function dashboardNotice(query: Record<string, string>): Flash | undefined {
  const task = query.task && UUID.test(query.task) ? `Task ${query.task.slice(0, 8)}` : 'The task';
  switch (query.done) {
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

export type AdminPageRouteDeps = AdminAuthDeps & Pick<AppDeps, 'race' | 'maxAttempts' | 'emailQueue'> & { site: Site };

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
    // Forgiving filters (a page for people): an unknown distance or a stale cursor is ignored.
    const q = (query.q ?? '').trim().slice(0, 200);
    const distance = deps.race.distances.some((d) => d.id === query.distance) ? query.distance : undefined;
    const after = query.cursor ? (decodeCursor(query.cursor) ?? undefined) : undefined;
    const filters = { ...(q ? { q } : {}), ...(distance ? { distance } : {}) };
    const { store, admin } = c.get('services');
    const [taken, taskCounts, page, dead] = await Promise.all([
      store.countRegistrationsByDistance(deps.race.id),
      admin.countTasksByStatus(),
      admin.listRegistrations({ ...filters, limit: PAGE_SIZE, ...(after ? { after } : {}) }),
      admin.listTasks({ status: 'dead', limit: DEAD_LETTERS_SHOWN }),
    ]);
    const first = firstPageHref(filters);
    const nextPage = page.next ? `${first}${first.includes('?') ? '&' : '?'}cursor=${encodeCursor(page.next)}` : null;
    const csvQuery = new URLSearchParams(filters).toString();
    return c.html(
      <AdminDashboardPage
        site={site}
        race={deps.race}
        taken={taken}
        taskCounts={taskCounts}
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

  return app;
}
