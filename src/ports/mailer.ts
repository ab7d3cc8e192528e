// The Mailer port: the core sends mail through this, never through a vendor SDK.
import { type EmailMessage, emailMessageSchema } from '../domain/email-layout.js';

export { type EmailMessage, emailMessageSchema };

export interface SendOptions {
  /** Sent as `Idempotency-Key`: the same key on every attempt, so a retry can never send twice. */
  idempotencyKey: string;
  /** Aborts the send (attempt timeout, shutdown). */
  signal?: AbortSignal;
  /**
   * Gives up after this long: a retryable `timeout`. For a send nothing else aborts, it is cheaper
   * than a signal (no AbortController and listeners per send).
   */
  timeoutMs?: number;
}

/** One email of a batch: accepted (the provider's id) or refused on its own (the batch's other emails went). */
export type BatchItemResult = { id: string } | { error: MailError };

export interface Mailer {
  /** Resolves with the provider's message id once the provider accepted the message. */
  send(message: EmailMessage, options: SendOptions): Promise<{ id: string }>;
  /**
   * Sends 1–100 messages as ONE provider request (Resend's POST /emails/batch), `idempotencyKey` being
   * the batch id. Resolves with one result per message, in order; an email the provider refused on its
   * own (permissive validation) is an `error` there while the others were sent. Throws a MailError when
   * the request as a whole failed — with a `status` when the provider answered (nothing was sent), with
   * none when the outcome is unknown (timeout, dropped connection).
   */
  sendBatch(messages: EmailMessage[], options: SendOptions): Promise<BatchItemResult[]>;
}

/**
 * What the task engine does with a failure:
 * - `retryable`: try again later (network error, timeout, 429, 5xx, concurrent idempotent request);
 * - `permanent`: retrying cannot help this message (validation, idempotency key reused): dead letter;
 * - `account`: nothing can be sent by anyone (bad key, quota): pause delivery, burn no attempts.
 */
export type MailErrorKind = 'retryable' | 'permanent' | 'account';

export class MailError extends Error {
  override name = 'MailError';
  readonly kind: MailErrorKind;
  /** Provider's error name (e.g. `rate_limit_exceeded`) or our own (`timeout`, `network_error`). */
  readonly code: string;
  readonly status: number | undefined;
  /** From `retry-after` / `ratelimit-reset`, when the provider said when to come back. */
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: MailErrorKind,
    code: string,
    message: string,
    options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.kind = kind;
    this.code = code;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}
