// A local stand-in for Resend's REST API (as documented at https://resend.com/docs/api-reference), because the
// real Resend cannot be reached from tests or benchmarks. It behaves as Resend documents:
//
//   POST /emails, POST /emails/batch (1–100), GET /emails/:id, Bearer auth, JSON error bodies
//   `{ statusCode, name, message }`, Idempotency-Key (1–256 chars, remembered 24 h), `ratelimit-*`
//   headers on every response and an optional own rate limit (429 + `retry-after`).
//
// On top of that it can misbehave on purpose (latency, a gate, 500, 429, hangs, "accepted then the
// connection dropped") and it counts what it accepted, so tests can prove "exactly once" and "nothing lost".
//
// Life of a POST send: auth → rate limit → key + body + payload checks → idempotency (replay or 409)
// → the key is in flight → fault chosen → gate → latency → fault applied, or accepted and answered.
// Replays of a stored idempotent response and request errors skip faults and the gate, not latency.
// Batches: `x-batch-validation: strict` (the default) refuses the whole batch (422) when one email is
// invalid; `permissive` sends the valid ones and answers `{ data: [ids of the valid ones, in order],
// errors: [{ index, message }] }` (the header is part of the idempotent request's fingerprint).
//
// Webhooks (Resend's delivery events, signed the Svix way by tools/webhook-signer.ts): every email it
// accepts (not a replay) produces `email.sent`, then `email.delivered` — or `email.bounced` (a
// Permanent/General bounce) for an address of `bounceFor`, or `email.delivered` then
// `email.complained` for one of `complainFor`. As at Resend, a hard bounce or a complaint puts the
// address on the stand-in's suppression list: a later email to it is still accepted (200, an id) but
// produces `email.suppressed` (`data.suppressed.type` `hard_bounce` or `complaint`) instead of delivered.
// Resend's test addresses behave as documented, `+label` forms included: `delivered@resend.dev` is
// delivered, `bounced@resend.dev` bounces, `complained@resend.dev` complains — every time (they are
// never suppressed, so a test can use them again). Each event has its own svix-id (`msg_…`) and one
// body for every delivery of it. Delivery (setWebhooks / the `webhooks` option, the full endpoint URL):
// `auto` POSTs the events in order shortly after acceptance; otherwise they wait in an outbox until
// `flushWebhooks`, which can shuffle them and deliver a share twice (same svix-id and body, a new
// timestamp and signature, as a Svix redelivery). A POST answered non-2xx or failing at network level
// is retried WEBHOOK_RETRIES times after a short delay, and counted (webhookDeliveries).
//
// Not modelled: attachments content, quotas, scheduled delivery, opens and clicks, delayed delivery.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { webhookHeaders } from './webhook-signer.js';

export type FaultName = 'error500' | 'rateLimit429' | 'hang' | 'acceptThenDrop';
/** Probability in [0, 1] of each fault per POST send; missing = 0. */
export type Faults = Partial<Record<FaultName, number>>;
/** A fault forced by `failNext`; the object form answers a permanent error (e.g. 422) and accepts nothing. */
/** `edgeRefused`: the edge's own 403 ("error code: 1010", not JSON), as for a request it blocks. */
export type ForcedFault = FaultName | 'edgeRefused' | { status: number; name: string; message?: string };

export interface AcceptedEmail {
  id: string;
  /** Recipients as sent (a single string becomes a one-element list). */
  to: string[];
  from: string;
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
  tags: { name: string; value: string }[];
  idempotencyKey: string | null;
  /** The request's User-Agent (Resend's edge refuses requests without one). */
  userAgent: string;
  /** Milliseconds from the injected clock. */
  createdAt: number;
}

/**
 * One send request the stand-in accepted (replays of a stored idempotent response are not counted
 * again): how the caller batched its emails, which benchmarks report as batch sizes.
 */
export interface AcceptedRequest {
  /** POST /emails/batch (true) or POST /emails (false). */
  batch: boolean;
  /** Emails accepted with this request: 1 for /emails, 1–100 for a batch. */
  emails: number;
  idempotencyKey: string | null;
  /** Milliseconds from the injected clock. */
  at: number;
}

export interface Gate {
  /** Requests currently held by this gate. */
  waiting(): number;
  waitForHeld(n: number, timeoutMs?: number): Promise<void>;
  /** Lets every held and future request through and ends the hold. */
  release(): void;
}

export type WebhookEventType =
  | 'email.sent'
  | 'email.delivered'
  | 'email.bounced'
  | 'email.complained'
  | 'email.suppressed';

export interface WebhookConfig {
  /** The receiving endpoint in full, e.g. http://127.0.0.1:1234/api/webhooks/resend. */
  url: string;
  /** The `whsec_…` secret every delivery is signed with. */
  secret: string;
  /** POST each event, in order, shortly after its email is accepted; otherwise they wait for flushWebhooks. */
  auto?: boolean;
}

/** One event the stand-in produced (delivered or not yet). */
export interface WebhookEvent {
  /** `svix-id` (`msg_…`): the same on every delivery of this event. */
  svixId: string;
  type: WebhookEventType;
  /** The accepted email's id (`data.email_id`). */
  emailId: string;
  /** Its recipients' addresses (`data.to`). */
  to: string[];
  /** The exact JSON body every delivery of this event carries. */
  body: string;
}

