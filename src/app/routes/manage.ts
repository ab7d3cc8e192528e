// The runner's manage API, reached through the link in every email (`/manage/<token>`): where they
// stand, withdraw, accept or decline an offered place, confirm a held place, change distance, give
// another address. The token is looked up by its hash only (waitlist/runner.ts); an unknown one is 404
// after the same lookup as a known one. The runner's page (routes/manage-pages.tsx) does the same
// through forms.
import { type Context, Hono } from 'hono';
import * as z from 'zod/mini';
import { validateResendInput } from '../../domain/registration.js';
import type { Registration } from '../../ports/store.js';
import { limitBody, readJsonBody } from '../body/json-body.js';
import type { AppDeps } from '../deps.js';
import { ApiError, apiErrors } from '../errors.js';
import { clientLimit } from '../middleware/client-limit/index.js';
import { noStore } from '../middleware/no-store/index.js';
import {
  accept,
  changeDistance,
  changeEmail,
  decline,
  type EmailChangeOutcome,
  verify,
  type WaitlistDeps,
  withdraw,
} from '../waitlist/actions.js';
import { runnerByToken } from '../waitlist/runner.js';
import { registrationJson } from './registration-json.js';

export type ManageRouteDeps = WaitlistDeps & Pick<AppDeps, 'clientLimiter' | 'clientKey'>;

const notOffered = () => new ApiError(409, 'not_offered', 'no place is offered to this registration');
const offerExpired = () => new ApiError(410, 'offer_expired', 'the offer has expired: the place has passed on');
const notPending = () =>
  new ApiError(409, 'not_pending_verification', 'this registration is not waiting to be confirmed');
const holdExpired = () =>
  new ApiError(410, 'hold_expired', 'the place was held until a deadline that has passed: it has been released');

/** The refusals of an address change (the page shows each as a notice: routes/manage-pages.tsx). */
const emailChangeErrors: Record<Exclude<EmailChangeOutcome, 'changed' | 'unchanged'>, () => ApiError> = {
  closed: () =>
    new ApiError(409, 'registration_closed', 'this registration is withdrawn or expired: its address cannot change'),
  already_registered: apiErrors.alreadyRegistered,
  // 422 like the address's other refusals: the request is well formed, the address is not one we can use.
  suppressed: () =>
    new ApiError(422, 'address_unreachable', 'we could not reach this address before; use another', [
      { path: 'email', message: 'we could not reach this address before; use another' },
    ]),
};

async function runnerOf(c: Context, deps: Pick<AppDeps, 'links'>): Promise<Registration> {
  const found = await runnerByToken(c, deps, c.req.param('token') ?? '');
  if (!found) throw apiErrors.notFound('registration');
  return found;
}

export function manageRoutes(deps: ManageRouteDeps) {
  const app = new Hono();
  // Actions count against the client's limit like sign-ups do; they take no body.
  const guard = [noStore, clientLimit(deps.clientLimiter, deps.clientKey), limitBody] as const;
  // Built once per app: the race's distances do not change while it runs.
  const ids = deps.race.distances.map((d) => d.id) as [string, ...string[]];
  const distanceInput = z.strictObject(
    { distance: z.enum(ids, { error: `must be one of: ${ids.join(', ')}` }) },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? 'unknown field' : undefined) },
  );

  app.get('/api/manage/:token', noStore, async (c) => {
    const registration = await runnerOf(c, deps);
    const found = await c.get('services').store.findRegistration(registration.id);
    if (!found) throw apiErrors.notFound('registration');
    return c.json(registrationJson(found));
  });

  app.post('/api/manage/:token/withdraw', ...guard, async (c) => {
    const status = await withdraw(c, deps, await runnerOf(c, deps));
    return c.json({ status });
  });

  app.post('/api/manage/:token/accept', ...guard, async (c) => {
    const result = await accept(c, deps, await runnerOf(c, deps));
    if (result === 'not_held') throw notOffered();
    if (result === 'expired') throw offerExpired();
    return c.json({ status: result });
  });

  app.post('/api/manage/:token/verify', ...guard, async (c) => {
    const result = await verify(c, deps, await runnerOf(c, deps));
    if (result === 'not_held') throw notPending();
    if (result === 'expired') throw holdExpired();
    return c.json({ status: result });
  });

  app.post('/api/manage/:token/decline', ...guard, async (c) => {
    const result = await decline(c, deps, await runnerOf(c, deps));
    if (result === 'not_offered') throw notOffered();
    return c.json({ status: result });
  });

  app.post('/api/manage/:token/distance', ...guard, async (c) => {
    const registration = await runnerOf(c, deps);
    const parsed = distanceInput.safeParse(await readJsonBody(c));
    if (!parsed.success) {
      throw apiErrors.validationFailed(
        parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      );
    }
    const { distance } = parsed.data;
    const result = await changeDistance(c, deps, registration, distance);
    if (result === 'full') throw apiErrors.distanceFull();
    if (result === 'not_registered') {
      throw new ApiError(409, 'not_registered', 'only a registered runner can change distance');
    }
    return c.json({ status: 'registered', distance });
  });

  // Fixing the address (a bounced confirmation, a typo): the sign-up's rule for it (the same schema as
  // "send me my confirmation again": a strict object of `email` alone).
  app.post('/api/manage/:token/email', ...guard, async (c) => {
    const registration = await runnerOf(c, deps);
    const parsed = validateResendInput(deps.race, await readJsonBody(c));
    if (!parsed.ok) throw apiErrors.validationFailed(parsed.problems);
    const { outcome, status } = await changeEmail(c, deps, registration, parsed.value.email);
    if (outcome !== 'changed' && outcome !== 'unchanged') throw emailChangeErrors[outcome]();
    return c.json({ status, email: parsed.value.email });
  });

  return app;
}
