// The people-facing side of sign-up: the page (GET /), its form post (POST /register) and the
// confirmation page (GET /registrations/:id). The form post goes through the same validation and the
// same outbox path as POST /api/registrations (signUp in register.ts); only the body format differs.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { csrf } from 'hono/csrf';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { findDistance } from '../../domain/race.js';
import { validateRegistration } from '../../domain/registration.js';
import type { AppDeps } from '../deps.js';
import { apiErrors } from '../errors.js';
import { clientLimit } from '../middleware/client-limit.js';
import { pickFields, readFormBody } from '../middleware/form-body.js';
import { limitBody } from '../middleware/json-body.js';
import { noStore } from '../middleware/no-store.js';
import { ConfirmationPage } from '../pages/confirmation.js';
import type { Site } from '../pages/layout.js';
import { FORM_FIELDS, type FormErrors, type FormValues, problemsToErrors, SignUpPage } from '../pages/sign-up.js';
import { type SignUpDeps, signUp } from '../register.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type PageRouteDeps = SignUpDeps & Pick<AppDeps, 'clientLimiter' | 'clientKey'> & { site: Site };

export function pageRoutes(deps: PageRouteDeps) {
  const app = new Hono();
  const { site } = deps;

  async function signUpPage(c: Context, status: ContentfulStatusCode, values?: FormValues, errors?: FormErrors) {
    const taken = await c.get('services').store.countRegistrationsByDistance(deps.race.id);
    // Places left change with every sign-up: never serve a stale page from a cache.
    c.header('cache-control', 'no-store');
    return c.html(<SignUpPage site={site} race={deps.race} taken={taken} values={values} errors={errors} />, status);
  }

  app.get('/', (c) => signUpPage(c, 200));

  // Origin check first (a cross-site post is refused before it costs anything), then the per-client
  // limit (bad input counts too), then the body limit — as for the API. Every answer is no-store: the
  // 422/409 pages echo what the runner typed (name, email, address).
  app.post('/register', noStore, csrf(), clientLimit(deps.clientLimiter, deps.clientKey), limitBody, async (c) => {
    const values = pickFields(await readFormBody(c), FORM_FIELDS);
    const result = validateRegistration(deps.race, values);
    if (!result.ok) return signUpPage(c, 422, values, problemsToErrors(result.problems));
    const { registration, outcome } = await signUp(c, deps, result.value);
    if (outcome === 'stored') return c.redirect(`/registrations/${registration.id}`, 303);
    const errors: FormErrors =
      outcome === 'distance_full'
        ? {
            distance: `${findDistance(deps.race, result.value.distance)?.label ?? 'This distance'} has just sold out. Choose another distance.`,
          }
        : { email: `This email address is already registered for ${deps.race.name}.` };
    return signUpPage(c, 409, values, errors);
  });

  // The runner's details: no-store (also its 404, so a cache never learns which ids exist).
  app.get('/registrations/:id', noStore, async (c) => {
    const id = c.req.param('id');
    if (!UUID.test(id)) throw apiErrors.notFound('registration');
    const found = await c.get('services').store.findRegistration(id.toLowerCase());
    if (!found) throw apiErrors.notFound('registration');
    return c.html(<ConfirmationPage site={site} race={deps.race} found={found} />);
  });

  return app;
}