export interface FlushWebhooksOptions {
  /** Share in [0, 1] of the events delivered a second time (same svix-id and body). */
  redeliverFraction?: number;
  /** Deliver in a random order rather than in the order the events were produced. */
  shuffle?: boolean;
  /** The draws of shuffle and redeliverFraction; Math.random by default. */
  random?: () => number;
  /** Deliveries in flight at once; 1 (one after the other) by default. */
  concurrency?: number;
}

export interface WebhookDeliveries {
  /** POSTs made, retries and redeliveries included. */
  posts: number;
  /** POSTs answered 2xx. */
  ok: number;
  /** POSTs answered non-2xx or failed at network level (each is retried, up to WEBHOOK_RETRIES times). */
  failed: number;
  /** Deliveries that still failed after every retry: their event was not received. */
  abandoned: number;
}

export interface ResendStandInOptions {
  apiKey?: string;
  latencyMs?: number;
  rateLimitPerSec?: number;
  now?: () => number;
  /** Where to POST the events; setWebhooks when the receiver's URL is only known later. */
  webhooks?: WebhookConfig;
}

export interface ResendStandIn {
  /** Base URL, e.g. http://127.0.0.1:54321 (no trailing slash). */
  url: string;
  apiKey: string;
  accepted(): AcceptedEmail[];
  acceptedCount(): number;
  /** Accepted emails whose `to` includes this address (case-insensitive, `Name <a@b>` allowed). */
  acceptedFor(recipient: string): number;
  acceptedForKey(key: string): number;
  /** POST sends received with this Idempotency-Key, whatever their outcome (a retry counts again). */
  requestsForKey(key: string): number;
  /** Every POST /emails and /emails/batch received, whatever its outcome. */
  requestCount(): number;
  /** requestCount() split by path. */
  requestCountByPath(): { emails: number; batch: number };
  /** Every accepted send request, in order, with how many emails it carried. */
  acceptedRequests(): AcceptedRequest[];
  /** Requests answered 429 by the stand-in's own rate limit (setRateLimit / rateLimitPerSec). */
  refusedByRateLimit(): number;
  /** Requests refused because they carried no User-Agent (403, a non-JSON body, as Resend's edge does). */
  refusedWithoutUserAgent(): number;
  waitForAccepted(n: number, timeoutMs?: number): Promise<void>;
  setLatency(ms: number): void;
  /** `undefined` turns the own rate limit off. */
  setRateLimit(perSec: number | undefined): void;
  setFaults(faults: Faults, options?: { random?: () => number }): void;
  failNext(n: number, fault: ForcedFault): void;
  /**
   * Refuses every email to these addresses as invalid (Resend's validation_error), as it would a bad
   * address: the whole request with strict batch validation, that email alone with permissive.
   */
  refuseRecipients(addresses: string[]): void;
  hold(): Gate;
  /** Where events go from now on (`undefined`: nowhere; they stay in the outbox). */
  setWebhooks(config: WebhookConfig | undefined): void;
  /** Emails to these addresses bounce (hard), which suppresses them; replaces the previous list. */
  bounceFor(addresses: string[]): void;
  /** Emails to these addresses are delivered then complained about, which suppresses them; replaces the list. */
  complainFor(addresses: string[]): void;
  /** Every event produced since the start or reset(), in order, delivered or not. */
  webhookEvents(): WebhookEvent[];
  /** Events waiting in the outbox for flushWebhooks (or for auto delivery). */
  pendingWebhooks(): number;
  webhookDeliveries(): WebhookDeliveries;
  /**
   * Delivers every event in the outbox; resolves when each was answered 2xx or abandoned after its
   * retries. Rejects without setWebhooks.
   */
  flushWebhooks(options?: FlushWebhooksOptions): Promise<void>;
  /** Resolves once the outbox is empty and no delivery is in flight (auto mode); rejects after timeoutMs. */
  waitForWebhooks(timeoutMs?: number): Promise<void>;
  /**
   * Clears emails, keys, counters, faults, latency, the gate, and the webhook events, outbox, counts,
   * bounce and complaint lists and suppression list; requests and deliveries in progress are dropped.
   * The webhook endpoint (setWebhooks) stays, as the API key does.
   */
  reset(): void;
  close(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const FAULT_ORDER: readonly FaultName[] = ['error500', 'rateLimit429', 'hang', 'acceptThenDrop'];
const MAX_RECIPIENTS = 50;
const MAX_BATCH = 100;
// What the `ratelimit-limit` header reports when the own limit is off (nothing is enforced then).
const REPORTED_LIMIT_WHEN_OFF = 1000;

/** An answer in Resend's error envelope; thrown anywhere in a handler, written by one place. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  body() {
    return { statusCode: this.status, name: this.code, message: this.message };
  }
}

const asApiError = (err: unknown) =>
  err instanceof ApiError ? err : new ApiError(500, 'internal_server_error', `Stand-in bug: ${String(err)}`);
const missing = (field: string) => new ApiError(422, 'missing_required_field', `Missing \`${field}\` field.`);
const invalid = (message: string) => new ApiError(422, 'validation_error', message);
const rateLimited = (retryAfterSec: number) =>
  new ApiError(429, 'rate_limit_exceeded', 'Too many requests.', { 'retry-after': String(retryAfterSec) });

// ---------------------------------------------------------------- payload validation

type Draft = Omit<AcceptedEmail, 'id' | 'idempotencyKey' | 'userAgent' | 'createdAt'>;
type Body = Record<string, unknown>;

const BARE_ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const NAMED_ADDRESS = /^[^<>]*<([^<>]+)>$/;
const TAG_PART = /^[A-Za-z0-9_-]{1,256}$/;
const ADDRESS_FORMAT = 'needs to follow the `email@example.com` or `Name <email@example.com>` format';

/** `Name <a@b.c>` → `a@b.c`; a bare address is returned trimmed. */
function addressOf(value: string): string {
  return (NAMED_ADDRESS.exec(value.trim())?.[1] ?? value).trim();
}

const isAddress = (value: unknown) => typeof value === 'string' && BARE_ADDRESS.test(addressOf(value));
const absent = (value: unknown) => value === undefined || value === null;

/** `to`, `cc`, `bcc`, `reply_to`: one address or a list of at most 50. */
function addressList(body: Body, field: string, required: boolean): string[] {
  const value = body[field];
  const list = absent(value) ? [] : typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) throw invalid(`The \`${field}\` field must be a string or an array of strings.`);
  if (list.length === 0 && required) throw missing(field);
  if (list.length > MAX_RECIPIENTS)
    throw invalid(`The \`${field}\` field accepts at most ${MAX_RECIPIENTS} addresses.`);
  if (!list.every(isAddress)) throw invalid(`Invalid \`${field}\` field. The email address ${ADDRESS_FORMAT}.`);
  return list as string[];
}

function optionalString(body: Body, field: string): string | null {
  const value = body[field];
  if (absent(value)) return null;
  if (typeof value !== 'string') throw invalid(`The \`${field}\` field must be a string.`);
  return value;
}

function customHeaders(value: unknown): Record<string, string> {
  if (absent(value)) return {};
  if (
    typeof value !== 'object' ||
    Array.isArray(value) ||
    !Object.values(value as Body).every((v) => typeof v === 'string')
  ) {
    throw invalid('The `headers` field must be an object of string values.');
  }
  return { ...(value as Record<string, string>) };
}

function tags(value: unknown): { name: string; value: string }[] {
  if (absent(value)) return [];
  const part = (v: unknown) => typeof v === 'string' && TAG_PART.test(v);
  const valid = (t: Body | null) => part(t?.name) && part(t?.value);
  if (!Array.isArray(value) || !value.every(valid)) {
    throw invalid('Tag names and values may only contain ASCII letters, numbers, underscores or dashes (≤ 256).');
  }
  return value.map((t: { name: string; value: string }) => ({ name: t.name, value: t.value }));
}

function validateEmail(input: unknown, inBatch: boolean): Draft {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw invalid('The email must be an object.');
  const body = input as Body;
  if (absent(body.from)) throw missing('from');
  if (!isAddress(body.from)) throw invalid(`Invalid \`from\` field. The email address ${ADDRESS_FORMAT}.`);
  const to = addressList(body, 'to', true);
  if (absent(body.subject)) throw missing('subject');
  const subject = optionalString(body, 'subject') ?? '';
  const html = optionalString(body, 'html');
  const text = optionalString(body, 'text');
  if (html === null && text === null) throw new ApiError(422, 'missing_required_field', 'Missing `html` or `text`.');
  for (const field of ['cc', 'bcc', 'reply_to']) addressList(body, field, false);
  for (const field of ['attachments', 'scheduled_at']) {
    if (inBatch && body[field] !== undefined) throw invalid(`\`${field}\` is not supported in batch emails.`);
  }
  return {
    to,
    from: body.from as string,
    subject,
    html,
    text,
    headers: customHeaders(body.headers),
    tags: tags(body.tags),
  };
}

/** A batch's emails, each valid (a draft) or refused (its message); strict mode throws on the first refusal. */
function validateBatch(
  input: unknown,
  permissive: boolean,
  refused: (draft: Draft) => boolean,
): (Draft | { refused: string })[] {
  if (!Array.isArray(input)) throw invalid('The batch must be a JSON array of emails.');
  if (input.length < 1 || input.length > MAX_BATCH)
    throw invalid(`A batch must contain between 1 and ${MAX_BATCH} emails.`);
  return input.map((email, index) => {
    try {
      const draft = validateEmail(email, true);
      if (refused(draft)) throw invalid(`Invalid \`to\` field. The email address ${ADDRESS_FORMAT}.`);
      return draft;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (permissive) return { refused: err.message };
      throw new ApiError(err.status, err.code, `emails[${index}]: ${err.message}`);
    }
  });
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same payload for idempotency. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

// ---------------------------------------------------------------- idempotency keys

interface Reply {
  status: number;
  body: unknown;
}
type KeyEntry = { fingerprint: string; at: number; reply?: Reply };
const IN_PROGRESS = 'Same idempotency key used while the original request is still in progress.';
const OTHER_PAYLOAD = 'Same idempotency key used with a different request payload.';

class IdempotencyStore {
  private entries = new Map<string, KeyEntry>();
  constructor(private readonly now: () => number) {}

  /** The reply to replay, or a fresh in-flight entry owned by the caller; 409s are thrown. */
  begin(key: string, fingerprint: string): { replay: Reply } | { entry: KeyEntry } {
    const existing = this.entries.get(key);
    if (existing?.reply && this.now() - existing.at >= DAY_MS) this.entries.delete(key);
    else if (existing && !existing.reply) throw new ApiError(409, 'concurrent_idempotent_requests', IN_PROGRESS);
    else if (existing?.reply) {
      if (existing.fingerprint === fingerprint) return { replay: existing.reply };
      throw new ApiError(409, 'invalid_idempotent_request', OTHER_PAYLOAD);
    }
    const entry: KeyEntry = { fingerprint, at: this.now() };
    this.entries.set(key, entry);
    return { entry };
  }

  complete(entry: KeyEntry, reply: Reply): void {
    entry.reply = reply;
    entry.at = this.now(); // the 24 h start when the response exists
  }

  /** A failed request leaves no trace, so a retry with the same key can succeed. */
  abandon(key: string, entry: KeyEntry): void {
    if (this.entries.get(key) === entry && !entry.reply) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

function readIdempotencyKey(req: IncomingMessage): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || key.length < 1 || key.length > 256) {
    throw new ApiError(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.');
  }
  return key;
}

// ---------------------------------------------------------------- rate limit (fixed 1 s windows)

class RateWindow {
  private second = Number.NaN;
  private used = 0;
  /** Requests answered 429 by this limit. */
  refused = 0;
  constructor(
    private readonly now: () => number,
    public limit: number | undefined,
  ) {}

  private roll(): void {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.second) [this.second, this.used] = [second, 0];
  }

  private resetSeconds(): number {
    return Math.max(1, Math.ceil(((this.second + 1) * 1000 - this.now()) / 1000));
  }

  take(): void {
    this.roll();
    if (this.limit !== undefined && this.used >= this.limit) {
      this.refused++;
      throw rateLimited(this.resetSeconds());
    }
    this.used++;
  }

  headers(): Record<string, string> {
    this.roll();
    const limit = this.limit ?? REPORTED_LIMIT_WHEN_OFF;
    return {
      'ratelimit-limit': String(limit),
      'ratelimit-remaining': String(Math.max(0, limit - this.used)),
      'ratelimit-reset': String(this.resetSeconds()),
    };
  }
}

// ---------------------------------------------------------------- waiting helpers

/** Lets tests await a condition on the stand-in's state without polling. */
class Changes {
  private readonly checks = new Set<() => void>();

  notify(): void {
    for (const check of [...this.checks]) check();
  }

  /** Resolves once `ready()` holds, re-checked on every notify(); rejects after timeoutMs. */
  waitFor(ready: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (ready()) return resolve();
      const stop = () => {
        clearTimeout(timer);
        this.checks.delete(check);
      };
      const check = () => {
        if (!ready()) return;
        stop();
        resolve();
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`Resend stand-in: ${describe()} (waited ${timeoutMs} ms)`));
      }, timeoutMs);
      this.checks.add(check);
    });
  }
}

