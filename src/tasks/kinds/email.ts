// What every email kind shares: its payload is the rendered message (so every attempt sends the very same
// request), and its batches go to the provider as ONE request (POST /emails/batch, up to 100 emails) under
// the batch id as Idempotency-Key; a batch whose outcome is unknown is re-sent exactly as it was. Either
// way no attempt can cause a second email.

import { type EmailMessage, emailMessageSchema, MailError, type Mailer } from '../../ports/mailer.js';
import { type RenderLetter, type RunnerLetter, runnerLetterSchema } from '../../ports/runner-letters.js';
import type { NewTask, WrittenTask } from '../../ports/tasks.js';
import type { Waitlist } from '../../ports/waitlist.js';
import { MAX_BATCH } from '../batcher.js';
import { AnsweredError, PauseDeliveryError, PermanentError, RateLimitedError, RetryAfterError } from '../errors.js';
import { defineKind, type TaskKind } from '../types.js';

/** An email kind's payload: the message as src/domain renders it (checked by its schema when read). */
export type EmailPayload = EmailMessage;

/** What the kinds need to do their work. */
export interface KindDeps {
  mailer: Mailer;
  /**
   * Those of the addresses (as given) no email may go to any more (a hard bounce, a complaint, a
   * suppression: src/adapters/db/email-events.ts). Without it, every email is sent.
   */
  suppressedAmong?: (addresses: readonly string[]) => Promise<Set<string>>;
  /** The waitlist's kinds: only where the runners' letters can be rendered (manage links on). */
  waitlist?: WaitlistKindDeps;
}

/** What the waitlist's kinds need. */
export interface WaitlistKindDeps {
  /** The runner letters' emails (send-runner-email). */
  renderLetter: RenderLetter;
  /** Ending holds and passing places on (expire-hold). */
  waitlist: Waitlist;
  /** A task for a kind to write (pending, due now). */
  newTask: (kind: string, payload: unknown, priority: number) => NewTask;
  /** How long an offer holds its place; undefined: the race has no waitlist. */
  offerTtlMs: number | undefined;
  /** A distance's cap (the race configuration), for the catch-up (offer-free-places). */
  capOf: (raceId: string, distance: string) => number;
  /**
   * Starts the delivery of the tasks a kind's statement wrote (the letters, an offer's email and
   * expiry), as `startTasks` does for a request's: announced on the email queue (each delayed to its
   * time), or told to the sweeper (on Node it wakes for them; a sweep in progress claims the due ones
   * next). Never throws: a task not announced is found by the sweeper (src/tasks/sql/overdue.ts).
   */
  start: (tasks: WrittenTask[]) => Promise<void>;
}

/**
 * What the engine does about a provider's error, as a task error: dead letter, pause for everyone,
 * slow everyone down (429), or retry after the provider's time. Undefined: an ordinary retry.
 */
function taskErrorFor(error: MailError): Error | undefined {
  if (error.kind === 'permanent') return new PermanentError(error.code, { cause: error });
  if (error.kind === 'account') return new PauseDeliveryError(error.code, error.retryAfterMs, { cause: error });
  if (error.status === 429) return new RateLimitedError(error.code, error.retryAfterMs ?? 1000, { cause: error });
  if (error.retryAfterMs !== undefined) return new RetryAfterError(error.code, error.retryAfterMs, { cause: error });
  return undefined;
}

/** One batch of emails as one provider request; an email the provider refused on its own fails alone. */
async function sendEmails(mailer: Mailer, payloads: EmailPayload[], batchId: string, signal: AbortSignal) {
  try {
    const results = await mailer.sendBatch(payloads, { idempotencyKey: batchId, signal });
    return results.map((r) =>
      'id' in r
        ? { ok: true as const, result: { id: r.id } }
        : { ok: false as const, error: new PermanentError(r.error.code, { cause: r.error }) },
    );
  } catch (error) {
    if (!(error instanceof MailError)) throw error;
    // Nothing can be sent by anyone (bad key, quota, no provider configured): whatever the answer.
    if (error.kind === 'account') throw taskErrorFor(error);
    // No answer, or "the first request with this key is still in flight": the outcome is unknown.
    const unknown =
      error.status === undefined || error.code === 'concurrent_idempotent_requests' || error.code === 'resource_locked';
    if (unknown) throw error;
    // The provider answered: nothing was sent.
    throw taskErrorFor(error) ?? new AnsweredError(error.code, { cause: error });
  }
}

/** The reason not to send each email (`suppressed`: its address is), or null (TaskKind.skip). */
async function suppressed(deps: Pick<KindDeps, 'suppressedAmong'>, emails: EmailPayload[]) {
  if (!deps.suppressedAmong) return emails.map(() => null);
  const blocked = await deps.suppressedAmong(emails.map((e) => e.to));
  return emails.map((e) => (blocked.has(e.to) ? 'suppressed' : null));
}

/** An email kind: its name and priority; batches of up to 100 through the mailer. */
export function emailKind(
  name: string,
  priority: number,
  deps: Pick<KindDeps, 'mailer' | 'suppressedAmong'>,
): TaskKind {
  return defineKind({
    name,
    payload: emailMessageSchema,
    priority,
    batchSize: MAX_BATCH,
    skip: (payloads) => suppressed(deps, payloads),
    send: (payloads, { batchId, signal }) => sendEmails(deps.mailer, payloads, batchId, signal),
  });
}

/** An email kind whose payload is a runner letter, rendered when sent (src/ports/runner-letters.ts). */
export function letterKind(
  name: string,
  priority: number,
  deps: Pick<KindDeps, 'mailer' | 'suppressedAmong'> & Pick<WaitlistKindDeps, 'renderLetter'>,
): TaskKind {
  // A letter rendered to check its address is sent as rendered then (skip and send get the same payloads).
  const rendered = new WeakMap<object, Promise<EmailPayload>>();
  const render = (letter: RunnerLetter) => {
    const known = rendered.get(letter);
    if (known) return known;
    const email = deps.renderLetter(letter);
    rendered.set(letter, email);
    return email;
  };
  return defineKind({
    name,
    payload: runnerLetterSchema,
    priority,
    batchSize: MAX_BATCH,
    skip: async (letters) =>
      deps.suppressedAmong ? suppressed(deps, await Promise.all(letters.map(render))) : letters.map(() => null),
    send: async (letters, { batchId, signal }) =>
      sendEmails(deps.mailer, await Promise.all(letters.map(render)), batchId, signal),
  });
}
