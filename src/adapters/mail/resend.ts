// Resend over its REST API (https://resend.com/docs/api-reference). We call the API with fetch rather
// than the SDK: the SDK has no per-request AbortSignal and hides the Retry-After we need to honour,
// and plain fetch keeps the Worker bundle small.
import { trace } from '@opentelemetry/api';
import {
  type BatchItemResult,
  type EmailMessage,
  MailError,
  type MailErrorKind,
  type Mailer,
  type SendOptions,
} from '../../ports/mailer.js';
import { USER_AGENT } from '../../version.js';
import { fetchPost, type HttpAnswer, type HttpPost, timedOut } from './http-post.js';

export interface ResendOptions {
  apiKey: string;
  /** `RESEND_BASE_URL`, without a trailing slash. */
  baseUrl: string;
  /** The HTTP client: the runtime's fetch by default; Node passes a cheaper one (runtime/node/provider-post.ts). */
  post?: HttpPost;
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
  if (ACCOUNT_WIDE.has(name) || name === EDGE_REFUSED) return 'account';
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
export function retryAfterMs(headers: HttpAnswer['headers'], status = 429, now = Date.now()): number | undefined {
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

/** The API's own error answers are always JSON; a non-JSON 401/403 comes from the edge in front of it. */
const EDGE_REFUSED = 'edge_refused';

async function errorBody(response: HttpAnswer): Promise<{ name: string; message: string }> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { name?: unknown; message?: unknown };
    return {
      name: typeof body.name === 'string' ? body.name : 'application_error',
      message: typeof body.message === 'string' ? body.message : `HTTP ${response.status}`,
    };
  } catch {
    // E.g. 403 "error code: 1010": Cloudflare refused the request itself (no User-Agent, a blocked
    // address). Every send would meet the same refusal: a configuration failure, not this email's.
    if (response.status === 401 || response.status === 403) {
      return { name: EDGE_REFUSED, message: `HTTP ${response.status} from the provider's edge: ${text.slice(0, 60)}` };
    }
    return { name: 'application_error', message: `HTTP ${response.status}` };
  }
}

/** The message as Resend's API takes it: the same fields in the same order for a single send and a batch. */
function resendEmail(message: EmailMessage) {
  return { from: message.from, to: [message.to], subject: message.subject, html: message.html, text: message.text };
}

/**
 * POST `path` with `body`: the parsed JSON of a 2xx answer, or a MailError (with the status when the
 * provider answered; without one when the outcome is unknown).
 */
async function post(
  options: ResendOptions,
  path: string,
  body: unknown,
  { idempotencyKey, signal, timeoutMs }: SendOptions,
  extraHeaders: Record<string, string> = {},
): Promise<unknown> {
  const httpPost = options.post ?? fetchPost;
  let response: HttpAnswer;
  try {
    response = await httpPost(`${options.baseUrl}${path}`, {
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        'content-type': 'application/json',
        // workerd's fetch sends no User-Agent, and Resend's edge refuses such requests.
        'user-agent': USER_AGENT,
        'idempotency-key': idempotencyKey,
        ...extraHeaders,
      },
      body: JSON.stringify(body),
      signal,
      timeoutMs,
    });
    // The provider's answer on the send's span (tracedMailer's), when tracing is on.
    trace.getActiveSpan()?.setAttribute('http.response.status_code', response.status);
    if (response.status >= 200 && response.status < 300) return JSON.parse(await response.text());
  } catch (error) {
    if (error instanceof MailError) throw error;
    // The outcome is unknown (the provider may have accepted it): retrying with the same
    // Idempotency-Key is what makes that safe.
    const late = signal?.aborted === true || timedOut(error);
    throw new MailError('retryable', late ? 'timeout' : 'network_error', late ? 'send timed out' : 'network error', {
      cause: error,
    });
  }
  const { name, message: text } = await errorBody(response);
  throw new MailError(classifyResendError(response.status, name), name, text, {
    status: response.status,
    retryAfterMs: retryAfterMs(response.headers, response.status),
  });
}

/**
 * A permissive batch answer → one result per email: `data` holds the ids of the accepted emails in
 * order, `errors` the index and reason of each refused one.
 */
export function batchResults(count: number, body: unknown): BatchItemResult[] {
  const { data, errors } = (body ?? {}) as { data?: unknown; errors?: unknown };
  if (!Array.isArray(data)) throw new MailError('retryable', 'bad_response', 'Resend answered a batch without data');
  const refused = new Map<number, string>();
  for (const e of Array.isArray(errors) ? errors : []) {
    const { index, message } = (e ?? {}) as { index?: unknown; message?: unknown };
    if (typeof index === 'number') refused.set(index, typeof message === 'string' ? message : 'refused');
  }
  const ids = data.map((d) => (d as { id?: unknown } | null)?.id);
  if (ids.length + refused.size !== count || !ids.every((id) => typeof id === 'string')) {
    throw new MailError('retryable', 'bad_response', 'Resend answered a batch with the wrong number of results');
  }
  let next = 0;
  return Array.from({ length: count }, (_, index) => {
    const reason = refused.get(index);
    if (reason !== undefined) {
      return { error: new MailError('permanent', 'validation_error', reason.slice(0, 200), { status: 200 }) };
    }
    return { id: ids[next++] as string };
  });
}

export function createResendMailer(options: ResendOptions): Mailer {
  return {
    async send(message, sendOptions) {
      const body = (await post(options, '/emails', resendEmail(message), sendOptions)) as { id?: unknown };
      if (typeof body?.id !== 'string')
        throw new MailError('retryable', 'bad_response', 'Resend answered without an id');
      return { id: body.id };
    },
    async sendBatch(messages, sendOptions) {
      // Permissive: an email Resend refuses on its own (a bad address) does not hold back the others,
      // and comes back as an error for that email alone — its task is dead-lettered, the others succeed.
      const body = await post(options, '/emails/batch', messages.map(resendEmail), sendOptions, {
        'x-batch-validation': 'permissive',
      });
      return batchResults(messages.length, body);
    },
  };
}