class HoldGate implements Gate {
  private held = 0;
  private open = false;
  private openNow = () => {};
  private readonly opened = new Promise<void>((resolve) => {
    this.openNow = resolve;
  });

  constructor(
    private readonly changes: Changes,
    private readonly onRelease: (gate: HoldGate) => void,
  ) {}

  async pass(): Promise<void> {
    if (this.open) return;
    this.held++;
    this.changes.notify();
    await this.opened;
  }

  waiting(): number {
    return this.open ? 0 : this.held;
  }

  waitForHeld(n: number, timeoutMs = 10_000): Promise<void> {
    const describe = () => `expected ${n} held requests, have ${this.waiting()}`;
    return this.changes.waitFor(() => this.waiting() >= n, timeoutMs, describe);
  }

  release(): void {
    if (this.open) return;
    this.open = true;
    this.openNow();
    this.onRelease(this);
    this.changes.notify();
  }
}

// ---------------------------------------------------------------- webhooks

/** Further POSTs of a delivery that failed (Svix retries too, over hours; here after a short delay). */
const WEBHOOK_RETRIES = 3;
const WEBHOOK_RETRY_DELAY_MS = 20;
/** A receiver that does not answer in this time has failed that POST (Svix waits 15 s). */
const WEBHOOK_TIMEOUT_MS = 5_000;
const TEST_ADDRESS = /^(delivered|bounced|complained)(?:\+[^@]*)?@resend\.dev$/i;
const BOUNCE = {
  type: 'Permanent',
  subType: 'General',
  message: "The recipient's email provider rejected the email permanently (stand-in: the address bounces).",
};
type Suppression = 'hard_bounce' | 'complaint';
const SUPPRESSED_MESSAGES: Record<Suppression, string> = {
  hard_bounce: 'The address is on the suppression list because it has a history of hard bounces.',
  complaint: 'The address is on the suppression list because its recipient marked an email as spam.',
};
type Outcome = [WebhookEventType, Body?][];

