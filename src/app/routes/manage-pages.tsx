// The runner's manage page, the link in every email (`/manage/<token>`): the JSON manage API
// (routes/manage.ts) as pages and plain form posts, no JavaScript — another address for one the
// confirmation could not reach, too. The actions are the API's own (waitlist/actions.ts). Every post
// answers 303 back to the page (Post/Redirect/Get) with a notice named from a fixed list
// (`?done=<code>`); an offer that ran out (the API's 410) or none to take (409) is such a notice too.
// An unknown or malformed token is the 404 page, after the same lookup as a known one. The token is in
// the address, so these answers are never stored (no-store), and their Referer never carries the path
// (`Referrer-Policy: strict-origin`, create-app.ts).
import { type Context, Hono } from 'hono';
import { validateResendInput } from '../../domain/registration.js';
import type { Registration } from '../../ports/store.js';
import { pickFields, readFormBody } from '../body/form-body.js';
import { limitBody } from '../body/json-body.js';
import type { AppDeps } from '../deps.js';
import { apiErrors } from '../errors.js';
import { clientLimit } from '../middleware/client-limit/index.js';
import { noStore } from '../middleware/no-store/index.js';
import { emailChangeNotice } from '../pages/address-fix.js';
import type { Site } from '../pages/layout.js';
import {
  confirmationFor,
  isManageNotice,
  type ManageConfirmation,
  ManageConfirmPage,
  type ManageNotice,
  ManagePage,
} from '../pages/manage.js';
import { accept, changeEmail, decline, verify, type WaitlistDeps, withdraw } from '../waitlist/actions.js';
import { runnerByToken } from '../waitlist/runner.js';

/** The manage pages' paths: their answers get the Referrer-Policy that keeps the token in (create-app.ts). */
export const MANAGE_PAGE_PATH = /^\/manage(\/|$)/;

export type ManagePageRouteDeps = WaitlistDeps & Pick<AppDeps, 'clientLimiter' | 'clientKey'> & { site: Site };

interface Runner {
  registration: Registration;
  /** `/manage/<token>`: the page, and the base of its forms' actions. */
  path: string;
}

async function runnerOf(c: Context, deps: Pick<AppDeps, 'links'>): Promise<Runner> {
  const token = c.req.param('token') ?? '';
  const registration = await runnerByToken(c, deps, token);
  if (!registration) throw apiErrors.notFound('registration');
  // A token that matched is 43 characters of base64url: safe in a path as it is.
  return { registration, path: `/manage/${token}` };
}

export function managePageRoutes(deps: ManagePageRouteDeps) {
  const app = new Hono();
  const { site, race } = deps;
  app.use('/manage/*', noStore);
  // Actions count against the client's limit like sign-ups and the API's actions; they take no body.
  const guard = [clientLimit(deps.clientLimiter, deps.clientKey), limitBody] as const;
  const back = (c: Context, runner: Runner, done?: ManageNotice) =>
    c.redirect(done ? `${runner.path}?done=${done}` : runner.path, 303);

  app.get('/manage/:token', async (c) => {
    const runner = await runnerOf(c, deps);
    const done = c.req.query('done');
    // The confirmation's delivery (the provider's webhooks): the page asks for another address when it
    // could not reach this one.
    const found = await c.get('services').store.findRegistration(runner.registration.id);
    return c.html(
      <ManagePage
        site={site}
        race={race}
        registration={found?.registration ?? runner.registration}
        email={found?.email}
        path={runner.path}
        notice={isManageNotice(done) ? done : undefined}
        now={new Date()}
      />,
    );
  });

  /** The second step: "are you sure?", for what the runner's status lets them give up (else back to the page). */
  const confirmPage = (only?: ManageConfirmation) => async (c: Context) => {
    const runner = await runnerOf(c, deps);
    const confirm = confirmationFor(runner.registration.status);
    if (!confirm || (only && confirm !== only)) return back(c, runner);
    return c.html(
      <ManageConfirmPage
        site={site}
        race={race}
        registration={runner.registration}
        path={runner.path}
        confirm={confirm}
      />,
    );
  };
  app.get('/manage/:token/withdraw', confirmPage());
  app.get('/manage/:token/decline', confirmPage('decline'));

  // The same-origin check ran before (create-app.ts: every non-API post); then the limits. A notice says
  // what the post did; one that changed nothing (sent twice: the row had moved on) comes back without one.
  app.post('/manage/:token/withdraw', ...guard, async (c) => {
    const runner = await runnerOf(c, deps);
    const was = runner.registration.status;
    if ((await withdraw(c, deps, runner.registration)) !== 'withdrawn' || was === 'withdrawn') return back(c, runner);
    return back(c, runner, was === 'waitlisted' ? 'left' : was === 'offered' ? 'declined' : 'withdrawn');
  });

  app.post('/manage/:token/accept', ...guard, async (c) => {
    const runner = await runnerOf(c, deps);
    const was = runner.registration.status;
    const result = await accept(c, deps, runner.registration);
    if (result === 'registered') return back(c, runner, was === 'registered' ? undefined : 'accepted');
    return back(c, runner, result === 'expired' ? 'offer-expired' : 'not-offered');
  });

  app.post('/manage/:token/verify', ...guard, async (c) => {
    const runner = await runnerOf(c, deps);
    const was = runner.registration.status;
    const result = await verify(c, deps, runner.registration);
    if (result === 'registered') return back(c, runner, was === 'registered' ? undefined : 'verified');
    return back(c, runner, result === 'expired' ? 'hold-expired' : undefined);
  });

  app.post('/manage/:token/decline', ...guard, async (c) => {
    const runner = await runnerOf(c, deps);
    const was = runner.registration.status;
    const result = await decline(c, deps, runner.registration);
    if (result === 'withdrawn') return back(c, runner, was === 'withdrawn' ? undefined : 'declined');
    return back(c, runner, 'not-offered');
  });

  // Another address: the API's rule and action (routes/manage.ts); each refusal is a notice at the field.
  app.post('/manage/:token/email', ...guard, async (c) => {
    const runner = await runnerOf(c, deps);
    const parsed = validateResendInput(race, pickFields(await readFormBody(c), ['email']));
    if (!parsed.ok) return back(c, runner, 'email-invalid');
    const { outcome, status } = await changeEmail(c, deps, runner.registration, parsed.value.email);
    return back(c, runner, emailChangeNotice(outcome, status));
  });

  return app;
}
