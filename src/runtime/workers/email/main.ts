// The email Worker's entry (wrangler.email.jsonc; docs/design.md: Queues on Workers):
// - `EmailService.send`, the RPC the API Worker calls over its Service Binding (service-binding strategy);
// - `queue`, the consumer of `finishline-email` and of its dead-letter queue (./consumer.ts);
// - `RegistrationWorkflow`, the workflow strategy's Workflow (./registration-workflow.ts), which the API
//   Worker's REGISTRATION_WORKFLOW binding names (`script_name`).
// It opens the same database as the API Worker, with the same settings and the same engine, built the
// same way: once per isolate, the database per invocation (../service.ts).
import { WorkerEntrypoint } from 'cloudflare:workers';
import type { ExecutionContext } from 'hono';
import { queuedEmail } from '../../../ports/email-queue.js';
import { createJsonLogger } from '../../../ports/logger.js';
import { registerContextManager } from '../../shared/context.js';
import { flushTraces, type WorkerBindings, withInvocation } from '../service.js';
import { consumeDeadLetters, consumeEmailQueue, isDeadLetterQueue, type QueueBatch } from './consumer.js';

const logger = createJsonLogger();
registerContextManager();

export { RegistrationWorkflow } from './registration-workflow.js';

export class EmailService extends WorkerEntrypoint<WorkerBindings> {
  /** Sends one email through this Worker's mailer; resolves with the provider's id. */
  async send(email: unknown, idempotencyKey: unknown): Promise<{ id: string }> {
    const message = queuedEmail.parse(email);
    if (typeof idempotencyKey !== 'string' || idempotencyKey === '') throw new TypeError('idempotencyKey is required');
    return withInvocation(this.env, this.ctx as unknown as ExecutionContext, logger, (invocation, isolate) =>
      invocation.services.mailer.send(message, { idempotencyKey, timeoutMs: isolate.services.deps.sendTimeoutMs }),
    );
  }
}

export default {
  // Nothing to serve over HTTP: the API Worker is the public one.
  fetch: () =>
    Response.json({ error: { code: 'not_found', message: 'the email Worker has no HTTP routes' } }, { status: 404 }),

  async queue(batch: QueueBatch, env: WorkerBindings, ctx: ExecutionContext): Promise<void> {
    await withInvocation(env, ctx, logger, (invocation, { config }) => {
      const { engine, mailer } = invocation.services;
      const consumer = {
        engine,
        mailer,
        logger,
        sendTimeoutMs: config.taskTimeoutMs,
        retry: { baseMs: config.taskRetryBaseMs, maxMs: config.taskRetryMaxMs },
      };
      return isDeadLetterQueue(batch.queue) ? consumeDeadLetters(batch, consumer) : consumeEmailQueue(batch, consumer);
    });
    await flushTraces();
  },
};
