// The task store: the state transitions of a task (./sql/*.ts), over the one-method SqlDatabase port.
// Each is one statement; each write by a lease holder changes nothing once the lease is lost.
import type { SqlDatabase } from '../ports/sql-database.js';
import type { AttemptRecord, CancelResult, EnqueueResult, LeasedTask, NewTask, TaskState } from '../ports/tasks.js';
import { cancelTask } from './sql/cancel.js';
import { claimTasks } from './sql/claim.js';
import { completeTask } from './sql/complete.js';
import { deadLetterTask } from './sql/dead-letter.js';
import { enqueueTask } from './sql/enqueue.js';
import { type BatchRecord, type BatchTaskOutcome, finishBatch } from './sql/finish-batch.js';
import { formBatch } from './sql/form-batch.js';
import { giveUpTasks } from './sql/give-up.js';
import { nextDueInMs } from './sql/next-due.js';
import { overdueTasks } from './sql/overdue.js';
import { releaseTask } from './sql/release.js';
import { retryTask } from './sql/retry.js';
import { skipTask } from './sql/skip.js';
import { taskStates } from './sql/task-states.js';
import { upcomingTasks } from './sql/upcoming.js';

/** Every method throws StoreUnavailableError (src/ports/errors.ts) when the database cannot be reached. */
export interface TaskStore {
  /** Writes a task on its own (one caused by a registration is written in the registration's statement). */
  enqueueTask(task: NewTask): Promise<EnqueueResult>;
  /** Cancels the pending or running task of `kind` with `key` (src/tasks/sql/cancel.ts). */
  cancelTask(kind: string, key: string): Promise<CancelResult>;
  /** Milliseconds until the next task falls due (database clock); null when none waits. */
  nextDueInMs(): Promise<number | null>;
  /**
   * Leases up to `limit` due tasks (pending and due, or running with an expired lease) — of `ids` only,
   * when given (a queue consumer's messages).
   */
  claimTasks(owner: string, limit: number, leaseMs: number, ids?: string[]): Promise<LeasedTask[]>;
  /** The finishing transitions; each returns false when the lease was lost meanwhile (nothing written). */
  completeTask(task: LeasedTask, attempt: AttemptRecord, result: unknown): Promise<boolean>;
  retryTask(task: LeasedTask, attempt: AttemptRecord, delayMs: number): Promise<boolean>;
  deadLetterTask(task: LeasedTask, attempt: AttemptRecord): Promise<boolean>;
  /** running → cancelled with `{ skipped: reason }`: its kind declined it (`TaskKind.skip`). */
  skipTask(task: LeasedTask, attempt: AttemptRecord, reason: string): Promise<boolean>;
  /** Back to pending without burning an attempt (never started, or hit an account-wide failure). */
  releaseTask(task: LeasedTask, delayMs: number, attempt?: AttemptRecord): Promise<boolean>;
  /** Puts the held ones of `tasks` in batch `batchId` before it is sent; returns their ids. */
  formBatch(batchId: string, tasks: LeasedTask[], leaseMs: number): Promise<string[]>;
  /** Records a batch's outcome for each of its tasks; returns the ids of those still held (recorded). */
  finishBatch(batch: BatchRecord, outcomes: BatchTaskOutcome[]): Promise<string[]>;
  /** Queues: where these tasks stand now. */
  taskStates(ids: string[]): Promise<Map<string, TaskState>>;
  /** Queues: ids of due tasks nobody picked up for `graceMs` (their message was lost). */
  overdueTasks(limit: number, graceMs: number): Promise<string[]>;
  /** Queues: the waiting ones of `ids` become dead letters (the queue gave up on their messages). */
  giveUpTasks(ids: string[], reason: string): Promise<string[]>;
  /** Queues: pending tasks falling due within `windowMs`, to announce with the queue's delay. */
  upcomingTasks(limit: number, windowMs: number): Promise<{ id: string; dueInMs: number }[]>;
}

export function createTaskStore(db: SqlDatabase): TaskStore {
  return {
    enqueueTask: (task) => enqueueTask(db, task),
    cancelTask: (kind, key) => cancelTask(db, kind, key),
    nextDueInMs: () => nextDueInMs(db),
    claimTasks: (owner, limit, leaseMs, ids) => claimTasks(db, owner, limit, leaseMs, ids),
    completeTask: (task, attempt, result) => completeTask(db, task, attempt, result),
    retryTask: (task, attempt, delayMs) => retryTask(db, task, attempt, delayMs),
    deadLetterTask: (task, attempt) => deadLetterTask(db, task, attempt),
    skipTask: (task, attempt, reason) => skipTask(db, task, attempt, reason),
    releaseTask: (task, delayMs, attempt) => releaseTask(db, task, delayMs, attempt),
    formBatch: (batchId, tasks, leaseMs) => formBatch(db, batchId, tasks, leaseMs),
    finishBatch: (batch, outcomes) => finishBatch(db, batch, outcomes),
    taskStates: (ids) => taskStates(db, ids),
    overdueTasks: (limit, graceMs) => overdueTasks(db, limit, graceMs),
    giveUpTasks: (ids, reason) => giveUpTasks(db, ids, reason),
    upcomingTasks: (limit, windowMs) => upcomingTasks(db, limit, windowMs),
  };
}
