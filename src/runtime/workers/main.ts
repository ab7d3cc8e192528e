// Worker entry: the same app in workerd. `fetch` serves it; `scheduled` (the Cron Trigger) is the
// sweeper. The app and everything no request owns are built once per isolate; each invocation gets its
// own database, opened only if it is used (service.ts).
import type { ExecutionContext } from 'hono';
import { describeError } from '../../ports/errors.js';
import { createJsonLogger } from '../../ports/logger.js';
import { registerContextManager } from '../shared/context.js';
import { flushTraces, Invocation, type Isolate, isolateFor, type WorkerBindings, withInvocation } from './service.js';
import { sweepWithinBudget } from './sweeper.js';

const logger = createJsonLogger();
registerContextManager();

export default {
  async fetch(request: Request, env: WorkerBindings, ctx: ExecutionContext): Promise<Response> {
    let isolate: Isolate;
    let app: ReturnType<Isolate['app']>;
    try {
      isolate = isolateFor(env, logger);
      app = isolate.app();
    } catch (error) {
      logger.error('worker.start_failed', { error: describeError(error) });
      return Response.json({ error: { code: 'internal', message: 'the service is misconfigured' } }, { status: 500 });
    }
    const invocation = new Invocation(ctx, isolate, env);
    try {
      return await app.fetch(request, env, invocation);
    } finally {
      invocation.finish();
    }
  },

  async scheduled(_controller: unknown, env: WorkerBindings, ctx: ExecutionContext): Promise<void> {
    await withInvocation(env, ctx, logger, (invocation, isolate) =>
      sweepWithinBudget(
        invocation.services.engine,
        isolate.services.deps.emailQueue,
        logger,
        isolate.config.taskLeaseMs,
      ),
    );
    // The sweep's spans, exported before the scheduled event ends.
    await flushTraces();
  },
};
