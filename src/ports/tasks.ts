// The outbox task as the ports speak of it: the states stored in `tasks.status` and
// `task_attempts.outcome`, and the shape of a task under a lease. The words are defined in the
// glossary at the top of src/tasks/types.ts. They live here rather than in src/tasks because the
// Store and AdminStore ports use them, and src/tasks itself imports the ports.

/** `tasks.status`: pending → running → succeeded | dead; running → pending again after a retryable failure. */
export const TASK_STATUSES = ['pending', 'running', 'succeeded', 'dead'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * `task_attempts.outcome`: how one attempt ended. `succeeded`, `failed` (retried later) and `dead` (no
 * retry) end an attempt of the engine's; `paused` is one that hit an account-wide failure (it gives its
 * number back); `abandoned` is one whose process died, found when its lease expired.
 */
export const ATTEMPT_OUTCOMES = ['succeeded', 'failed', 'dead', 'paused', 'abandoned'] as const;
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

/**
 * A task to write already leased to the engine that enqueues it (the fast path) — or, `queued`, written
 * pending and due now, for a queue's consumer to claim (Cloudflare Queues: docs/design.md, Queues on Workers).
 */
export interface NewLeasedTask {
  id: string;
  kind: string;
  payload: unknown;
  maxAttempts: number;
  leaseOwner: string;
  leaseMs: number;
  /** W3C traceparent of the request that enqueues it (kept in `tasks.trace_parent`). */
  traceParent?: string | null;
  /** Not leased: pending, attempt 0, due now; `leaseOwner` and `leaseMs` are then ignored. */
  queued?: boolean;
}

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
