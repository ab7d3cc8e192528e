// The runner's manage API, reached through the link in every email (`/manage/<token>`): where they
// stand, withdraw, accept or decline an offered place. The token is looked up by its hash only
// (waitlist/runner.ts); an unknown one is 404 after the same lookup as a known one. The runner's page
// (routes/manage-pages.tsx) does the same through forms.
import { type Context, Hono } from 'hono';
import type { Registration } from '../../ports/store.js';
import { limitBody } from '../body/json-body.js';
import type { AppDeps } from '../deps.js';
import { ApiError, apiErrors } from '../errors.js';
import { clientLimit } from '../middleware/client-limit/index.js';
import { noStore } from '../middleware/no-store/index.js';
import { accept, decline, type WaitlistDeps, withdraw } from '../waitlist/actions.js';
import { runnerByToken } from '../waitlist/runner.js';
import { registrationJson } from './registration-json.js';

export type ManageRouteDeps = WaitlistDeps & Pick<AppDeps, 'clientLimiter' | 'clientKey'>;

const notOffered = () => new ApiError(409, 'not_offered', 'no place is offered to this registration');
const offerExpired = () => new ApiError(410, 'offer_expired', 'the offer has expired: the place has passed on');

async function runnerOf(c: Context, deps: Pick<AppDeps, 'links'>): Promise<Registration> {
  const found = await runnerByToken(c, deps, c.req.param('token') ?? '');
  if (!found) throw apiErrors.notFound('registration');
  return found;
}

export function manageRoutes(deps: ManageRouteDeps) {
  const app = new Hono();
  // Actions count against the client's limit like sign-ups do; they take no body.
  const guard = [noStore, clientLimit(deps.clientLimiter, deps.clientKey), limitBody] as const;

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
    if (result === 'not_offered') throw notOffered();
    if (result === 'offer_expired') throw offerExpired();
    return c.json({ status: result });
  });

  app.post('/api/manage/:token/decline', ...guard, async (c) => {
    const result = await decline(c, deps, await runnerOf(c, deps));
    if (result === 'not_offered') throw notOffered();
    return c.json({ status: result });
  });

  return app;
}
