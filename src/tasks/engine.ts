// The task engine: runs leased tasks and records each attempt's outcome. See ./types.ts for the glossary.
//
// One attempt:  [delivery paused? → release]  →  reserve a slot in the account's send budget and wait
// for it (too far off → release)  →  handler under a timeout  →  complete | retry with backoff (a 429
// also pushes the shared budget back) | dead letter | release (account-wide failure: pause).
import { type Context, context, ROOT_CONTEXT, type Span, type Tracer, trace } from '@opentelemetry/api';
import { describeError } from '../ports/errors.js';
import type { Logger } from '../ports/logger.js';
import type { AttemptRecord, LeasedTask, NewLeasedTask } from '../ports/tasks.js';
import { formatTraceparent, inSpan, linksTo, noopTracer, recordError } from '../tracing/tracer.js';
import { backoffDelay } from './backoff.js';
import { PauseDeliveryError, PermanentError, RateLimitedError, RetryAfterError } from './errors.js';
import type { SendBudget } from './send-budget.js';
import { sleep } from './sleep.js';
import type { TaskStore } from './store.js';
import type { AttemptResult, TaskHandler } from './types.js';

export interface TaskEngineOptions {
  store: TaskStore;
  handlers: Record<string, TaskHandler>;
  logger: Logger;
  maxAttempts: number;
  timeoutMs: number;
  leaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts one sweep runs at once (TASK_CONCURRENCY). */
  concurrency?: number;
  /**
   * The account's send budget (EMAIL_RATE_LIMIT_PER_SEC), shared through the database by every
   * process and isolate; none for the dev mailbox or when the limit is off.
   */
  sendBudget?: SendBudget;
  /** How long delivery pauses after an account-wide failure when the provider gave no time. */
  pauseMs?: number;
  /**
   * Delivery held until the configuration changes (e.g. `no_provider`: a Worker without
   * RESEND_API_KEY, not in dev mode). Tasks are stored and wait; nothing is claimed or attempted.
   */
  held?: string;
  /** Identifies this engine's leases. One per process (Node) or invocation (Workers). */
  owner?: string;
  random?: () => number;
  now?: () => number;
  /** Spans: `task.attempt` (linked to the enqueuing request's trace) and `sweeper.run`. */
  tracer?: Tracer;
}

/** `until` is null while delivery is held for a reason only a configuration change ends. */
export type DeliveryState = { state: 'running' } | { state: 'paused'; reason: string; until: string | null };

/** How long a held task is put back for before anyone looks again (a redeploy may have fixed it). */
const HELD_RECHECK_MS = 60_000;

export interface TaskEngine {
  readonly owner: string;
  /** A task row to write already leased to this engine: the fast path. */
  leasedTask(kind: string, payload: unknown): NewLeasedTask;
  /** Runs one attempt of a task this engine holds, and records its outcome. Never throws. */
  run(task: LeasedTask): Promise<AttemptResult>;
  /** Claims up to `concurrency` due tasks and runs them. Returns how many were claimed. */
  sweep(limit?: number): Promise<number>;
  /** Whether delivery is paused (account-wide failure), and why. */
  deliveryState(): DeliveryState;
  /** Shutdown: attempts in flight are aborted (and recorded); tasks still waiting to start are released. */
  abort(): void;
}

