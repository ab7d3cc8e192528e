// The task engine: runs leased tasks and records each attempt's outcome. See ./types.ts for the glossary.
import type { Logger } from '../ports/logger.js';
import type { AttemptRecord, LeasedTask, NewLeasedTask, Store } from '../ports/store.js';
import { backoffDelay } from './backoff.js';
import { describeError, PermanentError, RetryAfterError } from './errors.js';
import type { AttemptResult, TaskHandler } from './types.js';

export interface TaskEngineOptions {
  store: Store;
  handlers: Record<string, TaskHandler>;
  logger: Logger;
  maxAttempts: number;
  timeoutMs: number;
  leaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Identifies this engine's leases. One per process (Node) or invocation (Workers). */
  owner?: string;
  random?: () => number;
}

export interface TaskEngine {
  readonly owner: string;
  /** A task row to write already leased to this engine: the fast path. */
  leasedTask(kind: string, payload: unknown): NewLeasedTask;
  /** Runs one attempt of a task this engine holds, and records its outcome. Never throws. */
  run(task: LeasedTask): Promise<AttemptResult>;
  /** Claims up to `limit` due tasks and runs them. Returns how many were claimed. */
  sweep(limit?: number): Promise<number>;
  /** Aborts running attempts (shutdown). */
  abort(): void;
}

export function createTaskEngine(options: TaskEngineOptions): TaskEngine {
  const owner = options.owner ?? `engine-${crypto.randomUUID()}`;
  const { store, logger } = options;
  const shutdown = new AbortController();

  async function finish(task: LeasedTask, startedAt: Date, error: unknown): Promise<AttemptResult> {
    const attempt: AttemptRecord = { startedAt, durationMs: Date.now() - startedAt.getTime() };
    if (error === undefined) return 'succeeded';
    attempt.error = describeError(error);
    const permanent = error instanceof PermanentError;
    if (permanent || task.attempts >= task.maxAttempts) {
      const held = await store.deadLetterTask(task, attempt);
      logger.warn('task.dead', { taskId: task.id, kind: task.kind, attempt: task.attempts, error: attempt.error });
      return held ? 'dead' : 'lease-lost';
    }
    const backoff = backoffDelay(
      task.attempts,
      { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs },
      options.random,
    );
    // The provider's Retry-After wins over a shorter backoff, within the configured cap.
    const delayMs =
      error instanceof RetryAfterError ? Math.min(options.retryMaxMs, Math.max(backoff, error.retryAfterMs)) : backoff;
    const held = await store.retryTask(task, attempt, delayMs);
    logger.info('task.retry', {
      taskId: task.id,
      kind: task.kind,
      attempt: task.attempts,
      delayMs,
      error: attempt.error,
    });
    return held ? 'retry-scheduled' : 'lease-lost';
  }

  async function run(task: LeasedTask): Promise<AttemptResult> {
    const startedAt = new Date();
    const handler = options.handlers[task.kind];
    // One controller per attempt, aborted by its timer or by shutdown. (Not AbortSignal.any with
    // AbortSignal.timeout: on Node 20 the inner timeout signal can be garbage-collected before it fires,
    // and a hanging provider would then hang the attempt forever — nodejs/node#57736.)
    const attempt = new AbortController();
    const timer = setTimeout(
      () => attempt.abort(new DOMException('attempt timed out', 'TimeoutError')),
      options.timeoutMs,
    );
    const onShutdown = () => attempt.abort(shutdown.signal.reason);
    shutdown.signal.addEventListener('abort', onShutdown, { once: true });
    try {
      let outcome: unknown;
      let failure: unknown;
      try {
        if (!handler) throw new PermanentError(`no handler for task kind ${task.kind}`);
        outcome = await handler(task.payload, { taskId: task.id, attempt: task.attempts, signal: attempt.signal });
      } catch (error) {
        failure = error ?? new Error('handler threw nothing');
      } finally {
        clearTimeout(timer);
        shutdown.signal.removeEventListener('abort', onShutdown);
      }
      if (failure !== undefined) return await finish(task, startedAt, failure);
      const durationMs = Date.now() - startedAt.getTime();
      const held = await store.completeTask(task, { startedAt, durationMs }, outcome);
      logger.info('task.succeeded', { taskId: task.id, kind: task.kind, attempt: task.attempts, durationMs });
      return held ? 'succeeded' : 'lease-lost';
    } catch (error) {
      // Recording the outcome failed (database down). The lease will expire and a sweeper will run the
      // task again; the provider's idempotency key keeps that from sending twice.
      logger.error('task.record_failed', { taskId: task.id, kind: task.kind, error: describeError(error) });
      return 'lease-lost';
    }
  }

  return {
    owner,
    leasedTask: (kind, payload) => ({
      id: crypto.randomUUID(),
      kind,
      payload,
      maxAttempts: options.maxAttempts,
      leaseOwner: owner,
      leaseMs: options.leaseMs,
    }),
    run,
    async sweep(limit = 20) {
      const claimed = await store.claimTasks(owner, limit, options.leaseMs);
      await Promise.all(claimed.map(run));
      return claimed.length;
    },
    abort: () => shutdown.abort(),
  };
}