/** Fisher–Yates with the given draws, in place. */
function shuffleInPlace<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

/**
 * The webhook side of one stand-in's life (replaced by reset(), so deliveries still in flight from
 * before count into an object nobody reads): the events, the outbox, the outcomes' address lists.
 */
class Webhooks {
  readonly events: WebhookEvent[] = [];
  readonly counts: WebhookDeliveries = { posts: 0, ok: 0, failed: 0, abandoned: 0 };
  bouncing = new Set<string>();
  complaining = new Set<string>();
  private outbox: WebhookEvent[] = [];
  /** Deliveries taken from the outbox and not finished yet. */
  private busy = 0;
  private draining = false;
  private readonly suppressed = new Map<string, Suppression>();
  /** The last `svix-timestamp` each event was sent with: every later POST of it gets a later one. */
  private readonly lastTimestamp = new Map<string, number>();

  constructor(
    private readonly config: () => WebhookConfig | undefined,
    private readonly now: () => number,
    private readonly changes: Changes,
    private readonly signal: AbortSignal,
  ) {}

  pending = () => this.outbox.length;
  settled = () => this.outbox.length === 0 && this.busy === 0;

  /** The events an accepted email produces, in the order Resend would send them. */
  record(email: AcceptedEmail): void {
    for (const [type, extra] of this.outcome(email)) {
      const event = this.event(email, type, extra);
      this.events.push(event);
      this.outbox.push(event);
    }
    this.kick();
  }

