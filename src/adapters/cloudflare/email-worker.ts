// The EmailWorker port over the Service Binding to the email Worker's RPC entrypoint (EMAIL →
// `EmailService`, src/runtime/workers/email/main.ts).
import type { EmailMessage } from '../../domain/confirmation-email.js';
import type { EmailWorker } from '../../ports/email-worker.js';

/** The part of the binding used here: the entrypoint's RPC method. */
export interface EmailServiceBinding {
  send(email: EmailMessage, idempotencyKey: string): Promise<{ id: string }>;
}

export function serviceBindingEmailWorker(binding: unknown): EmailWorker {
  const service = binding as EmailServiceBinding;
  return { send: (email, idempotencyKey) => service.send(email, idempotencyKey) };
}
