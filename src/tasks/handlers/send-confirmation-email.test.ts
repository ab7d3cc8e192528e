// The handler reads its payload through the kind's schema: what the mailer gets is a checked
// EmailMessage, and a payload that is not one never reaches the mailer.
import { describe, expect, it } from 'vitest';
import type { EmailMessage, Mailer, SendOptions } from '../../ports/mailer.js';
import { PermanentError } from '../errors.js';
import { sendConfirmationEmail } from './send-confirmation-email.js';

const message: EmailMessage = {
  from: 'Riverside Marathon <race@example.com>',
  to: 'ada@example.com',
  subject: "You're registered",
  html: '<p>Hi Ada</p>',
  text: 'Hi Ada',
};

function recordingMailer() {
  const sent: [EmailMessage, SendOptions][] = [];
  const mailer: Mailer = {
    async send(m, options) {
      sent.push([m, options]);
      return { id: 'provider-id' };
    },
    async sendBatch() {
      throw new Error('not used here');
    },
  };
  return { mailer, sent };
}

const context = { taskId: 'task-1', attempt: 1, signal: new AbortController().signal };

describe('send-confirmation-email', () => {
  it('sends the stored message, keyed by the task id', async () => {
    const { mailer, sent } = recordingMailer();
    expect(await sendConfirmationEmail(mailer)(message, context)).toEqual({ id: 'provider-id' });
    expect(sent).toEqual([[message, { idempotencyKey: 'task-1', signal: context.signal }]]);
  });

  it.each([
    ['not an object', 'hello', 'invalid payload ((payload): invalid_type)'],
    ['a field missing', { ...message, html: undefined }, 'invalid payload (html: invalid_type)'],
    ['a field of another type', { ...message, to: ['ada@example.com'] }, 'invalid payload (to: invalid_type)'],
  ])('%s: a permanent error naming the field, and nothing sent', async (_, payload, reason) => {
    const { mailer, sent } = recordingMailer();
    const attempt = sendConfirmationEmail(mailer)(payload, context);
    await expect(attempt).rejects.toBeInstanceOf(PermanentError);
    await expect(attempt).rejects.toThrow(reason);
    expect(sent).toEqual([]);
  });
});