  /** Suppression first (as Resend checks its list before sending), then a bounce, then a complaint. */
  private outcome(email: AcceptedEmail): Outcome {
    const recipients = email.to.map((to) => addressOf(to).toLowerCase());
    const testKind = (kind: string) => recipients.some((r) => TEST_ADDRESS.exec(r)?.[1]?.toLowerCase() === kind);
    const real = recipients.filter((r) => !TEST_ADDRESS.test(r));
    const suppression = real.map((r) => this.suppressed.get(r)).find((s) => s !== undefined);
    if (suppression) {
      const suppressed = { type: suppression, message: SUPPRESSED_MESSAGES[suppression] };
      return [['email.sent'], ['email.suppressed', { suppressed }]];
    }
    const bouncing = real.filter((r) => this.bouncing.has(r));
    if (bouncing.length > 0 || testKind('bounced')) {
      for (const r of bouncing) this.suppressed.set(r, 'hard_bounce');
      return [['email.sent'], ['email.bounced', { bounce: BOUNCE }]];
    }
    const complaining = real.filter((r) => this.complaining.has(r));
    for (const r of complaining) this.suppressed.set(r, 'complaint');
    const delivered: Outcome = [['email.sent'], ['email.delivered']];
    return complaining.length > 0 || testKind('complained') ? [...delivered, ['email.complained']] : delivered;
  }

  private event(email: AcceptedEmail, type: WebhookEventType, extra: Body = {}): WebhookEvent {
    const to = email.to.map(addressOf);
    const tags = email.tags.length > 0 ? { tags: Object.fromEntries(email.tags.map((t) => [t.name, t.value])) } : {};
    const payload = {
      type,
      created_at: new Date(this.now()).toISOString(),
      data: {
        email_id: email.id,
        created_at: new Date(email.createdAt).toISOString(),
        from: email.from,
        to,
        subject: email.subject,
        ...tags,
        ...extra,
      },
    };
    const svixId = `msg_${randomUUID().replaceAll('-', '')}`;
    return { svixId, type, emailId: email.id, to, body: JSON.stringify(payload) };
  }

  /** In auto mode, drains the outbox soon (not inside the send that produced the events). */
  kick(): void {
    if (this.draining || !this.config()?.auto) return;
    this.draining = true;
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    try {
      while (this.outbox.length > 0 && this.config()?.auto && !this.signal.aborted) {
        await this.deliverAll(this.outbox.splice(0), 1);
      }
    } finally {
      this.draining = false;
      this.changes.notify();
    }
  }

  /** Rejects (never throws) on a missing endpoint or a bad option. */
  async flush(options: FlushWebhooksOptions): Promise<void> {
    const { redeliverFraction = 0, shuffle = false, random = Math.random, concurrency = 1 } = options;
    if (!this.config()) throw new Error('Resend stand-in: flushWebhooks needs setWebhooks first');
    if (!(redeliverFraction >= 0 && redeliverFraction <= 1))
      throw new RangeError(`redeliverFraction must be in [0, 1], got ${redeliverFraction}`);
    if (!(Number.isInteger(concurrency) && concurrency >= 1))
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    const events = this.outbox.splice(0);
    const sends = [...events, ...events.filter(() => redeliverFraction > 0 && random() < redeliverFraction)];
    if (shuffle) shuffleInPlace(sends, random);
    await this.deliverAll(sends, concurrency);
  }

