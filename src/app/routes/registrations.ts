// The registration API (outbox strategy, JSON).
import { Hono } from 'hono';
import { emailDeliveryStatus } from '../../ports/email-delivery.js';
import { limitBody, readJsonBody } from '../body/json-body.js';
import type { AppDeps } from '../deps.js';
import { apiErrors } from '../errors.js';
import { clientLimit } from '../middleware/client-limit/index.js';
import { noStore } from '../middleware/no-store/index.js';
import { deliversThroughQueue } from '../sign-up/announce.js';
import { readIdempotencyKey, replay, requestHash } from '../sign-up/idempotency.js';
import { refusal, type SignUpDeps, signUp, validInput, waitlistOpen } from '../sign-up/register.js';
import { resendConfirmation, validResendEmail } from '../sign-up/resend-confirmation.js';
import { registrationJson } from './registration-json.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type RegistrationRouteDeps = SignUpDeps & Pick<AppDeps, 'clientLimiter' | 'clientKey'>;

export function registrationRoutes(deps: RegistrationRouteDeps) {
  const app = new Hono();
  // Per-client limit first (bad input counts too), then the body limit.
  const guard = [clientLimit(deps.clientLimiter, deps.clientKey), limitBody] as const;

  // Both answer about one runner (their 201, its replays, their details): never cached anywhere.
  app.post('/api/registrations', noStore, ...guard, async (c) => {
    const key = readIdempotencyKey(c);
    const input = validInput(deps, await readJsonBody(c));
    // A race that asks runners to confirm their address holds the place until they do.
    const held = deps.holdMs !== undefined && deps.links !== undefined;
    const created = (id: string) => ({
      id,
      status: held ? 'pending_verification' : 'registered',
      distance: input.distance,
      // The fast path starts the first attempt now; through the queue the task waits for the consumer.
      email: { status: emailDeliveryStatus(deliversThroughQueue(deps) ? 'pending' : 'running') },
    });
    // On the waitlist: the runner's number is the statement's, read back with the registration. Created
    // all the same, so it says where (as the replay of a remembered answer does).
    const waitlisted = async (id: string) => {
      const found = await c.get('services').store.findRegistration(id);
      c.header('location', `/api/registrations/${id}`);
      return c.json(
        { id, status: 'waitlisted', distance: input.distance, position: found?.registration.position },
        201,
      );
    };
    let id: string;
    if (key === undefined) {
      const { registration, outcome } = await signUp(c, deps, input);
      if (outcome === 'waitlisted') return waitlisted(registration.id);
      if (outcome !== 'stored')
        throw refusal(outcome === 'idempotency_key_taken' ? 'already_registered' : outcome, waitlistOpen(deps));
      id = registration.id;
    } else {
      const hash = await requestHash(input);
      const { store } = c.get('services');
      const remembered = await store.findIdempotentResponse(key);
      if (remembered) return replay(c, remembered, hash);
      const { registration, outcome } = await signUp(c, deps, input, (r) => ({
        key,
        requestHash: hash,
        status: 201,
        body: created(r.id),
        waitlisted: { status: 201, body: { id: r.id, status: 'waitlisted', distance: input.distance } },
      }));
      if (outcome === 'waitlisted') return waitlisted(registration.id);
      if (outcome !== 'stored') {
        // A concurrent request with the same key may have stored first: answer as it did.
        const stored = await store.findIdempotentResponse(key);
        if (stored) return replay(c, stored, hash);
        throw refusal(outcome === 'idempotency_key_taken' ? 'already_registered' : outcome, waitlistOpen(deps));
      }
      id = registration.id;
    }
    c.header('location', `/api/registrations/${id}`);
    return c.json(created(id), 201);
  });

  // "Send me my confirmation again": 202 for every address, registered or not (resend-confirmation.ts).
  app.post('/api/registrations/resend-confirmation', noStore, ...guard, async (c) => {
    const email = validResendEmail(deps, await readJsonBody(c));
    await resendConfirmation(c, deps, email);
    return c.json({ status: 'accepted' }, 202);
  });

  app.get('/api/registrations/:id', noStore, async (c) => {
    const id = c.req.param('id');
    if (!UUID.test(id)) throw apiErrors.notFound('registration');
    const found = await c.get('services').store.findRegistration(id.toLowerCase());
    if (!found) throw apiErrors.notFound('registration');
    return c.json(registrationJson(found));
  });

  return app;
}
