// The registration API (outbox strategy, JSON).
import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { apiErrors } from '../errors.js';
import { readIdempotencyKey, replay, requestHash } from '../idempotency.js';
import { clientLimit } from '../middleware/client-limit.js';
import { limitBody } from '../middleware/json-body.js';
import { prepareRegistration, refusal, registerWithOutbox } from '../register.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registrationRoutes(deps: AppDeps) {
  const app = new Hono();
  // Per-client limit first (bad input counts too), then the body limit.
  const guard = [clientLimit(deps.clientLimiter, deps.clientKey), limitBody] as const;

  app.post('/api/registrations', ...guard, async (c) => {
    const key = readIdempotencyKey(c);
    const prepared = await prepareRegistration(c, deps, 'outbox');
    const { id, distance } = prepared.registration;
    const body = { id, status: 'registered', distance, email: { status: 'sending' } };
    if (key === undefined) {
      const outcome = await registerWithOutbox(c, deps, prepared);
      if (outcome !== 'stored') throw refusal(outcome === 'idempotency_key_taken' ? 'already_registered' : outcome);
    } else {
      const hash = await requestHash(prepared.registration);
      const remembered = await deps.store.findIdempotentResponse(key);
      if (remembered) return replay(c, remembered, hash);
      const outcome = await registerWithOutbox(c, deps, prepared, { key, requestHash: hash, status: 201, body });
      if (outcome !== 'stored') {
        // A concurrent request with the same key may have stored first: answer as it did.
        const stored = await deps.store.findIdempotentResponse(key);
        if (stored) return replay(c, stored, hash);
        throw refusal(outcome === 'idempotency_key_taken' ? 'already_registered' : outcome);
      }
    }
    c.header('location', `/api/registrations/${id}`);
    return c.json(body, 201);
  });

  app.get('/api/registrations/:id', async (c) => {
    const id = c.req.param('id');
    if (!UUID.test(id)) throw apiErrors.notFound('registration');
    const found = await deps.store.findRegistration(id.toLowerCase());
    if (!found) throw apiErrors.notFound('registration');
    const { registration, email } = found;
    return c.json({
      id: registration.id,
      status: 'registered',
      firstName: registration.firstName,
      lastName: registration.lastName,
      distance: registration.distance,
      strategy: registration.strategy,
      createdAt: registration.createdAt.toISOString(),
      email: { status: email.status, attempts: email.attempts, sentAt: email.sentAt?.toISOString() ?? null },
    });
  });

  return app;
}
