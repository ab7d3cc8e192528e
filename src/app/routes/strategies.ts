// The strategies, kept side by side so they can be run, traced and compared (docs/design.md:
// Strategies). The four seed strategies are the non-durable ways the project started from.
// Only `outbox` is durable in our database (queue and workflow are, once Cloudflare has the message or
// the instance); the weaknesses of the others are documented in docs/strategies.md, not hidden.
import { type Context, Hono } from 'hono';
import { emailMessage } from '../../ports/email-queue.js';
import { describeError } from '../../ports/errors.js';
import type { Strategy } from '../../ports/store.js';
import { limitBody, readJsonBody } from '../body/json-body.js';
import type { AppDeps } from '../deps.js';
import { apiErrors } from '../errors.js';
import { clientLimit } from '../middleware/client-limit/index.js';
import {
  type PreparedRegistration,
  prepareRegistration,
  refusal,
  type SignUpDeps,
  sendDirect,
  signUp,
  validInput,
} from '../sign-up/register.js';

export const THANKS = 'Thanks for registering for our Marathon';

export type StrategyRouteDeps = SignUpDeps &
  Pick<AppDeps, 'clientLimiter' | 'clientKey' | 'sendTimeoutMs' | 'emailWorker' | 'registrationWorkflow'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function strategyRoutes(deps: StrategyRouteDeps) {
  const app = new Hono();
  // Per-client limit first (bad input counts too), then the body limit.
  const guard = [clientLimit(deps.clientLimiter, deps.clientKey), limitBody] as const;
  const logFailure = (strategy: string, step: string) => (error: unknown) =>
    deps.logger.error('strategy.background_failed', { strategy, step, error: describeError(error) });

  /** The JSON body, validated, as a registration of this strategy (nothing written yet). */
  async function readPrepared(c: Context, strategy: Strategy): Promise<PreparedRegistration> {
    return prepareRegistration(deps, strategy, validInput(deps, await readJsonBody(c)));
  }

  async function insertOrConflict(c: Context, prepared: PreparedRegistration) {
    const outcome = await c.get('services').store.insertRegistration(prepared.registration);
    if (outcome !== 'stored') throw refusal(outcome);
  }

  // Await the insert, await the email, then answer: slow (the provider's latency is the user's).
  app.post('/api/marathon-sequential', ...guard, async (c) => {
    const prepared = await readPrepared(c, 'sequential');
    await insertOrConflict(c, prepared);
    try {
      await sendDirect(c, deps, prepared);
    } catch (error) {
      logFailure('sequential', 'email')(error);
      throw apiErrors.emailFailed();
    }
    return c.text(THANKS, 200);
  });

  // Await the insert; start the email and forget it. On Workers the runtime may cancel it after the
  // response; anywhere, a failure is only a log line.
  app.post('/api/marathon-fire-and-forget', ...guard, async (c) => {
    const prepared = await readPrepared(c, 'fire-and-forget');
    await insertOrConflict(c, prepared);
    sendDirect(c, deps, prepared).catch(logFailure('fire-and-forget', 'email'));
    return c.text(THANKS, 201);
  });

  // Await the insert; the email runs after the response in waitUntil. Fast, but a failed or
  // interrupted send is lost: nothing records that it still has to happen.
  app.post('/api/marathon-waituntil', ...guard, async (c) => {
    const prepared = await readPrepared(c, 'wait-until');
    await insertOrConflict(c, prepared);
    c.executionCtx.waitUntil(sendDirect(c, deps, prepared).catch(logFailure('wait-until', 'email')));
    return c.text(THANKS, 201);
  });

  // Insert and email both in waitUntil, answer at once: fastest, but the answer promises a
  // registration that may never be stored (duplicate, database down), and emails it anyway.
  app.post('/api/marathon-parallel', ...guard, async (c) => {
    const prepared = await readPrepared(c, 'parallel');
    const { store } = c.get('services');
    c.executionCtx.waitUntil(
      Promise.all([
        store
          .insertRegistration(prepared.registration)
          .then((outcome) => {
            if (outcome !== 'stored')
              deps.logger.warn('strategy.refused_after_response', { strategy: 'parallel', outcome });
          })
          .catch(logFailure('parallel', 'insert')),
        sendDirect(c, deps, prepared).catch(logFailure('parallel', 'email')),
      ]),
    );
    return c.text(THANKS, 202);
  });

  // Await the insert; the email Worker sends the email, called over the Service Binding in waitUntil.
  // Another Worker's CPU and limits, but the same weakness as wait-until: nothing records that the
  // email still has to go, so a failed send is a log line.
  app.post('/api/marathon-service-binding', ...guard, async (c) => {
    const worker = deps.emailWorker;
    if (!worker) throw apiErrors.strategyUnavailable('EMAIL');
    const prepared = await readPrepared(c, 'service-binding');
    await insertOrConflict(c, prepared);
    c.executionCtx.waitUntil(
      worker.send(prepared.email, prepared.registration.id).catch(logFailure('service-binding', 'email')),
    );
    return c.text(THANKS, 201);
  });

  // Await the insert, then await the enqueue, answer 202: once enqueued the email is durable (Queues
  // retries it, then dead-letters it), but the two writes are not atomic — an enqueue that fails after
  // the insert loses the email (the registration stays; the runner is told the email failed).
  app.post('/api/marathon-queue', ...guard, async (c) => {
    const queue = deps.emailQueue;
    if (!queue) throw apiErrors.strategyUnavailable('EMAIL_QUEUE');
    const prepared = await readPrepared(c, 'queue');
    await insertOrConflict(c, prepared);
    try {
      await queue.send([emailMessage(prepared.email, prepared.registration.id)]);
    } catch (error) {
      logFailure('queue', 'enqueue')(error);
      throw apiErrors.emailFailed();
    }
    return c.text(THANKS, 202);
  });

  // Validate, then create a Workflow instance (its id the registration's) and answer 202 with the id:
  // the instance stores the registration and sends its email, each step checkpointed and retried by
  // the platform. Nothing is stored before the answer, so a duplicate or a full distance is not an
  // answer but the instance's failure, read from GET …/:id.
  app.post('/api/marathon-workflow', ...guard, async (c) => {
    const workflow = deps.registrationWorkflow;
    if (!workflow) throw apiErrors.strategyUnavailable('REGISTRATION_WORKFLOW');
    const prepared = await readPrepared(c, 'workflow');
    try {
      await workflow.start(prepared);
    } catch (error) {
      // Not created, or its outcome unknown: nothing is stored yet, so the runner may try again (should
      // both instances run, the second finds the email registered and sends nothing).
      logFailure('workflow', 'create')(error);
      throw apiErrors.unavailable();
    }
    return c.json({ id: prepared.registration.id }, 202);
  });

  app.get('/api/marathon-workflow/:id', async (c) => {
    const workflow = deps.registrationWorkflow;
    if (!workflow) throw apiErrors.strategyUnavailable('REGISTRATION_WORKFLOW');
    const id = c.req.param('id');
    const found = UUID.test(id) ? await workflow.status(id) : null;
    if (!found) throw apiErrors.notFound('workflow instance');
    return c.json({ id, ...found });
  });

  // The durable one, with the seed's plain-text answer.
  app.post('/api/marathon-outbox', ...guard, async (c) => {
    const { outcome } = await signUp(c, deps, validInput(deps, await readJsonBody(c)));
    if (outcome !== 'stored') throw refusal(outcome === 'idempotency_key_taken' ? 'already_registered' : outcome);
    return c.text(THANKS, 201);
  });

  return app;
}
