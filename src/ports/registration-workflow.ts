// The workflow strategy as the API Worker sees it: Cloudflare Workflows (REGISTRATION_WORKFLOW, Workers
// only). One instance per registration, its id the registration's: the instance stores the registration
// and then sends its confirmation, each a checkpointed, retried step (src/runtime/workers/email/).
import type { EmailMessage } from '../domain/email-layout.js';
import type { NewRegistration } from './store.js';

/** What an instance is started with: the registration to store and its confirmation, built by the route. */
export interface RegistrationWorkflowParams {
  registration: NewRegistration;
  email: EmailMessage;
}

/** An instance as `instance.status()` reports it; `error` once it has failed. */
export interface RegistrationWorkflowStatus {
  status: string;
  error?: { name: string; message: string };
}

export interface RegistrationWorkflow {
  /** Creates the instance `params.registration.id`; resolves once the platform has it (durable from then). */
  start(params: RegistrationWorkflowParams): Promise<void>;
  /** The instance's status, or null when there is no instance of that id. */
  status(id: string): Promise<RegistrationWorkflowStatus | null>;
}
