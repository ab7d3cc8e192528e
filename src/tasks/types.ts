/**
 * The task engine — glossary (docs/design.md: Vocabulary, The outbox). These words mean the same in code, tests and docs.
 *
 * task         A unit of background work stored as a row in `tasks` (the outbox), e.g. one
 *              `send-confirmation-email`. Written in the same statement as the data that causes it.
 * enqueue      Writing a task: always inside the statement that stores what causes it (`sql/enqueue.ts` is
 *              a fragment of the registration's statement), so neither exists without the other.
 * kind         What a task does; selects its handler (`src/tasks/handlers/<kind>.ts`).
 * payload      The task's input, stored with it and identical on every attempt (so the provider's
 *              idempotency check sees the same request each time). Each kind has a schema for its
 *              payload, checked when an attempt reads it (`payload.ts`); one that does not parse is a
 *              permanent error.
 * status       pending → running → succeeded | dead; running → pending again after a retryable failure
 *              or a release (`TASK_STATUSES`, src/ports/tasks.ts).
 * attempt      One execution of a task: number, start, duration, outcome, error (`task_attempts`).
 *              `tasks.attempts` counts attempts started, including the one running now.
 * outcome      How a recorded attempt ended (`ATTEMPT_OUTCOMES`, src/ports/tasks.ts): succeeded, failed,
 *              dead, paused or abandoned. Not to be confused with an attempt's result (`ATTEMPT_RESULTS`
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
 * fast path    The task is written already leased to the request (running, attempt 1), and its first
 *              attempt runs in `waitUntil` right after the response — no claim query needed.
 * sweeper      The loop that claims due tasks: an interval on Node, a Cron Trigger on Workers.
 * send budget  The provider account's requests per second (EMAIL_RATE_LIMIT_PER_SEC), kept in the shared
 *              database (`send-budget.ts`, `sql/send-budget.ts`): an attempt reserves the next slot and
 *              waits for it; a 429 pushes the next slot past Retry-After for every process and isolate.
 * backoff      The delay before the next attempt: exponential, capped, jittered (`backoff.ts`), or the
 *              provider's Retry-After when it gave one.
 * release      running → pending without burning an attempt (the number is given back): for a task this
 *              engine holds but will not attempt now (delivery paused, shutting down, no send slot in
 *              time), or whose attempt hit an account-wide failure. The result `released`.
 * pause        Delivery paused: after an account-wide failure (invalid key, quota — `PauseDeliveryError`)
 *              the engine claims nothing and releases what it holds, until the provider's Retry-After
 *              (or a minute) has passed; the attempt that hit it is recorded as `paused`. Per process.
 *              `held` is a pause with no end, for a reason only a new configuration ends (`no_provider`:
 *              a Worker without RESEND_API_KEY outside dev mode): tasks are stored and wait.
 * dead letter  A task that will not be retried automatically (permanent error, or out of attempts).
 *              Kept with its history; an admin can replay it.
 * replay       An admin's retry of a dead letter: pending and due now, with a fresh budget of attempts,
 *              the same id (so the same Idempotency-Key) and its history kept (`sql/replay.ts`).
 * owner        The id of one engine instance (process or Worker invocation) holding leases.
 * batch        Up to 100 tasks of one kind sent as ONE provider request (POST /emails/batch), for one
 *              send slot (`BatchHandler` below; `batcher.ts`, `sql/form-batch.ts`, `sql/finish-batch.ts`).
 * batch id     Written on exactly a batch's tasks (`tasks.batch_id`) in one statement BEFORE the provider
 *              call, and sent as its Idempotency-Key; the emails go in task-id order with their stored
 *              payloads. Kept while the outcome is unknown — such tasks are claimed and sent only all
 *              together, so a re-send is the same request under the same key — and cleared once the
 *              provider answered the first request with an error (nothing sent) or any request with
 *              success. Every attempt row of the batch carries it.
 * batcher      Gathers the fast path's tasks into batches, in the process (`batcher.ts`): alone, a task
 *              goes at once; with a batch already on its way, the next one gathers for the batch window
 *              and while it waits for its send slot, up to 100.
 * batch window How long a batch waits for company while another is on its way (EMAIL_BATCH_WINDOW_MS).
 * task store   The state transitions above (claim, complete, retry, dead letter, release) as SQL over
 *              the one-method `SqlDatabase` port (`store.ts`, `sql/`).
 * seed strategy One of the four ways of sending the email the project started from — sequential,
 *              fire-and-forget, wait-until, parallel — kept as routes to be measured against the outbox.
 *              They write no task: their email's status is `not_tracked`.
 */

export interface TaskContext {
  taskId: string;
  attempt: number;
  /** Aborted when the attempt times out (TASK_TIMEOUT_MS) or the process shuts down. */
  signal: AbortSignal;
}

/**
 * Does the work of one kind of task. Throws a task error (./errors.ts) to say what happens next. The
 * payload is as stored: build handlers with `withPayload` (./payload.ts), which checks it first.
 */
export type TaskHandler = (payload: unknown, context: TaskContext) => Promise<unknown>;

/** What `TaskEngine.run` says of one attempt (a span attribute and the callers' logs; never stored). */
export const ATTEMPT_RESULTS = ['succeeded', 'retry-scheduled', 'dead', 'released', 'lease-lost'] as const;
export type AttemptResult = (typeof ATTEMPT_RESULTS)[number];

/** What a batch handler is given with the payloads of one batch. */
export interface BatchContext {
  /** The batch id: the provider request's Idempotency-Key. */
  batchId: string;
  /** Aborted when the send times out (TASK_TIMEOUT_MS) or the process shuts down. */
  signal: AbortSignal;
}

/** What became of one task's payload in a batch the provider answered. */
export type BatchItemOutcome = { ok: true; result: unknown } | { ok: false; error: unknown };

/**
 * Does the work of many tasks of one kind as ONE provider request (a batch). Throws a task error
 * (./errors.ts) when the request as a whole failed; what it throws tells whether the provider answered
 * (PermanentError, PauseDeliveryError, RetryAfterError, AnsweredError: nothing was sent) or not
 * (anything else: the outcome is unknown and the batch is sent again as it is).
 */
export interface BatchHandler {
  /** The payload as the batch will send it; throws a PermanentError for one that never could be sent. */
  check(payload: unknown): unknown;
  /** Sends the checked payloads in this order; one outcome per payload, in the same order. */
  send(payloads: unknown[], context: BatchContext): Promise<BatchItemOutcome[]>;
}
