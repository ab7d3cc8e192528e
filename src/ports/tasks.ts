// The outbox task as the ports speak of it: the states stored in `tasks.status` and
// `task_attempts.outcome`, and the shape of a task under a lease. The words are defined in the
// glossary at the top of src/tasks/types.ts. They live here rather than in src/tasks because the
// Store and AdminStore ports use them, and src/tasks itself imports the ports.

/**
 * `tasks.status`: pending → running → succeeded | dead; running → pending again after a retryable failure;
 * pending → cancelled by a cancel, and running → cancelled when its attempt ends without success after one.
 */
export const TASK_STATUSES = ['pending', 'running', 'succeeded', 'dead', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A kind's shape (`send-confirmation-email`), bounded: a kind no task has simply matches nothing. */
export const TASK_KIND = /^[a-z0-9-]{1,60}$/;

/**
 * `task_attempts.outcome`: how one attempt ended. `succeeded`, `failed` (retried later) and `dead` (no
 * retry) end an attempt of the engine's; `paused` is one that hit an account-wide failure (it gives its
 * number back); `abandoned` is one whose process died, found when its lease expired.
 */
export const ATTEMPT_OUTCOMES = ['succeeded', 'failed', 'dead', 'paused', 'abandoned', 'skipped'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** A task as the engine sees it while it holds the lease. */
export interface LeasedTask {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  leaseOwner: string;
  /** W3C traceparent of the request that enqueued the task: its attempts' spans link to that trace. */
  traceParent?: string | null;
  /**
   * The batch it was last sent in while that send's outcome is unknown: it is sent again only with
   * the same batch, under the same Idempotency-Key (src/tasks/batcher.ts). Null once the provider answered.
   */
  batchId?: string | null;
}

/** What enqueueing a key that a pending or running task of the kind already carries does. */
export const KEY_MODES = ['replace', 'keep'] as const;
export type KeyMode = (typeof KEY_MODES)[number];

/**
 * How a task's first attempt starts. `fast-path`: written already leased to the engine that enqueues it
 * (running, attempt 1), which runs it right after the response. `claim`: written pending, and claimed
 * when due (`runAt`, or now) by a queue's consumer (docs/design.md, Queues on Workers) or a sweeper.
 */
export const TASK_STARTS = ['fast-path', 'claim'] as const;
export type TaskStart = (typeof TASK_STARTS)[number];

/** A task to write (src/tasks/sql/enqueue.ts). */
export interface NewTask {
  id: string;
  kind: string;
  payload: unknown;
  maxAttempts: number;
  /** Lower runs first (claims order by priority, then run_at). */
  priority: number;
  leaseOwner: string;
  leaseMs: number;
  /** W3C traceparent of the request that enqueues it (kept in `tasks.trace_parent`). */
  traceParent?: string | null;
  /** `claim`: pending, attempt 0, due at `runAt`; `leaseOwner` and `leaseMs` are then ignored. */
  start: TaskStart;
  /** `claim` only: not claimed before this instant (compared with the database's clock); now when absent. */
  runAt?: Date | null;
  /**
   * Unique among the kind's pending and running tasks. Enqueueing a key that is taken `replace`s the
   * pending task's payload and run_at, or `keep`s it as it is (a running task is always kept).
   */
  key?: { value: string; mode: KeyMode } | null;
}

/**
 * A task a statement wrote pending, as its delivery is started (after a request's answer, or by the
 * task whose statement wrote it): its id, and when it falls due (none: now).
 */
export interface WrittenTask {
  id: string;
  runAt?: Date | null;
}

/** What an enqueue did: wrote a new task, or found the key taken and replaced or kept that task. */
export interface EnqueueResult {
  id: string;
  outcome: 'inserted' | 'replaced' | 'kept';
}

/**
 * What a cancel came to: `cancelled` (it was pending and will never run), `too-late` (it is running, or
 * was sent in a batch whose outcome is unknown: that attempt finishes, and it is never retried), or
 * `not-found` (no pending or running task of the kind has that key).
 */
export type CancelResult = 'cancelled' | 'too-late' | 'not-found';

/** One finished attempt, as recorded in `task_attempts` with the task's new state. */
export interface AttemptRecord {
  startedAt: Date;
  durationMs: number;
  error?: string;
}

/** Where a task stands now (a queue consumer acks or retries its message from this). */
export interface TaskState {
  status: TaskStatus;
  /** Pending: how long until it is due (0 when due). */
  dueInMs: number;
  /** Running: how long its lease still has (0 when expired: abandoned). */
  leaseLeftMs: number;
}
