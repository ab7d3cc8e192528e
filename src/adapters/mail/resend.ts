// Resend over its REST API (https://resend.com/docs/api-reference). We call the API with fetch rather
// than the SDK: the SDK has no per-request AbortSignal and hides the Retry-After we need to honour,
// and plain fetch keeps the Worker bundle small.
import { trace } from '@opentelemetry/api';
import { MailError, type MailErrorKind, type Mailer } from '../../ports/mailer.js';

export interface ResendOptions {
  apiKey: string;
  /** `RESEND_BASE_URL`, without a trailing slash. */
  baseUrl: string;
  fetch?: typeof fetch;
}

const ACCOUNT_WIDE = new Set([
  'missing_api_key',
  'restricted_api_key',
  'invalid_api_key',
  'suspended_api_key',
  'invalid_permission',
  'email_above_quota',
  'daily_quota_exceeded',
  'monthly_quota_exceeded',
]);

/** What to do about an error answer from Resend (docs/design.md: The outbox, classification). */
export function classifyResendError(status: number, name: string): MailErrorKind {
  if (ACCOUNT_WIDE.has(name)) return 'account';
  if (name === 'concurrent_idempotent_requests' || name === 'resource_locked') return 'retryable';
  if (name === 'invalid_idempotent_request') return 'permanent';
  if (status === 429 || status >= 500) return 'retryable';
  if (status === 401 || status === 404 || status === 405) return 'account'; // wrong key or base URL
  return 'permanent';
}

/**
 * `retry-after` (seconds or an HTTP date), else — on a 429 only, since Resend sends the rate-limit
 * headers on every response — `ratelimit-reset` (seconds).
 */
export function retryAfterMs(headers: Headers, status = 429, now = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  if (status !== 429) return undefined;
  const reset = Number(headers.get('ratelimit-reset'));
  return headers.get('ratelimit-reset') && Number.isFinite(reset) && reset >= 0 ? reset * 1000 : undefined;
}

async function errorBody(response: Response): Promise<{ name: string; message: string }> {
  try {
    const body = (await response.json()) as { name?: unknown; message?: unknown };
    return {
      name: typeof body.name === 'string' ? body.name : 'application_error',
      message: typeof body.message === 'string' ? body.message : response.statusText,
    };
  } catch {
    return { name: 'application_error', message: `HTTP ${response.status}` };
  }
}

export function createResendMailer(options: ResendOptions): Mailer {
  const doFetch = options.fetch ?? fetch;
  return {
    async send(message, { idempotencyKey, signal }) {
      let response: Response;
      try {
        response = await doFetch(`${options.baseUrl}/emails`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${options.apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': idempotencyKey,
          },
          body: JSON.stringify({
            from: message.from,
            to: [message.to],
            subject: message.subject,
            html: message.html,
            text: message.text,
          }),
          signal,
        });
        // The provider's answer on the send's span (tracedMailer's), when tracing is on.
        trace.getActiveSpan()?.setAttribute('http.response.status_code', response.status);
        if (response.ok) {
          const body = (await response.json()) as { id?: unknown };
          if (typeof body.id !== 'string')
            throw new MailError('retryable', 'bad_response', 'Resend answered without an id');
          return { id: body.id };
        }
      } catch (error) {
        if (error instanceof MailError) throw error;
        // The outcome is unknown (the provider may have accepted it): retrying with the same
        // Idempotency-Key is what makes that safe.
        const timedOut = signal?.aborted === true;
        throw new MailError(
          'retryable',
          timedOut ? 'timeout' : 'network_error',
          timedOut ? 'send timed out' : 'network error',
          { cause: error },
        );
      }
      const { name, message: text } = await errorBody(response);
      throw new MailError(classifyResendError(response.status, name), name, text, {
        status: response.status,
        retryAfterMs: retryAfterMs(response.headers, response.status),
      });
    },
  };
}