  /** At most `concurrency` deliveries in flight; resolves when each was answered 2xx or abandoned. */
  private async deliverAll(sends: WebhookEvent[], concurrency: number): Promise<void> {
    const config = this.config();
    if (!config) return;
    this.busy += sends.length; // in the same tick as the outbox was emptied: never "settled" in between
    let next = 0;
    const worker = async () => {
      for (let event = sends[next++]; event; event = sends[next++]) {
        try {
          await this.deliver(event, config);
        } finally {
          this.busy--;
          this.changes.notify();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, sends.length) }, worker));
  }

  private async deliver(event: WebhookEvent, config: WebhookConfig): Promise<void> {
    for (let attempt = 0; attempt <= WEBHOOK_RETRIES; attempt++) {
      if (attempt > 0)
        await delay(WEBHOOK_RETRY_DELAY_MS * attempt, undefined, { signal: this.signal }).catch(() => {});
      if (this.signal.aborted) return; // reset() or close(): dropped, not abandoned
      if (await this.post(event, config)) return;
    }
    this.counts.abandoned++;
  }

  /** One signed POST; true when answered 2xx. */
  private async post(event: WebhookEvent, config: WebhookConfig): Promise<boolean> {
    const timestamp = Math.max(Math.floor(Date.now() / 1000), (this.lastTimestamp.get(event.svixId) ?? 0) + 1);
    this.lastTimestamp.set(event.svixId, timestamp);
    this.counts.posts++;
    try {
      const res = await fetch(config.url, {
        method: 'POST',
        headers: {
          ...webhookHeaders(config.secret, event.svixId, event.body, timestamp),
          'user-agent': 'Svix-Webhooks',
        },
        body: event.body,
        signal: AbortSignal.any([this.signal, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]),
      });
      await res.arrayBuffer(); // read to the end, so the connection can be reused
      if (res.ok) {
        this.counts.ok++;
        return true;
      }
    } catch {
      if (this.signal.aborted) return false;
    }
    this.counts.failed++;
    return false;
  }
}

// ---------------------------------------------------------------- the server

class StandIn implements ResendStandIn {
  /** Every request in flight waits on this one signal: more than Node's default of 10 listeners is normal. */
  static newEpoch(): AbortController {
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    return controller;
  }

  url = '';
  private emails: AcceptedEmail[] = [];
  private byId = new Map<string, AcceptedEmail>();
  private requests = 0;
  private batchRequests = 0;
  private acceptedRequestLog: AcceptedRequest[] = [];
  private requestsByKey = new Map<string, number>();
  private withoutUserAgent = 0;
  private latencyMs: number;
  private faults: Faults = {};
  private random: () => number = Math.random;
  private forced: ForcedFault[] = [];
  private refusedRecipients = new Set<string>();
  private gate: HoldGate | undefined;
  private readonly changes = new Changes();
  private readonly keys: IdempotencyStore;
  private readonly rate: RateWindow;
  // Aborted by reset() and close(): wakes sleeping requests, which then drop their connection.
  private epoch = StandIn.newEpoch();
  private webhookConfig: WebhookConfig | undefined;
  private hooks: Webhooks;
  private readonly server = createServer((req, res) => void this.onRequest(req, res));

  constructor(
    readonly apiKey: string,
    private readonly now: () => number,
    options: ResendStandInOptions,
  ) {
    this.latencyMs = options.latencyMs ?? 0;
    this.keys = new IdempotencyStore(now);
    this.rate = new RateWindow(now, options.rateLimitPerSec);
    this.webhookConfig = options.webhooks && checkedWebhooks(options.webhooks);
    this.hooks = this.newWebhooks();
  }

  private newWebhooks(): Webhooks {
    return new Webhooks(() => this.webhookConfig, this.now, this.changes, this.epoch.signal);
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  accepted = () => [...this.emails];
  acceptedCount = () => this.emails.length;
  acceptedFor = (recipient: string) => {
    const wanted = addressOf(recipient).toLowerCase();
    return this.emails.filter((e) => e.to.some((to) => addressOf(to).toLowerCase() === wanted)).length;
  };
  acceptedForKey = (key: string) => this.emails.filter((e) => e.idempotencyKey === key).length;
  requestCount = () => this.requests;
  requestCountByPath = () => ({ emails: this.requests - this.batchRequests, batch: this.batchRequests });
  acceptedRequests = () => [...this.acceptedRequestLog];
  requestsForKey = (key: string) => this.requestsByKey.get(key) ?? 0;
  refusedWithoutUserAgent = () => this.withoutUserAgent;
  refusedByRateLimit = () => this.rate.refused;

  waitForAccepted = (n: number, timeoutMs = 10_000) => {
    const describe = () => `expected ${n} accepted emails, have ${this.emails.length}`;
    return this.changes.waitFor(() => this.emails.length >= n, timeoutMs, describe);
  };

  setLatency = (ms: number) => {
    this.latencyMs = Math.max(0, ms);
  };

  setRateLimit = (perSec: number | undefined) => {
    this.rate.limit = perSec;
  };

  setFaults = (faults: Faults, options: { random?: () => number } = {}) => {
    for (const [name, p] of Object.entries(faults)) {
      if (p !== undefined && !(p >= 0 && p <= 1))
        throw new RangeError(`Fault ${name} must be a probability in [0, 1], got ${p}`);
    }
    this.faults = { ...faults };
    this.random = options.random ?? Math.random;
  };

  failNext = (n: number, fault: ForcedFault) => {
    if (typeof fault === 'object' && !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)) {
      throw new RangeError(`failNext needs an error status (400–599), got ${fault.status}`);
    }
    for (let i = 0; i < n; i++) this.forced.push(fault);
  };

