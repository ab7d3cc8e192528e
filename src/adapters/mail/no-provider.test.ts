// Without a provider every send fails with the mailer port's own account-wide error, which the email
// kinds turn into a pause of delivery (the engine's PauseDeliveryError), whatever the batch.
import { describe, expect, it } from 'vitest';
import { MailError } from '../../ports/mailer.js';
import { PauseDeliveryError } from '../../tasks/errors.js';
import { sendConfirmationEmail } from '../../tasks/kinds/send-confirmation-email.js';
import { createNoProviderMailer, NO_PROVIDER } from './no-provider.js';

const message = { from: 'race@example.com', to: 'ada@example.com', subject: 'In', html: '<p>In</p>', text: 'In' };

describe('the mailer without a provider', () => {
  it('fails every send, one or a batch, with MailError account/no_provider', async () => {
    const mailer = createNoProviderMailer();
    for (const send of [
      () => mailer.send(message, { idempotencyKey: 'k' }),
      () => mailer.sendBatch([message], { idempotencyKey: 'k' }),
    ]) {
      const error = await send().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailError);
      expect(error).toMatchObject({ kind: 'account', code: NO_PROVIDER, status: undefined });
    }
  });

  it('pauses delivery when an email kind meets it (it carries no status, yet is no unknown outcome)', async () => {
    const context = { batchId: 'batch-1', taskIds: ['task-1'], signal: new AbortController().signal };
    const kind = sendConfirmationEmail({ mailer: createNoProviderMailer() });
    const error = await kind.send([message], context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PauseDeliveryError);
    expect((error as PauseDeliveryError).message).toBe(NO_PROVIDER);
  });
});
