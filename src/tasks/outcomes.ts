// What a batch's send comes to for each of its tasks: from the provider's answer per email, or from the
// failure of the request as a whole. Decided here, recorded in one statement by sql/finish-batch.ts.
import { describeError } from '../ports/errors.js';
import type { LeasedTask } from '../ports/tasks.js';
import { AnsweredError, PauseDeliveryError, PermanentError, RetryAfterError } from './errors.js';
import type { BatchOutcome, BatchTaskOutcome } from './sql/finish-batch.js';
import type { AttemptResult, BatchItemOutcome } from './types.js';

/** The result each recorded outcome gives the caller of `run`. */
export const ATTEMPT_RESULT = {
  succeeded: 'succeeded',
  failed: 'retry-scheduled',
  dead: 'dead',
  paused: 'released',
} as const satisfies Record<BatchTaskOutcome['outcome'], AttemptResult>;

/**
 * Whether a failed send's answer proves what was sent. Only an answer to a batch's FIRST request does:
 * an error answer to a re-send (e.g. a 429 before the provider looked at the key) says nothing about the
 * earlier request, which may have been accepted. No answer at all (a timeout, a dropped connection) is
 * unknown too.
 */
export function failureOutcome(failure: unknown, resent: boolean): BatchOutcome {
  const answered =
    failure instanceof PermanentError ||
    failure instanceof PauseDeliveryError ||
    failure instanceof RetryAfterError ||
    failure instanceof AnsweredError;
  return answered && !resent ? 'known' : 'unknown';
}

export interface OutcomeRules {
  /** The delay before a task's next attempt after `error` (backoff, or the provider's Retry-After). */
  retryDelay(task: LeasedTask, attempts: number, error: unknown): number;
  /** Pauses delivery after an account-wide failure; returns for how long. */
  pause(error: PauseDeliveryError): number;
}

/** What a failed attempt of one task leads to: a dead letter (permanent, or out of attempts) or a retry. */
function failedOutcome(task: LeasedTask, error: unknown, rules: OutcomeRules): BatchTaskOutcome {
  const described = describeError(error);
  if (error instanceof PermanentError || task.attempts >= task.maxAttempts) {
    return { task, outcome: 'dead', error: described, cause: error };
  }
  const delayMs = rules.retryDelay(task, task.attempts, error);
  return { task, outcome: 'failed', error: described, cause: error, delayMs };
}

/** Each task's outcome, from the batch's answer (`items`) or the failure of its request. */
export function batchOutcomes(
  tasks: LeasedTask[],
  sent: { items: BatchItemOutcome[] } | { failure: unknown; outcome: BatchOutcome },
  rules: OutcomeRules,
): BatchTaskOutcome[] {
  if ('items' in sent) {
    return tasks.map((task, i): BatchTaskOutcome => {
      const item = sent.items[i] as BatchItemOutcome;
      return item.ok ? { task, outcome: 'succeeded', result: item.result } : failedOutcome(task, item.error, rules);
    });
  }
  const { failure } = sent;
  const error = describeError(failure);
  if (failure instanceof PauseDeliveryError) {
    const delayMs = rules.pause(failure);
    return tasks.map((task): BatchTaskOutcome => ({ task, outcome: 'paused', error, cause: failure, delayMs }));
  }
  if (sent.outcome === 'known') return tasks.map((task) => failedOutcome(task, failure, rules));
  // The batch stays together, so its tasks share one fate and one run_at — and if one of them is out of
  // attempts (or the answer was final), the batch cannot be re-sent without it: all are dead letters.
  if (failure instanceof PermanentError || tasks.some((t) => t.attempts >= t.maxAttempts)) {
    return tasks.map((task): BatchTaskOutcome => ({ task, outcome: 'dead', error, cause: failure }));
  }
  const first = tasks[0] as LeasedTask;
  const delayMs = rules.retryDelay(first, Math.max(...tasks.map((t) => t.attempts)), failure);
  return tasks.map((task): BatchTaskOutcome => ({ task, outcome: 'failed', error, cause: failure, delayMs }));
}
