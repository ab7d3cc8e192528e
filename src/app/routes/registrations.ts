// The registration API (outbox strategy, JSON).
import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { apiErrors } from '../errors.js';
import { limitBody } from '../middleware/json-body.js';
import { prepareRegistration, registerWithOutbox } from '../register.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registrationRoutes(deps: AppDeps) {
  const app = new Hono();

  app.post('/api/registrations', limitBody, async (c) => {
    const prepared = await prepareRegistration(c, deps, 'outbox');
    await registerWithOutbox(c, deps, prepared);
    const { id, distance } = prepared.registration;
    c.header('location', `/api/registrations/${id}`);
    return c.json({ id, status: 'registered', distance, email: { status: 'sending' } }, 201);
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
