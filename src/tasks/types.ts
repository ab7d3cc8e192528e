/**
 * The task engine — glossary (docs/design.md: Vocabulary, The outbox). These words mean the same in code, tests and docs.
 *
 * task         A unit of background work stored as a row in `tasks` (the outbox), e.g. one
 *              `send-confirmation-email`. Written in the same statement as the data that causes it.
 * enqueue      Writing a task: always inside the statement that stores what causes it (`sql/enqueue.ts` is
 *              a fragment of the registration's statement), so neither exists without the other.
 * kind         What a task does: its payload's schema, how it is sent (batch size), its priority,
 *              attempts and backoff — one file each in `kinds/`, listed in `kinds/index.ts` (`TaskKind`).
 *              A task of a kind nobody declared is a dead letter at once.
 * payload      The task's input, stored with it and identical on every attempt (so the provider's
 *              idempotency check sees the same request each time). Each kind has a schema for its
 *              payload, checked when a batch is formed (`payload.ts`); one that does not parse is a
 *              permanent error.
 * run at       When a task falls due (`tasks.run_at`, the database's clock): never claimed before it.
 *              Now for most tasks; a scheduled task (a reminder) carries its own. The Node sweeper
 *              sets its timer to the next one (`nextDueInMs`); on Workers the Cron sweeper and the
 *              queue's delay bring it.
 * priority     Lower runs first: claims order by priority, then run_at, and within one engine the
 *              next send slot goes to the most urgent waiting batch (`slot-line.ts`). Confirmations 0,
 *              reminders 10.
 * key          A task's name among its kind's pending and running tasks (unique there). Enqueueing a
 *              key that is taken replaces the pending task (`replace`) or keeps it (`keep`).
 * cancel       By kind and key: a pending task becomes `cancelled` and never runs; a running one (or one
 *              in a batch whose outcome is unknown) finishes its attempt, is never attempted again,
 *              and the cancel answers `too-late` (`sql/cancel.ts`).
 * status       pending → running → succeeded | dead; running → pending again after a retryable failure
 *              or a release; pending → cancelled (`TASK_STATUSES`, src/ports/tasks.ts).
 * attempt      One execution of a task: number, start, duration, outcome, error (`task_attempts`).
 *              `tasks.attempts` counts attempts started, including the one running now.
 * outcome      How a recorded attempt ended (`ATTEMPT_OUTCOMES`, src/ports/tasks.ts): succeeded, failed,
 *              dead, paused, abandoned or skipped. Not to be confused with an attempt's result (`ATTEMPT_RESULTS`
 *              below): what `run` tells its caller, including the attempts that recorded nothing.
 * lease        A time-bounded claim (`lease_owner`, `lease_expires_at`) by one engine. Only the holder may
 *              finish the task; an expired lease (its process died) makes the task claimable again.
 * lease lost   The engine went to record an outcome but no longer held the lease (it expired and another
 *              engine claimed the task, or the write itself failed): nothing is written, and whoever holds
 *              the task now finishes it. The result `lease-lost`.
 * claim        Taking due tasks under a new lease, `FOR UPDATE SKIP LOCKED`, so sweepers never collide.
 * abandoned    The outcome a claim records for the attempt under an expired lease: its process stopped
 *              and nobody knows whether the provider took the email (the Idempotency-Key makes that
 *              harmless). On the last allowed attempt the task becomes a dead letter instead.
 * start        How a task's first attempt starts (`TASK_STARTS`, src/ports/tasks.ts): the fast path, or a claim.
 * fast path    The task is written already leased to the request (running, attempt 1), and its first
 *              attempt runs in `waitUntil` right after the response — no claim query needed.
 * sweeper      The loop that claims due tasks: an interval on Node, a Cron Trigger on Workers.
 * send budget  The provider account's requests per second (EMAIL_RATE_LIMIT_PER_SEC), kept in the shared
 *              database (`send-budget.ts`, `sql/send-budget.ts`): an attempt reserves the next slot and
 *              waits for it; a 429 pushes the next slot past Retry-After for every process and isolate.
 * attempt lifecycle  What every send goes through (`attempt.ts`): delivery paused or stopping → give the
 *              tasks back; a send slot in time, or give them back; the send under the attempt's time
 *              limit and the shutdown signal.
 * backoff      The delay before the next attempt: exponential, capped, jittered (`backoff.ts`), or the
 *              provider's Retry-After when it gave one.
 * release      running → pending without burning an attempt (the number is given back): for a task this
 *              engine holds but will not attempt now (delivery paused, shutting down, no send slot in
 *              time), or whose attempt hit an account-wide failure. The result `released`.
 * pause        Delivery paused (`delivery-pause.ts`): after an account-wide failure (invalid key, quota —
 *              `PauseDeliveryError`) the engine claims nothing and releases what it holds, until the
 *              provider's Retry-After (or a minute) has passed; the attempt that hit it is recorded as
 *              `paused`. Per process.
 *              `held` is a pause with no end, for a reason only a new configuration ends (`no_provider`:
 *              a Worker without RESEND_API_KEY outside dev mode): tasks are stored and wait.
 * dead letter  A task that will not be retried automatically (permanent error, or out of attempts).
 *              Kept with its history; an admin can replay it.
 * skip         A kind declining tasks it holds, before their batch forms (`TaskKind.skip`): the email's
 *              address is suppressed (a hard bounce, a complaint). The task ends `cancelled` with
 *              `{ skipped: reason }` as its result and an attempt of outcome `skipped`: never sent, never
 *              retried (`sql/skip.ts`). A batch re-sent as it was (unknown outcome) is never thinned.
 * replay       An admin's retry of a dead letter: pending and due now, with a fresh budget of attempts,
 *              the same id (so the same Idempotency-Key) and its history kept (`sql/replay.ts`).
 * owner        The id of one engine instance (process or Worker invocation) holding leases.
 * batch        Up to the kind's `batchSize` (100 for emails) tasks of one kind sent as ONE provider request
 *              (POST /emails/batch), for one send slot (`send-batch.ts`, `sql/form-batch.ts`,
 *              `sql/finish-batch.ts`). A single task is a batch of one.
 * batch id     Written on exactly a batch's tasks (`tasks.batch_id`) in one statement BEFORE the provider
 *              call, and sent as its Idempotency-Key; the emails go in task-id order with their stored
 *              payloads. Kept while the outcome is unknown — such tasks are claimed and sent only all
 *              together, so a re-send is the same request under the same key — and cleared once the
 *              provider answered the first request with an error (nothing sent) or any request with
 *              success. Every attempt row of the batch carries it.
 * batcher      Gathers the fast path's tasks of one kind into batches, in the process (`batcher.ts`):
 *              alone, a task goes at once; with a batch already on its way, the next one gathers for the
 *              batch window and while it waits for its send slot, up to the kind's batch size.
 * batch window How long a batch waits for company while another is on its way (EMAIL_BATCH_WINDOW_MS).
 * task store   The state transitions above (claim, complete, retry, dead letter, release) as SQL over
 *              the one-method `SqlDatabase` port (`store.ts`, `sql/`).
 * seed strategy One of the four ways of sending the email the project started from — sequential,
 *              fire-and-forget, wait-until, parallel — kept as routes to be measured against the outbox.
 *              They write no task: their email's status is `not_tracked`.
 */