export function createTaskEngine(options: TaskEngineOptions): TaskEngine {
  const owner = options.owner ?? `engine-${crypto.randomUUID()}`;
  const { store, logger } = options;
  const tracer = options.tracer ?? noopTracer;
  const now = options.now ?? Date.now;
  const concurrency = options.concurrency ?? 10;
  const budget = options.sendBudget;
  // Waiting longer than this for a send slot risks the lease: give the task back instead.
  const maxSlotWaitMs = Math.max(1000, options.leaseMs - options.timeoutMs) / 2;
  const shutdown = new AbortController();
  // Attempts in progress (waiting for a send slot or running), aborted together at shutdown. One set
  // rather than one listener per attempt on a shared signal.
  const inFlight = new Set<AbortController>();
  let paused: { reason: string; until: number } | undefined;

  const pausedFor = () => {
    if (options.held) return HELD_RECHECK_MS;
    return paused && paused.until > now() ? paused.until - now() : 0;
  };

  async function release(task: LeasedTask, delayMs: number, why: string): Promise<AttemptResult> {
    const held = await store.releaseTask(task, delayMs);
    logger.info('task.released', { taskId: task.id, kind: task.kind, why, delayMs: Math.round(delayMs) });
    return held ? 'released' : 'lease-lost';
  }

  async function finish(task: LeasedTask, startedAt: number, error: unknown): Promise<AttemptResult> {
    const attempt: AttemptRecord = {
      startedAt: new Date(startedAt),
      durationMs: now() - startedAt,
      error: describeError(error),
    };
    const log = { taskId: task.id, kind: task.kind, attempt: task.attempts, error: attempt.error };
    if (error instanceof RateLimitedError && budget) {
      // Everyone slows down, not just this task: the provider counts the whole account.
      await budget.backOff(error.retryAfterMs).catch(() => {});
      logger.warn('send_budget.pushed_back', { retryAfterMs: error.retryAfterMs });
    }
    if (error instanceof PauseDeliveryError) {
      const pauseMs = Math.min(options.retryMaxMs, error.pauseMs ?? options.pauseMs ?? 60_000);
      paused = { reason: error.message, until: now() + pauseMs };
      logger.error('delivery.paused', { reason: error.message, pauseMs });
      const held = await store.releaseTask(task, pauseMs, attempt);
      return held ? 'released' : 'lease-lost';
    }
    if (error instanceof PermanentError || task.attempts >= task.maxAttempts) {
      const held = await store.deadLetterTask(task, attempt);
      logger.warn('task.dead', log);
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
    logger.info('task.retry', { ...log, delayMs });
    return held ? 'retry-scheduled' : 'lease-lost';
  }

  async function attempt(task: LeasedTask, span: Span): Promise<AttemptResult> {
    if (pausedFor() > 0) return release(task, pausedFor(), 'delivery paused');
    if (shutdown.signal.aborted) return release(task, 0, 'shutting down');
    // One controller per attempt, aborted by shutdown, or by its timer once the attempt has started.
    // (Not AbortSignal.any with AbortSignal.timeout: on Node 20 the inner timeout signal can be
    // garbage-collected before it fires, and a hanging provider would then hang the attempt forever —
    // nodejs/node#57736.)
    const controller = new AbortController();
    inFlight.add(controller);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      if (budget) {
        const slot = await budget.reserve(maxSlotWaitMs);
        // The queue is longer than the lease allows: give the task back for when it has room.
        if (!slot.reserved) return release(task, slot.queueMs, 'send budget');
        try {
          await sleep(slot.waitMs, controller.signal);
        } catch {
          return release(task, 0, 'shutting down');
        }
      }
      const handler = options.handlers[task.kind];
      const startedAt = now();
      timer = setTimeout(
        () => controller.abort(new DOMException('attempt timed out', 'TimeoutError')),
        options.timeoutMs,
      );
      let outcome: unknown;
      try {
        if (!handler) throw new PermanentError(`no handler for task kind ${task.kind}`);
        outcome = await handler(task.payload, { taskId: task.id, attempt: task.attempts, signal: controller.signal });
      } catch (error) {
        clearTimeout(timer);
        recordError(span, error ?? new Error('handler threw nothing'));
        return finish(task, startedAt, error ?? new Error('handler threw nothing'));
      }
      clearTimeout(timer);
      const durationMs = now() - startedAt;
      const held = await store.completeTask(task, { startedAt: new Date(startedAt), durationMs }, outcome);
      logger.info('task.succeeded', { taskId: task.id, kind: task.kind, attempt: task.attempts, durationMs });
      return held ? 'succeeded' : 'lease-lost';
    } finally {
      clearTimeout(timer);
      inFlight.delete(controller);
    }
  }

  async function runAttempt(task: LeasedTask, span: Span): Promise<AttemptResult> {
    try {
      return await attempt(task, span);
    } catch (error) {
      recordError(span, error);
      // Recording the outcome failed (database down). The lease will expire and a sweeper will run the
      // task again; the provider's idempotency key keeps that from sending twice.
      logger.error('task.record_failed', { taskId: task.id, kind: task.kind, error: describeError(error) });
      return 'lease-lost';
    }
  }

  /**
   * One attempt in its own `task.attempt` span, LINKED (not parented) to the trace of the request that
   * enqueued the task. `parent` is the sweeper run's context, or none (fast path: a trace of its own).
   */
  function run(task: LeasedTask, parent: Context = ROOT_CONTEXT): Promise<AttemptResult> {
    const attributes = { 'task.id': task.id, 'task.kind': task.kind, 'task.attempt': task.attempts };
    return tracer.startActiveSpan(
      'task.attempt',
      { attributes, links: linksTo(task.traceParent, { 'link.reason': 'enqueued-by' }) },
      parent,
      async (span) => {
        const result = await runAttempt(task, span);
        span.setAttribute('task.outcome', result);
        span.end();
        return result;
      },
    );
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
      // The enqueuing request's span: the attempts (fast path or sweeper) link to its trace.
      traceParent: formatTraceparent(trace.getActiveSpan()?.spanContext()) ?? null,
    }),
    run: (task) => run(task),
    async sweep(limit = concurrency) {
      // While paused or stopping, leave due tasks in the table: nothing is claimed, nothing is burned.
      if (pausedFor() > 0 || shutdown.signal.aborted) return 0;
      return inSpan(
        tracer,
        'sweeper.run',
        { 'sweeper.owner': owner, 'sweeper.limit': limit },
        async (span) => {
          const claimed = await store.claimTasks(owner, limit, options.leaseMs);
          span.setAttribute('sweeper.claimed', claimed.length);
          await Promise.all(claimed.map((task) => run(task, context.active())));
          return claimed.length;
        },
        ROOT_CONTEXT,
      );
    },
    deliveryState: () => {
      if (options.held) return { state: 'paused', reason: options.held, until: null };
      const left = pausedFor();
      return left > 0 && paused
        ? { state: 'paused', reason: paused.reason, until: new Date(now() + left).toISOString() }
        : { state: 'running' };
    },
    abort: () => {
      const reason = new DOMException('shutting down', 'AbortError');
      shutdown.abort(reason);
      for (const controller of inFlight) controller.abort(reason);
    },
  };
}