  refuseRecipients = (addresses: string[]) => {
    this.refusedRecipients = new Set(addresses.map((a) => addressOf(a).toLowerCase()));
  };

  private isRefused = (draft: Draft) => draft.to.some((to) => this.refusedRecipients.has(addressOf(to).toLowerCase()));

  hold = (): Gate => {
    this.gate ??= new HoldGate(this.changes, (g) => {
      if (this.gate === g) this.gate = undefined;
    });
    return this.gate;
  };

  setWebhooks = (config: WebhookConfig | undefined) => {
    this.webhookConfig = config && checkedWebhooks(config);
    this.hooks.kick(); // events produced before auto was on go now
  };

  bounceFor = (addresses: string[]) => {
    this.hooks.bouncing = new Set(addresses.map((a) => addressOf(a).toLowerCase()));
  };

  complainFor = (addresses: string[]) => {
    this.hooks.complaining = new Set(addresses.map((a) => addressOf(a).toLowerCase()));
  };

  webhookEvents = () => this.hooks.events.map((e) => ({ ...e, to: [...e.to] }));
  pendingWebhooks = () => this.hooks.pending();
  webhookDeliveries = () => ({ ...this.hooks.counts });
  flushWebhooks = (options: FlushWebhooksOptions = {}) => this.hooks.flush(options);

  waitForWebhooks = (timeoutMs = 10_000) => {
    const hooks = this.hooks;
    const describe = () => `expected every webhook event delivered, ${hooks.pending()} still in the outbox`;
    return this.changes.waitFor(() => hooks.settled(), timeoutMs, describe);
  };

  reset = () => {
    this.emails = [];
    this.byId.clear();
    this.keys.clear();
    this.requests = 0;
    this.batchRequests = 0;
    this.acceptedRequestLog = [];
    this.requestsByKey.clear();
    this.withoutUserAgent = 0;
    this.rate.refused = 0;
    this.faults = {};
    this.random = Math.random;
    this.forced = [];
    this.refusedRecipients.clear();
    this.latencyMs = 0;
    this.epoch.abort();
    this.epoch = StandIn.newEpoch();
    this.hooks = this.newWebhooks();
    this.gate?.release();
    this.changes.notify();
  };

