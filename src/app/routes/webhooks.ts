// POST /api/webhooks/resend: Resend's delivery events (email.sent, email.delivered, email.bounced, …),
// signed the Standard Webhooks way. Mounted only when RESEND_WEBHOOK_SECRET is set (otherwise the path
// is a 404 like any unknown one). Order of work: size limit (413), raw bytes, signature and timestamp
// (401) — nothing is parsed or written before that — then strict JSON (400 `invalid_json`), then the
// event is stored once per `svix-id` (a redelivery is a 200 that adds nothing) and answered at once.
// Every verified event is stored, whatever its type; the confirmation's delivery is read from them
// (GET /api/registrations/:id, `email.delivery`); acting on them otherwise is a later step's.
import { Hono } from 'hono';
import { normalizeRecipient } from '../../domain/registration.js';
import { limitBodyTo, readingBody } from '../body/json-body.js';
import { findDuplicateKey, nestsDeeperThan } from '../body/strict-json.js';
import type { AppDeps } from '../deps.js';
import { ApiError, apiErrors } from '../errors.js';
import { verifyWebhook, webhookKeys } from '../webhooks/verify-signature.js';

export const WEBHOOK_PATH = '/api/webhooks/resend';
/** Resend's events are a few KiB; a bounce with a long diagnostic stays far below this. */
export const WEBHOOK_BODY_LIMIT_BYTES = 64 * 1024;

export type WebhookRouteDeps = Pick<AppDeps, 'logger'> & { secrets: readonly string[] };

const unauthorized = (message: string) => new ApiError(401, 'unauthorized', message);
const MESSAGES = {
  missing_headers: 'svix-id, svix-timestamp and svix-signature headers are required',
  bad_timestamp: 'svix-timestamp must be a time in seconds',
  old_timestamp: 'svix-timestamp is more than 5 minutes away from our clock',
  bad_signature: 'no svix-signature entry matches this request',
} as const;

/** Resend's events nest four levels; far deeper is no event, and recursive consumers could not take it. */
const MAX_DEPTH = 32;
/** 10000-01-01: later `created_at` values are kept as no time. */
const LATEST_EVENT_TIME = Date.UTC(10_000, 0, 1);

// Stateless between calls: one decoder serves every request.
const UTF8 = new TextDecoder('utf-8', { fatal: true });
// PostgreSQL's jsonb takes neither U+0000 nor a lone surrogate: both are escapes in JSON.stringify's
// output (an escaped backslash before them does not count).
const UNSTORABLE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

function parseEvent(bytes: Uint8Array<ArrayBuffer>) {
  let value: unknown;
  let text: string;
  try {
    text = UTF8.decode(bytes);
    value = JSON.parse(text);
  } catch {
    throw apiErrors.invalidJson();
  }
  if (findDuplicateKey(text) !== undefined) throw new ApiError(400, 'invalid_json', 'duplicate key in JSON object');
  if (nestsDeeperThan(text, MAX_DEPTH)) {
    throw new ApiError(400, 'invalid_json', `JSON nested deeper than ${MAX_DEPTH} levels`);
  }
  if (UNSTORABLE.test(JSON.stringify(value))) {
    throw new ApiError(400, 'invalid_json', 'body has a \\u0000 or a lone surrogate');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw apiErrors.validationFailed([{ path: '', message: 'must be an event object' }]);
  }
  const event = value as Record<string, unknown>;
  if (typeof event.type !== 'string' || event.type.length === 0 || event.type.length > 100) {
    throw apiErrors.validationFailed([{ path: 'type', message: 'must be a string of 1 to 100 characters' }]);
  }
  const data = typeof event.data === 'object' && event.data !== null ? (event.data as Record<string, unknown>) : {};
  const emailId = typeof data.email_id === 'string' && data.email_id.length <= 256 ? data.email_id : null;
  const created = typeof event.created_at === 'string' ? new Date(event.created_at) : undefined;
  // A time PostgreSQL can store and that could be an event's (JavaScript's dates reach further).
  const createdAt = created && created.getTime() >= 0 && created.getTime() < LATEST_EVENT_TIME ? created : null;
  return { type: event.type, emailId, createdAt, payload: value, suppress: suppressionOf(event.type, data) };
}

const SUPPRESSING: Record<string, 'bounced' | 'complained' | 'suppressed'> = {
  'email.bounced': 'bounced',
  'email.complained': 'complained',
  'email.suppressed': 'suppressed',
};

/**
 * The addresses an event makes unreachable: those of a bounce (Resend reports only permanent ones as
 * `email.bounced`; one that says `Transient` all the same is not taken for one), a complaint, or a
 * suppression — the provider drops later sends to them anyway. Normalized as registrations are.
 */
function suppressionOf(type: string, data: Record<string, unknown>) {
  const reason = SUPPRESSING[type];
  if (!reason) return undefined;
  const bounce = data.bounce as { type?: unknown } | undefined;
  if (reason === 'bounced' && typeof bounce?.type === 'string' && /^transient$/i.test(bounce.type)) return undefined;
  const to = typeof data.to === 'string' ? [data.to] : Array.isArray(data.to) ? data.to : [];
  const addresses = to
    .filter((a): a is string => typeof a === 'string' && a.length <= 320)
    .map(normalizeRecipient)
    .filter((a) => a.includes('@'))
    .slice(0, 50);
  return addresses.length > 0 ? { reason, addresses } : undefined;
}

export function webhookRoutes(deps: WebhookRouteDeps) {
  const app = new Hono();
  // Imported on first use (once per process or isolate), not while the module loads.
  let keys: Promise<CryptoKey[]> | undefined;
  app.post(WEBHOOK_PATH, limitBodyTo(WEBHOOK_BODY_LIMIT_BYTES), async (c) => {
    const bytes = new Uint8Array(await readingBody(() => c.req.arrayBuffer()));
    if (bytes.byteLength > WEBHOOK_BODY_LIMIT_BYTES) throw apiErrors.payloadTooLarge(WEBHOOK_BODY_LIMIT_BYTES);
    keys ??= webhookKeys(deps.secrets);
    const verdict = await verifyWebhook(
      await keys,
      {
        id: c.req.header('svix-id'),
        timestamp: c.req.header('svix-timestamp'),
        signature: c.req.header('svix-signature'),
      },
      bytes,
      Date.now(),
    );
    if (!verdict.ok) {
      deps.logger.warn('webhook.refused', { reason: verdict.reason });
      throw unauthorized(MESSAGES[verdict.reason]);
    }
    const event = parseEvent(bytes);
    const { store } = c.get('services');
    const stored = await store.saveEmailEvent({ svixId: verdict.id, ...event });
    // Which of our emails it is about: the task that sent it (its result is the provider's id). An
    // event for an email we do not know is stored all the same, and logged.
    const task = stored && event.emailId ? await store.findEmailTask(event.emailId) : null;
    deps.logger.info('webhook.event', {
      type: event.type,
      stored,
      ...(task ? { taskId: task.taskId, kind: task.kind, registrationId: task.registrationId } : {}),
    });
    if (stored && event.emailId && !task) deps.logger.warn('webhook.unknown_email', { type: event.type });
    return c.json({ received: true, duplicate: !stored }, 200);
  });
  return app;
}
