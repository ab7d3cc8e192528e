// The people-facing side of sign-up: the page (GET /), its form post (POST /register), the confirmation
// page (GET /registrations/:id: a place, a number on the waitlist, an offer…), and "send me my
// confirmation again" (POST and GET /resend-confirmation). The form post goes through the same
// validation and the same outbox path as POST /api/registrations (signUp in sign-up/register.ts); only
// the body format differs. Form posts answer 303 (Post/Redirect/Get), a refused one back to the page
// that shows why. When the confirmation could not be delivered, the confirmation page takes another
// address (POST /registrations/:id/email) from whoever also gives the address signed up with: the id
// alone only reads.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { findDistance } from '../../domain/race.js';
import { normalizeEmail, validateRegistration, validateResendInput } from '../../domain/registration.js';
import { pickFields, readFormBody } from '../body/form-body.js';
import { limitBody } from '../body/json-body.js';
import type { AppDeps } from '../deps.js';
import { apiErrors } from '../errors.js';
import { clientLimit } from '../middleware/client-limit/index.js';
import { noStore } from '../middleware/no-store/index.js';
import { asksForAnotherAddress, type EmailNotice, emailChangeNotice, isEmailNotice } from '../pages/address-fix.js';
import { ConfirmationPage } from '../pages/confirmation.js';
import type { Site } from '../pages/layout.js';
import { ResendConfirmationPage } from '../pages/resend-confirmation.js';
import { FORM_FIELDS, type FormErrors, JOIN_WAITLIST_FIELD, problemsToErrors, SignUpPage } from '../pages/sign-up.js';
import {
  putResentFlash,
  putSignUpFlash,
  type SignUpFlash,
  takeResentFlash,
  takeSignUpFlash,
} from '../sign-up/form-flash.js';
import { type SignUpDeps, signUp } from '../sign-up/register.js';
import { RESEND_WINDOW_MS, resendConfirmation, validResendEmail } from '../sign-up/resend-confirmation.js';
import { changeEmail, type WaitlistDeps } from '../waitlist/actions.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The registration of the path's `:id` with its confirmation's delivery; 404 for a malformed or unknown id. */
async function registrationOf(c: Context) {
  const id = c.req.param('id') ?? '';
  if (!UUID.test(id)) throw apiErrors.notFound('registration');
  const found = await c.get('services').store.findRegistration(id.toLowerCase());
  if (!found) throw apiErrors.notFound('registration');
  return found;
}

export type PageRouteDeps = SignUpDeps &
  WaitlistDeps &
  Pick<AppDeps, 'clientLimiter' | 'clientKey' | 'isHttps'> & { site: Site };

