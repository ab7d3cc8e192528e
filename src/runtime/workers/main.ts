// Worker entry: the same app in workerd. `fetch` serves it; `scheduled` (the Cron Trigger) is the
// sweeper. Each invocation gets its own services and database pool (service.ts).
import type { ExecutionContext } from 'hono';
import { createApp } from '../../app/create-app.js';
import { describeError } from '../../ports/errors.js';
import { createJsonLogger } from '../../ports/logger.js';
import { registerContextManager } from '../shared/context.js';
import { flushTraces, settings, type WorkerBindings, withServices } from './service.js';
import { sweepWithinBudget } from './sweeper.js';

const logger = createJsonLogger();
registerContextManager();

export default {
  async fetch(request: Request, env: WorkerBindings, ctx: ExecutionContext): Promise<Response> {
    try {
      return await withServices(env, ctx, logger, async (deps, tracked) =>
        createApp(deps).fetch(request, env, tracked),
      );
    } catch (error) {
      logger.error('worker.start_failed', { error: describeError(error) });
      return Response.json({ error: { code: 'internal', message: 'the service is misconfigured' } }, { status: 500 });
    }
  },

  async scheduled(_controller: unknown, env: WorkerBindings, ctx: ExecutionContext): Promise<void> {
    const { config } = settings(env);
    await withServices(env, ctx, logger, (deps) => sweepWithinBudget(deps, logger, config.taskLeaseMs));
    // The sweep's spans, exported before the scheduled event ends.
    await flushTraces();
  },
};
