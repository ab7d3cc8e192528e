// The mailer when no provider is configured and dev mode is off (a Worker whose RESEND_API_KEY was
// forgotten). Nothing is sent and nothing is pretended: the outbox engine holds its tasks (they wait
// for a redeploy with the key), and a direct send (a strategy route) fails as delivery paused.
import type { Mailer } from '../../ports/mailer.js';
import { PauseDeliveryError } from '../../tasks/errors.js';

export const NO_PROVIDER = 'no_provider';

export function createNoProviderMailer(): Mailer {
  return {
    async send() {
      throw new PauseDeliveryError(NO_PROVIDER);
    },
    async sendBatch() {
      throw new PauseDeliveryError(NO_PROVIDER);
    },
  };
}