  close = async () => {
    if (!this.server.listening) return;
    this.epoch.abort();
    this.gate?.release();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections(); // includes hanging requests, so close() never waits on a client
    await closed;
  };

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const signal = this.epoch.signal;
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname.replace(/\/+$/, '');
    const isSend = req.method === 'POST' && (path === '/emails' || path === '/emails/batch');
    if (isSend) this.requests++;
    if (isSend && path === '/emails/batch') this.batchRequests++;
    const key = req.headers['idempotency-key'];
    if (isSend && typeof key === 'string') this.requestsByKey.set(key, (this.requestsByKey.get(key) ?? 0) + 1);
    if (!req.headers['user-agent']) {
      // Resend's edge (Cloudflare) refuses a request without a User-Agent before the API sees it,
      // whatever the key. workerd's fetch sends none.
      this.withoutUserAgent++;
      return this.refuseAtTheEdge(res);
    }
    try {
      this.authenticate(req);
      this.rate.take();
      if (isSend) return await this.send(req, res, path === '/emails/batch', signal);
      this.respond(res, 200, this.describe(route(req.method ?? '', path)));
    } catch (err) {
      const error = asApiError(err);
      if (isSend) await this.sleep(this.latencyMs, signal); // latency applies to every send response
      this.respond(res, error.status, error.body(), error.headers);
    }
  }

  private authenticate(req: IncomingMessage): void {
    const header = req.headers.authorization;
    if (!header) throw new ApiError(401, 'missing_api_key', 'Missing API key in the authorization header.');
    if (header !== `Bearer ${this.apiKey}`) throw new ApiError(403, 'invalid_api_key', 'API key is invalid');
  }

  private async send(req: IncomingMessage, res: ServerResponse, batch: boolean, signal: AbortSignal): Promise<void> {
    const key = readIdempotencyKey(req);
    const payload = await readJson(req);
    const permissive = batch && req.headers['x-batch-validation'] === 'permissive';
    const drafts = batch ? validateBatch(payload, permissive, this.isRefused) : [this.validateSingle(payload)];

    const mode = batch ? (permissive ? 'batch-permissive' : 'batch') : 'single';
    const claim = key === undefined ? undefined : this.keys.begin(key, `${mode} ${canonical(payload)}`);
    if (claim && 'replay' in claim) {
      await this.sleep(this.latencyMs, signal);
      return this.respond(res, claim.replay.status, claim.replay.body);
    }
    const entry = claim?.entry;
    try {
      // Chosen on arrival, so failNext(1, …) targets the next request even if it is then held.
      const fault = this.pickFault();
      await this.gate?.pass();
      await this.sleep(this.latencyMs, signal);
      if (signal.aborted) return void res.destroy(); // reset() or close() while in progress
      if (fault === 'hang') return; // never answered; the socket ends when the client or close() gives up
      if (fault === 'error500') throw new ApiError(500, 'application_error', 'Unable to process your request now.');
      if (fault === 'rateLimit429') throw rateLimited(1);
      if (fault === 'edgeRefused') return this.refuseAtTheEdge(res);
      if (typeof fault === 'object')
        throw new ApiError(fault.status, fault.name, fault.message ?? `Injected ${fault.name}.`);

      const reply = this.accept(drafts, key, mode, req.headers['user-agent'] ?? '');
      if (entry) this.keys.complete(entry, reply);
      if (fault === 'acceptThenDrop') return void res.socket?.destroy();
      this.respond(res, reply.status, reply.body);
    } catch (err) {
      // Written here, not by onRequest, because latency has already been served.
      const error = asApiError(err);
      this.respond(res, error.status, error.body(), error.headers);
    } finally {
      if (key !== undefined && entry) this.keys.abandon(key, entry); // no-op once completed
    }
  }

  /** One forced fault if any is queued, else one draw per fault in FAULT_ORDER; the first hit wins. */
  private pickFault(): ForcedFault | undefined {
    const forced = this.forced.shift();
    if (forced !== undefined) return forced;
    return FAULT_ORDER.find((name) => {
      const p = this.faults[name] ?? 0;
      return p > 0 && this.random() < p;
    });
  }

  private validateSingle(payload: unknown): Draft {
    const draft = validateEmail(payload, false);
    if (this.isRefused(draft)) throw invalid(`Invalid \`to\` field. The email address ${ADDRESS_FORMAT}.`);
    return draft;
  }

  private accept(
    drafts: (Draft | { refused: string })[],
    key: string | undefined,
    mode: string,
    userAgent: string,
  ): Reply {
    const createdAt = this.now();
    const ids: { id: string }[] = [];
    const errors: { index: number; message: string }[] = [];
    for (const [index, draft] of drafts.entries()) {
      if ('refused' in draft) {
        errors.push({ index, message: draft.refused });
        continue;
      }
      const email = { ...draft, id: randomUUID(), idempotencyKey: key ?? null, userAgent, createdAt };
      this.emails.push(email);
      this.byId.set(email.id, email);
      this.hooks.record(email);
      ids.push({ id: email.id });
    }
    this.acceptedRequestLog.push({
      batch: mode !== 'single',
      emails: ids.length,
      idempotencyKey: key ?? null,
      at: createdAt,
    });
    this.changes.notify();
    if (mode === 'single') return { status: 200, body: ids[0] };
    return { status: 200, body: mode === 'batch-permissive' ? { data: ids, errors } : { data: ids } };
  }

  private describe(id: string) {
    const email = this.byId.get(id);
    if (!email) throw new ApiError(404, 'not_found', 'Email not found');
    return {
      object: 'email',
      id: email.id,
      to: email.to,
      from: email.from,
      subject: email.subject,
      html: email.html,
      text: email.text,
      created_at: new Date(email.createdAt).toISOString(),
      last_event: 'delivered',
    };
  }

  private async sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (ms > 0 && !signal.aborted) await delay(ms, undefined, { signal }).catch(() => undefined);
  }

  /** 403 with "error code: 1010" as plain text: the edge's answer, not the API's JSON error. */
  private refuseAtTheEdge(res: ServerResponse): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(403, { 'content-type': 'text/plain; charset=UTF-8' });
    res.end('error code: 1010');
  }

  private respond(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) return; // the client already gave up
    res.writeHead(status, { 'content-type': 'application/json', ...this.rate.headers(), ...headers });
    res.end(JSON.stringify(body));
  }
}

function checkedWebhooks(config: WebhookConfig): WebhookConfig {
  if (!config.secret.startsWith('whsec_')) throw new RangeError('The webhook secret must be a whsec_… secret');
  new URL(config.url); // throws on a URL fetch could not use
  return { ...config };
}

/** The id of a `GET /emails/:id`; other routes and methods are 404 / 405 (POST sends never get here). */
function route(method: string, path: string): string {
  if (path === '/emails' || path === '/emails/batch')
    throw new ApiError(405, 'method_not_allowed', 'Method not allowed');
  const match = /^\/emails\/([^/]+)$/.exec(path);
  if (!match?.[1]) throw new ApiError(404, 'not_found', 'The requested endpoint does not exist.');
  if (method !== 'GET') throw new ApiError(405, 'method_not_allowed', 'Method not allowed');
  try {
    return decodeURIComponent(match[1]);
  } catch {
    throw new ApiError(404, 'not_found', 'Email not found');
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'validation_error', 'Invalid JSON in the request body.');
  }
}

export async function startResendStandIn(options: ResendStandInOptions = {}): Promise<ResendStandIn> {
  const standIn = new StandIn(options.apiKey ?? 're_test_key', options.now ?? Date.now, options);
  await standIn.listen();
  return standIn;
}