export function pageRoutes(deps: PageRouteDeps) {
  const app = new Hono();
  const { site } = deps;

  /**
   * What a refused sign-up's fields and outcome come to on the page: its errors, worded as before, and —
   * refused as already registered — the address to offer its confirmation again.
   */
  function refusedSignUp(flash: SignUpFlash): { errors: FormErrors; resendFor?: string } {
    const result = validateRegistration(deps.race, flash.values);
    const errors = result.ok ? {} : problemsToErrors(result.problems);
    if (flash.refusal === 'distance_full' && !errors.distance) {
      const label = findDistance(deps.race, flash.values.distance ?? '')?.label ?? 'This distance';
      errors.distance = `${label} has just sold out. Choose another distance.`;
    }
    if (flash.refusal === 'already_registered' && !errors.email && flash.values.email !== undefined) {
      errors.email = `This email address is already registered for ${deps.race.name}.`;
      return { errors, resendFor: flash.values.email };
    }
    return { errors };
  }

  // The sign-up page; after a refused post, that post's input and errors (its flash), once.
  app.get('/', async (c) => {
    const flash = takeSignUpFlash(c, deps);
    const refused = flash ? refusedSignUp(flash) : undefined;
    const taken = await c.get('services').store.countRegistrationsByDistance(deps.race.id);
    // Places left change with every sign-up, and a flash echoes what the runner typed: never cached.
    c.header('cache-control', 'no-store');
    return c.html(
      <SignUpPage
        site={site}
        race={deps.race}
        taken={taken}
        values={flash?.values}
        errors={refused?.errors}
        resendFor={refused?.resendFor}
      />,
    );
  });

  /** Post/Redirect/Get: a refused sign-up goes back to the page, which shows why (sign-up/form-flash.ts). */
  const refused = (c: Context, flash: SignUpFlash) => {
    putSignUpFlash(c, deps, flash);
    return c.redirect('/', 303);
  };

  // The origin was checked before (middleware/same-origin/: a cross-site post is refused before it
  // costs anything); then the per-client limit (bad input counts too), then the body limit — as for the
  // API. Every answer is a 303 (a refresh never posts again), and no-store. On a race with a waitlist the
  // form asks to join it (its hidden `joinWaitlist`): a full distance gives a number, shown on the same
  // page a place is (the registration's status tells which).
  app.post('/register', noStore, clientLimit(deps.clientLimiter, deps.clientKey), limitBody, async (c) => {
    const form = await readFormBody(c);
    const values = pickFields(form, FORM_FIELDS);
    const result = validateRegistration(deps.race, values);
    if (!result.ok) return refused(c, { values });
    const joinWaitlist = deps.race.waitlist !== undefined && form.get(JOIN_WAITLIST_FIELD) === 'true';
    const { registration, outcome } = await signUp(c, deps, { ...result.value, joinWaitlist });
    if (outcome === 'stored' || outcome === 'waitlisted') return c.redirect(`/registrations/${registration.id}`, 303);
    return refused(c, { values, refusal: outcome === 'distance_full' ? 'distance_full' : 'already_registered' });
  });

  // "Send me my confirmation again" (the 409's way forward): the same answer for every address
  // (resend-confirmation.ts), then its page.
  app.post('/resend-confirmation', noStore, clientLimit(deps.clientLimiter, deps.clientKey), limitBody, async (c) => {
    const email = validResendEmail(deps, pickFields(await readFormBody(c), ['email']));
    await resendConfirmation(c, deps, email);
    putResentFlash(c, deps, email);
    return c.redirect('/resend-confirmation', 303);
  });

  app.get('/resend-confirmation', noStore, (c) =>
    c.html(
      <ResendConfirmationPage
        site={site}
        race={deps.race}
        email={takeResentFlash(c, deps)}
        windowMinutes={RESEND_WINDOW_MS / 60_000}
      />,
    ),
  );

  // The runner's details: no-store (also its 404, so a cache never learns which ids exist).
  app.get('/registrations/:id', noStore, async (c) => {
    const found = await registrationOf(c);
    const done = c.req.query('done');
    return c.html(
      <ConfirmationPage site={site} race={deps.race} found={found} notice={isEmailNotice(done) ? done : undefined} />,
    );
  });

  // Another address for one the confirmation could not reach: only while the page asks for it, and only
  // for whoever knows the address signed up with (the page masks it; the id alone only reads). The
  // manage page's action (waitlist/actions.ts), its notices, back to the page (303).
  app.post(
    '/registrations/:id/email',
    noStore,
    clientLimit(deps.clientLimiter, deps.clientKey),
    limitBody,
    async (c) => {
      const found = await registrationOf(c);
      const { registration } = found;
      const back = (done?: EmailNotice) =>
        c.redirect(`/registrations/${registration.id}${done ? `?done=${done}` : ''}`, 303);
      if (!asksForAnotherAddress(registration, found.email)) return back();
      const form = pickFields(await readFormBody(c), ['current', 'email']);
      if (normalizeEmail(form.current ?? '') !== normalizeEmail(registration.email)) return back('email-not-yours');
      const parsed = validateResendInput(deps.race, { email: form.email });
      if (!parsed.ok) return back('email-invalid');
      const { outcome, status } = await changeEmail(c, deps, registration, parsed.value.email);
      return back(emailChangeNotice(outcome, status));
    },
  );

  return app;
}
