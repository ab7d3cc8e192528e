// The email kinds' send: the stored messages as ONE provider batch under the batch id, each email's
// own refusal a permanent error of its task alone, and a failure of the whole request told apart by
// whether the provider answered (nothing was sent) or not (unknown: the batch is re-sent as it was).
// The mailer here is a recording port; the Resend adapter itself is tested against the stand-in.
import { describe, expect, it } from 'vitest';
import {
  type BatchItemResult,
  type EmailMessage,
  MailError,
  type Mailer,
  type SendOptions,
} from '../../ports/mailer.js';
import { AnsweredError, PauseDeliveryError, PermanentError, RateLimitedError } from '../errors.js';
import { sendConfirmationEmail } from './send-confirmation-email.js';
import { REMINDER_PRIORITY, sendReminderEmail } from './send-reminder-email.js';

const message = (to: string): EmailMessage => ({
  from: 'Riverside Marathon <race@example.com>',
  to,
  subject: "You're registered",
  html: '<p>Hi</p>',
  text: 'Hi',
});

function mailerAnswering(answer: () => BatchItemResult[]) {
  const calls: [EmailMessage[], SendOptions][] = [];
  const mailer: Mailer = {
    async send() {
      throw new Error('email kinds send batches');
    },
    async sendBatch(messages, options) {
      calls.push([messages, options]);
      return answer();
    },
  };
  return { mailer, calls };
}

const context = { batchId: 'batch-1', taskIds: ['t1', 't2'], signal: new AbortController().signal };

describe('email kinds', () => {
  it('send the stored messages as one batch keyed by the batch id; a refused email fails alone', async () => {
    const refusal = new MailError('permanent', 'validation_error', 'Invalid `to` field.', { status: 422 });
    const { mailer, calls } = mailerAnswering(() => [{ id: 'p-1' }, { error: refusal }]);
    const kind = sendConfirmationEmail({ mailer });
    const outcomes = await kind.send([message('a@example.com'), message('b@example.com')], context);
    expect(calls).toEqual([
      [[message('a@example.com'), message('b@example.com')], { idempotencyKey: 'batch-1', signal: context.signal }],
    ]);
    expect(outcomes[0]).toEqual({ ok: true, result: { id: 'p-1' } });
    expect(outcomes[1]).toMatchObject({ ok: false, error: expect.any(PermanentError) });
  });

  it.each([
    ['no answer (timeout): unknown, the MailError itself', new MailError('retryable', 'timeout', 't'), MailError],
    [
      'the first request still in flight: unknown',
      new MailError('retryable', 'concurrent_idempotent_requests', 'c', { status: 409 }),
      MailError,
    ],
    [
      'a 5xx answer: nothing was sent',
      new MailError('retryable', 'application_error', 'e', { status: 500 }),
      AnsweredError,
    ],
    [
      'a 429: slow everyone down',
      new MailError('retryable', 'rate_limit_exceeded', 'r', { status: 429 }),
      RateLimitedError,
    ],
    [
      'a 422 for the whole request: permanent',
      new MailError('permanent', 'validation_error', 'v', { status: 422 }),
      PermanentError,
    ],
    [
      'an account-wide failure, answered or not: pause',
      new MailError('account', 'no_provider', 'n'),
      PauseDeliveryError,
    ],
  ])('%s', async (_, failure, expected) => {
    const { mailer } = mailerAnswering(() => {
      throw failure;
    });
    const error = await sendReminderEmail({ mailer })
      .send([message('a@example.com')], context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(expected);
  });

  it('confirmations go before reminders', () => {
    const { mailer } = mailerAnswering(() => []);
    expect(sendConfirmationEmail({ mailer }).priority).toBe(0);
    expect(sendReminderEmail({ mailer }).priority).toBe(REMINDER_PRIORITY);
    expect(REMINDER_PRIORITY).toBeGreaterThan(0);
  });
});
