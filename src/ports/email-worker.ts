// The email Worker as the API Worker calls it over its Service Binding (EMAIL): one RPC method that
// sends one email through the email Worker's own mailer (src/runtime/workers/email/main.ts).
import type { EmailMessage } from '../domain/email-layout.js';

export interface EmailWorker {
  /** Resolves with the provider's message id once the provider accepted the email. */
  send(email: EmailMessage, idempotencyKey: string): Promise<{ id: string }>;
}
