// The workflow strategy's Workflow (REGISTRATION_WORKFLOW; docs/strategies.md: workflow). One instance
// per registration, created by the API Worker's POST /api/marathon-workflow with the registration and
// its confirmation. Two steps, each checkpointed: once a step has returned, a restarted or resumed
// instance never runs it again; a step that throws is retried with backoff, so each must be safe to
// run twice:
//   store — inserts the registration; a retry that finds its own row (same id) counts as stored.
//           A duplicate email or a full distance ends the instance (NonRetryableError), with no email.
//   send  — sends the confirmation, the registration id its Idempotency-Key: a retry after a send
//           whose answer was lost cannot send a second email. A permanent or account-wide provider
//           error ends the instance as failed; anything else is retried.
// Retries follow the outbox's settings: TASK_MAX_ATTEMPTS attempts, the first retry after
// TASK_RETRY_BASE_MS, doubling (Workflows has no cap on the delay: TASK_RETRY_MAX_MS does not apply).
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from 'cloudflare:workers';
import { NonRetryableError } from 'cloudflare:workflows';
import type { ExecutionContext } from 'hono';
import { describeError } from '../../../ports/errors.js';
import { createJsonLogger } from '../../../ports/logger.js';
import type { RegistrationWorkflowParams } from '../../../ports/registration-workflow.js';
import { type Invocation, isolateFor, type WorkerBindings, withInvocation } from '../service.js';
import { isFinal, storeOnce } from './workflow-steps.js';

const logger = createJsonLogger();

export class RegistrationWorkflow extends WorkflowEntrypoint<WorkerBindings, RegistrationWorkflowParams> {
  override async run(event: Readonly<WorkflowEvent<RegistrationWorkflowParams>>, step: WorkflowStep) {
    const { registration, email } = event.payload;
    const { config } = isolateFor(this.env, logger);
    const retries = {
      limit: Math.max(0, config.taskMaxAttempts - 1),
      delay: config.taskRetryBaseMs,
      backoff: 'exponential' as const,
    };
    // Each step is an invocation of its own: its database is opened for the step and closed after it.
    const inStep = async <T>(name: string, work: (invocation: Invocation) => Promise<T>): Promise<T> => {
      try {
        return await withInvocation(this.env, this.ctx as unknown as ExecutionContext, logger, work);
      } catch (error) {
        if (error instanceof NonRetryableError) throw error;
        // The platform keeps a failed attempt's error, and the status route shows the last one: its
        // name and code only, never a driver's message (it can carry SQL and the runner's data).
        const described = describeError(error);
        logger.warn('workflow.step_failed', { registrationId: registration.id, step: name, error: described });
        throw new Error(described);
      }
    };

    await step.do('store', { retries }, () =>
      inStep('store', async (invocation) => {
        const outcome = await storeOnce(invocation.services.store, registration);
        if (outcome === 'stored') return outcome;
        logger.warn('workflow.refused', { registrationId: registration.id, outcome });
        throw new NonRetryableError(outcome);
      }),
    );
    const sent = await step.do('send', { retries }, () =>
      inStep('send', async (invocation) => {
        try {
          return await invocation.services.mailer.send(email, {
            idempotencyKey: registration.id,
            timeoutMs: config.taskTimeoutMs,
          });
        } catch (error) {
          if (!isFinal(error)) throw error;
          logger.error('workflow.email_refused', { registrationId: registration.id, code: error.code });
          throw new NonRetryableError(`email refused: ${error.code} (${error.status ?? 'no status'})`);
        }
      }),
    );
    return { registrationId: registration.id, emailId: sent.id };
  }
}
