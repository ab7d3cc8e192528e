// The mailer when no provider is configured and dev mode is off (a Worker whose RESEND_API_KEY was
// forgotten). Nothing is sent and nothing is pretended: every send fails with the port's account-wide
// error (`MailError` of kind `account`, code `no_provider`), which says that nobody can send anything
// until the configuration changes. The outbox engine holds its tasks anyway (they wait for a redeploy
// with the key; a handler would make this error a pause), and a direct send (a strategy route) fails.
import { MailError, type Mailer } from '../../ports/mailer.js';

export const NO_PROVIDER = 'no_provider';

function noProvider(): MailError {
  return new MailError('account', NO_PROVIDER, 'no email provider is configured (RESEND_API_KEY is not set)');
}

export function createNoProviderMailer(): Mailer {
  return {
    async send() {
      throw noProvider();
    },
    async sendBatch() {
      throw noProvider();
    },
  };
}