import type * as z from 'zod/mini';
import type { BackoffOptions } from './backoff.js';

/** What `TaskEngine.run` says of one attempt (a span attribute and the callers' logs; never stored). */
export const ATTEMPT_RESULTS = ['succeeded', 'retry-scheduled', 'dead', 'released', 'lease-lost', 'skipped'] as const;
export type AttemptResult = (typeof ATTEMPT_RESULTS)[number];

/** What a kind's `send` is given with the payloads of one batch. */
export interface BatchContext {
  /** The batch id: the provider request's Idempotency-Key (the same on a re-send of an unknown outcome). */
  batchId: string;
  /** The tasks' ids, in the payloads' order. */
  taskIds: string[];
  /** Aborted when the send times out (TASK_TIMEOUT_MS) or the engine shuts down. */
  signal: AbortSignal;
}

/** What became of one task's payload in a batch the provider answered. */
export type BatchItemOutcome = { ok: true; result: unknown } | { ok: false; error: unknown };

/**
 * One kind of task, declared in one file of ./kinds/ and listed in ./kinds/index.ts. Every kind's work
 * goes through the same path: a batch of up to `batchSize` tasks of the kind (a single task is a batch of
 * one), one send slot of the account's budget, one `send`.
 */
export interface TaskKind<Payload = unknown> {
  /** Stored in `tasks.kind`. */
  readonly name: string;
  /** Checked when a batch is formed; a payload that does not parse is a permanent error (dead letter). */
  readonly payload: z.ZodMiniType<Payload>;
  /** Lower runs first: claims and the send budget go to the most urgent work. */
  readonly priority: number;
  /** Up to how many tasks go in one `send` (one provider request); 1 for work that cannot be batched. */
  readonly batchSize: number;
  /** Attempts before a dead letter (default TASK_MAX_ATTEMPTS). */
  readonly maxAttempts?: number;
  /** The delays between attempts (default TASK_RETRY_BASE_MS, TASK_RETRY_MAX_MS). */
  readonly backoff?: BackoffOptions;
  /** False for work that calls no provider: it takes no send slot and no delivery pause holds it. */
  readonly provider?: boolean;
  /**
   * Does the work of one batch: one outcome per payload, in the same order. Throws a task error
   * (./errors.ts) when the request as a whole failed; what it throws tells whether the provider answered
   * (PermanentError, PauseDeliveryError, RetryAfterError, AnsweredError: nothing was done) or not
   * (anything else: the outcome is unknown, and the batch is sent again exactly as it was).
   */
  send(payloads: Payload[], context: BatchContext): Promise<BatchItemOutcome[]>;
  /**
   * Why not to send each payload (a reason), or null to send it: asked before a batch forms, never for
   * a batch re-sent as it was. A task with a reason ends cancelled, with the reason as its result.
   */
  skip?(payloads: Payload[]): Promise<(string | null)[]>;
}

/** A kind as declared: its payload's type checked against its `send`. */
export function defineKind<Payload>(kind: TaskKind<Payload>): TaskKind {
  return kind as unknown as TaskKind;
}
