/**
 * The task engine — glossary (DESIGN §1, §4). These words mean the same in code, tests and docs.
 *
 * task         A unit of background work stored as a row in `tasks` (the outbox), e.g. one
 *              `send-confirmation-email`. Written in the same statement as the data that causes it.
 * kind         What a task does; selects its handler (`src/tasks/handlers/<kind>.ts`).
 * payload      The task's input, stored with it and identical on every attempt (so the provider's
 *              idempotency check sees the same request each time).
 * status       pending → running → succeeded | dead; running → pending again after a retryable failure.
 * attempt      One execution of a task: number, start, duration, outcome, error (`task_attempts`).
 *              `tasks.attempts` counts attempts started, including the one running now.
 * lease        A time-bounded claim (`lease_owner`, `lease_expires_at`) by one engine. Only the holder may
 *              finish the task; an expired lease (its process died) makes the task claimable again.
 * claim        Taking due tasks under a new lease, `FOR UPDATE SKIP LOCKED`, so sweepers never collide.
 * fast path    The task is written already leased to the request (running, attempt 1), and its first
 *              attempt runs in `waitUntil` right after the response — no claim query needed.
 * sweeper      The loop that claims due tasks: an interval on Node, a Cron Trigger on Workers.
 * backoff      The delay before the next attempt: exponential, capped, jittered (`backoff.ts`), or the
 *              provider's Retry-After when it gave one.
 * dead letter  A task that will not be retried automatically (permanent error, or out of attempts).
 *              Kept with its history; an admin can replay it.
 * owner        The id of one engine instance (process or Worker invocation) holding leases.
 */
import type { LeasedTask } from '../ports/store.js';

export type { LeasedTask };

export interface TaskContext {
  taskId: string;
  attempt: number;
  /** Aborted when the attempt times out (TASK_TIMEOUT_MS) or the process shuts down. */
  signal: AbortSignal;
}

/** Does the work of one kind of task. Throws a task error (./errors.ts) to say what happens next. */
export type TaskHandler = (payload: unknown, context: TaskContext) => Promise<unknown>;

export type AttemptResult = 'succeeded' | 'retry-scheduled' | 'dead' | 'released' | 'lease-lost';
