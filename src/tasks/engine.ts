// The task engine: runs leased tasks and records each attempt's outcome. See ./types.ts for the glossary.
//
// One attempt:  [delivery paused? → release]  →  reserve a slot in the account's send budget and wait
// for it (too far off → release)  →  handler under a timeout  →  complete | retry with backoff (a 429
// also pushes the shared budget back) | dead letter | release (account-wide failure: pause).
import { type Context, context, ROOT_CONTEXT, type Span, type Tracer, trace } from '@opentelemetry/api';
import { describeError } from '../ports/errors.js';
import type { Logger } from '../ports/logger.js';
import type { AttemptRecord, LeasedTask, NewTask, TaskState } from '../ports/tasks.js';
import { formatTraceparent, inSpan, linksTo, noopTracer, recordError } from '../tracing/tracer.js';
import { delayBeforeRetry } from './backoff.js';
import { type Batcher, createBatcher, MAX_BATCH } from './batcher.js';
import { AnsweredError, PauseDeliveryError, PermanentError, RateLimitedError, RetryAfterError } from './errors.js';
import { type SendBudget, takeSlot } from './send-budget.js';
import type { BatchTaskOutcome } from './sql/finish-batch.js';
import type { TaskStore } from './store.js';
import type { AttemptResult, BatchHandler, BatchItemOutcome, TaskHandler } from './types.js';

export interface TaskEngineOptions {
  store: TaskStore;
  handlers: Record<string, TaskHandler>;
  /**
   * Kinds sent in batches (one provider request for up to 100 tasks): the fast path hands their tasks
   * to a batcher (./batcher.ts), a sweep sends what it claims as batches. Such a kind needs no `handlers` entry.
   */
  batchHandlers?: Record<string, BatchHandler>;
  /** How long a batch waits for company when another is already on its way (EMAIL_BATCH_WINDOW_MS). */
  batchWindowMs?: number;
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
  leasedTask(kind: string, payload: unknown): NewTask;
  /** A task row to write pending and due, for a queue's consumer to claim (Workers with EMAIL_QUEUE). */
  queuedTask(kind: string, payload: unknown): NewTask;
  /**
   * A queue consumer's delivery: claims those of `ids` that are due or abandoned (with their batch
   * mates), runs them (batch kinds as batches), then says where each of `ids` stands (none: no such task).
   */
  deliver(ids: string[]): Promise<Map<string, TaskState>>;
  /** Due tasks nobody picked up for `graceMs` (a lost queue message): their ids, to announce again. */
  overdue(limit: number, graceMs: number): Promise<string[]>;
  /** The waiting ones of `ids` become dead letters (the queue gave up on them); returns those marked. */
  giveUp(ids: string[], reason: string): Promise<string[]>;
  /** Runs one attempt of a task this engine holds, and records its outcome. Never throws. */
  run(task: LeasedTask): Promise<AttemptResult>;
  /**
   * Claims up to `limit` due tasks (default `concurrency`, or a full batch when there are batch
   * handlers) and runs them, batch kinds as batches. Returns how many were claimed.
   */
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

  /** A slot in the account's send budget, waited for; or why not (shutdown, a queue too long). */
  async function sendSlot(
    signal: AbortSignal,
  ): Promise<{ taken: true } | { taken: false; queueMs: number; why: string }> {
    if (!budget) return { taken: true };
    try {
      const slot = await takeSlot(budget, maxSlotWaitMs, signal, now);
      return slot.taken ? slot : { ...slot, why: 'send budget' };
    } catch (error) {
      if (signal.aborted) return { taken: false, queueMs: 0, why: 'shutting down' };
      throw error;
    }
  }
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

  /** Delivery stops for everyone after an account-wide failure; returns for how long. */
  function pauseDelivery(error: PauseDeliveryError): number {
    const pauseMs = Math.min(options.retryMaxMs, error.pauseMs ?? options.pauseMs ?? 60_000);
    paused = { reason: error.message, until: now() + pauseMs };
    logger.error('delivery.paused', { reason: error.message, pauseMs });
    return pauseMs;
  }

  /** After a 429 everyone slows down, not just this task or batch: the provider counts the whole account. */
  async function slowEveryoneOn(error: unknown): Promise<void> {
    if (!(error instanceof RateLimitedError) || !budget) return;
    await budget.backOff(error.retryAfterMs).catch(() => {});
    logger.warn('send_budget.pushed_back', { retryAfterMs: error.retryAfterMs });
  }

  /** The delay before the next attempt: the backoff, or the provider's Retry-After when longer, within the cap. */
  function retryDelay(attempts: number, error: unknown): number {
    return delayBeforeRetry(
      attempts,
      error instanceof RetryAfterError ? error.retryAfterMs : undefined,
      { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs },
      options.random,
    );
  }

  async function finish(task: LeasedTask, startedAt: number, error: unknown): Promise<AttemptResult> {
    const attempt: AttemptRecord = {
      startedAt: new Date(startedAt),
      durationMs: now() - startedAt,
      error: describeError(error),
    };
    const log = { taskId: task.id, kind: task.kind, attempt: task.attempts, error: attempt.error };
    await slowEveryoneOn(error);
    if (error instanceof PauseDeliveryError) {
      const held = await store.releaseTask(task, pauseDelivery(error), attempt);
      return held ? 'released' : 'lease-lost';
    }
    if (error instanceof PermanentError || task.attempts >= task.maxAttempts) {
      const held = await store.deadLetterTask(task, attempt);
      logger.warn('task.dead', log);
      return held ? 'dead' : 'lease-lost';
    }
    const delayMs = retryDelay(task.attempts, error);
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
      const slot = await sendSlot(controller.signal);
      // Shutting down, or the queue is longer than the lease allows: give the task back for later.
      if (!slot.taken) return release(task, slot.queueMs, slot.why);
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

  const batchHandlers = options.batchHandlers ?? {};
  const batching = Object.keys(batchHandlers).length > 0;
  const batchers = new Map<string, Batcher>();

  const ATTEMPT_RESULT = {
    succeeded: 'succeeded',
    failed: 'retry-scheduled',
    dead: 'dead',
    paused: 'released',
  } as const satisfies Record<BatchTaskOutcome['outcome'], AttemptResult>;

  /** An error from a batch send that came with the provider's answer: nothing was sent. */
  const answered = (error: unknown) =>
    error instanceof PermanentError ||
    error instanceof PauseDeliveryError ||
    error instanceof RetryAfterError ||
    error instanceof AnsweredError;

  /** What a failed attempt of `task` leads to (as `finish` decides it for a task alone). */
  function failedOutcome(task: LeasedTask, error: unknown, delayMs?: number): BatchTaskOutcome {
    const described = describeError(error);
    if (error instanceof PermanentError || task.attempts >= task.maxAttempts) {
      return { task, outcome: 'dead', error: described, cause: error };
    }
    return {
      task,
      outcome: 'failed',
      error: described,
      cause: error,
      delayMs: delayMs ?? retryDelay(task.attempts, error),
    };
  }

  /** Each task's outcome, from the batch's answer (`items`) or its failure. */
  function batchOutcomes(
    members: LeasedTask[],
    items: BatchItemOutcome[] | undefined,
    failure: unknown,
    keepBatch: boolean,
  ) {
    if (items) {
      return members.map((task, i): BatchTaskOutcome => {
        const item = items[i] as BatchItemOutcome;
        return item.ok ? { task, outcome: 'succeeded', result: item.result } : failedOutcome(task, item.error);
      });
    }
    if (failure instanceof PauseDeliveryError) {
      const pauseMs = pauseDelivery(failure);
      return members.map(
        (task): BatchTaskOutcome => ({
          task,
          outcome: 'paused',
          error: describeError(failure),
          cause: failure,
          delayMs: pauseMs,
        }),
      );
    }
    if (!keepBatch) return members.map((task) => failedOutcome(task, failure));
    // The batch stays together, so its tasks share one fate and one run_at — and if one of them is out
    // of attempts (or the answer was final), the batch cannot be re-sent without it: all are dead letters.
    const error = describeError(failure);
    if (failure instanceof PermanentError || members.some((t) => t.attempts >= t.maxAttempts)) {
      return members.map((task): BatchTaskOutcome => ({ task, outcome: 'dead', error, cause: failure }));
    }
    const delayMs = retryDelay(Math.max(...members.map((t) => t.attempts)), failure);
    return members.map((task): BatchTaskOutcome => ({ task, outcome: 'failed', error, cause: failure, delayMs }));
  }

  /**
   * One batch: [paused or stopping → give back] → reserve a send slot and wait for it → draw the tasks
   * → form the batch in the database (unless they already are one) → ONE provider request → record
   * every task's outcome in one statement. Never throws; each drawn task gets a result.
   */
  function sendBatch(handler: BatchHandler, draw: () => LeasedTask[], parent: Context) {
    // The whole of it in the batch's span: a trace of its own (fast path) or in the sweeper run's.
    return tracer.startActiveSpan('batch.send', {}, parent, async (span) => {
      try {
        return await sendBatchIn(span, handler, draw);
      } finally {
        span.end();
      }
    });
  }

  async function sendBatchIn(
    span: Span,
    handler: BatchHandler,
    draw: () => LeasedTask[],
  ): Promise<Map<string, AttemptResult>> {
    const results = new Map<string, AttemptResult>();
    let drawn: LeasedTask[] = [];
    const giveBack = async (delayMs: number, why: string) => {
      drawn = draw();
      await Promise.all(
        drawn.map(async (task) => results.set(task.id, await release(task, delayMs, why).catch(() => 'lease-lost'))),
      );
      return results;
    };
    if (pausedFor() > 0) return giveBack(pausedFor(), 'delivery paused');
    if (shutdown.signal.aborted) return giveBack(0, 'shutting down');
    const controller = new AbortController();
    inFlight.add(controller);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      // One slot per provider request: a batch of 100 costs what a single email did.
      const slot = await sendSlot(controller.signal);
      if (!slot.taken) return await giveBack(slot.queueMs, slot.why);
      drawn = draw();
      const ready: { task: LeasedTask; payload: unknown }[] = [];
      for (const task of drawn) {
        try {
          ready.push({ task, payload: handler.check(task.payload) });
        } catch (error) {
          // A payload that can never be sent stays out of every batch: it is dead on its own.
          results.set(task.id, await finish(task, now(), error));
        }
      }
      if (ready.length === 0) return results;
      // Already a batch (its last send's outcome is unknown): sent again as it is. Else formed now,
      // on record before the provider hears of it.
      let batchId = ready[0]?.task.batchId ?? null;
      const resent = batchId !== null;
      let members = ready;
      if (!batchId) {
        batchId = crypto.randomUUID();
        const formed = new Set(
          await store.formBatch(
            batchId,
            ready.map((r) => r.task),
            options.leaseMs,
          ),
        );
        for (const r of ready) if (!formed.has(r.task.id)) results.set(r.task.id, 'lease-lost');
        members = ready.filter((r) => formed.has(r.task.id)).map((r) => ({ ...r, task: { ...r.task, batchId } }));
        if (members.length === 0) return results;
      }
      // A fixed order (by task id) and the stored payloads: a re-send is byte-identical.
      members.sort((a, b) => (a.task.id < b.task.id ? -1 : a.task.id > b.task.id ? 1 : 0));
      const tasks = members.map((m) => m.task);
      const id = batchId;
      span.setAttributes({ 'batch.id': id, 'batch.size': members.length, 'task.kind': tasks[0]?.kind ?? '' });
      // Linked to every enqueuing request, as each task's attempt is.
      span.addLinks(tasks.flatMap((t) => linksTo(t.traceParent, { 'link.reason': 'enqueued-by' })));
      const startedAt = now();
      timer = setTimeout(
        () => controller.abort(new DOMException('attempt timed out', 'TimeoutError')),
        options.timeoutMs,
      );
      let items: BatchItemOutcome[] | undefined;
      let failure: unknown;
      try {
        items = await handler.send(
          members.map((m) => m.payload),
          { batchId: id, signal: controller.signal },
        );
        if (items.length !== members.length) {
          failure = new Error(`the batch handler gave ${items.length} outcomes for ${members.length} tasks`);
          items = undefined;
        }
      } catch (error) {
        failure = error ?? new Error('batch handler threw nothing');
        recordError(span, failure);
      }
      clearTimeout(timer);
      const durationMs = now() - startedAt;
      await slowEveryoneOn(failure);
      // Only an answer to a batch's FIRST request proves what it sent. An error answer to a re-send
      // (e.g. a 429 before the provider looked at the key) says nothing about the earlier request, which
      // may have been accepted: the batch stays together until a request of it succeeds.
      const keepBatch = failure !== undefined && (resent || !answered(failure));
      const outcomes = batchOutcomes(tasks, items, failure, keepBatch);
      span.setAttribute('batch.outcome_known', !keepBatch);
      const recorded = new Set(
        await store.finishBatch({ batchId: id, startedAt: new Date(startedAt), durationMs, keepBatch }, outcomes),
      );
      for (const o of outcomes) {
        const result = recorded.has(o.task.id) ? ATTEMPT_RESULT[o.outcome] : 'lease-lost';
        results.set(o.task.id, result);
        // Each task's attempt in the batch: a child of the batch's span, linked to its enqueuing request.
        const attemptSpan = tracer.startSpan(
          'task.attempt',
          {
            startTime: startedAt,
            attributes: {
              'task.id': o.task.id,
              'task.kind': o.task.kind,
              'task.attempt': o.task.attempts,
              'batch.id': id,
              'task.outcome': result,
            },
            links: linksTo(o.task.traceParent, { 'link.reason': 'enqueued-by' }),
          },
          context.active(),
        );
        if (o.outcome !== 'succeeded') recordError(attemptSpan, o.cause);
        attemptSpan.end();
        const log = { taskId: o.task.id, kind: o.task.kind, attempt: o.task.attempts, batchId: id };
        if (o.outcome === 'succeeded') logger.info('task.succeeded', { ...log, durationMs });
        else if (o.outcome === 'dead') logger.warn('task.dead', { ...log, error: o.error });
        else if (o.outcome === 'failed') logger.info('task.retry', { ...log, error: o.error, delayMs: o.delayMs });
      }
      const refused = outcomes.filter((o) => o.outcome !== 'succeeded').length;
      logger.info(failure === undefined ? 'batch.sent' : 'batch.failed', {
        batchId: id,
        size: members.length,
        ...(failure === undefined ? { refused } : { error: describeError(failure), outcomeKnown: !keepBatch }),
        durationMs,
      });
      return results;
    } catch (error) {
      // Recording failed (database down). The leases will expire and a sweeper will claim the tasks again:
      // a formed batch as a whole, under the same Idempotency-Key, so that cannot send twice.
      logger.error('batch.record_failed', { error: describeError(error) });
      for (const task of drawn) if (!results.has(task.id)) results.set(task.id, 'lease-lost');
      return results;
    } finally {
      clearTimeout(timer);
      inFlight.delete(controller);
    }
  }

  function batcherFor(kind: string, handler: BatchHandler): Batcher {
    let batcher = batchers.get(kind);
    if (!batcher) {
      batcher = createBatcher({
        windowMs: options.batchWindowMs ?? 10,
        signal: shutdown.signal,
        send: (draw) => sendBatch(handler, draw, ROOT_CONTEXT),
      });
      batchers.set(kind, batcher);
    }
    return batcher;
  }

  /** A sweep's claim in batches: a batch already formed as it is, the others in batches of up to 100. */
  function sendClaimed(claimed: LeasedTask[], parent: Context): Promise<unknown>[] {
    const formed = new Map<string, LeasedTask[]>();
    const loose = new Map<string, LeasedTask[]>();
    const alone: LeasedTask[] = [];
    for (const task of claimed) {
      if (!batchHandlers[task.kind]) alone.push(task);
      else if (task.batchId) formed.set(task.batchId, [...(formed.get(task.batchId) ?? []), task]);
      else loose.set(task.kind, [...(loose.get(task.kind) ?? []), task]);
    }
    const groups = [...formed.values()];
    for (const tasks of loose.values()) {
      for (let i = 0; i < tasks.length; i += MAX_BATCH) groups.push(tasks.slice(i, i + MAX_BATCH));
    }
    return [
      ...groups.map((tasks) => {
        const handler = batchHandlers[tasks[0]?.kind ?? ''] as BatchHandler;
        return sendBatch(handler, () => tasks, parent);
      }),
      ...alone.map((task) => run(task, parent)),
    ];
  }

  const newTask = (kind: string, payload: unknown, queued: boolean): NewTask => ({
    id: crypto.randomUUID(),
    kind,
    payload,
    maxAttempts: options.maxAttempts,
    priority: 0,
    leaseOwner: owner,
    leaseMs: options.leaseMs,
    // The enqueuing request's span: the attempts (fast path, queue or sweeper) link to its trace.
    traceParent: formatTraceparent(trace.getActiveSpan()?.spanContext()) ?? null,
    ...(queued ? { queued } : {}),
  });

  return {
    owner,
    leasedTask: (kind, payload) => newTask(kind, payload, false),
    queuedTask: (kind, payload) => newTask(kind, payload, true),
    async deliver(ids) {
      // While paused or stopping nothing is claimed: the tasks wait in the table (see `sweep`).
      if (ids.length > 0 && pausedFor() === 0 && !shutdown.signal.aborted) {
        await inSpan(
          tracer,
          'queue.deliver',
          { 'queue.messages': ids.length },
          async (span) => {
            const claimed = await store.claimTasks(owner, ids.length, options.leaseMs, ids);
            span.setAttribute('queue.claimed', claimed.length);
            await Promise.all(sendClaimed(claimed, context.active()));
          },
          ROOT_CONTEXT,
        );
      }
      return store.taskStates(ids);
    },
    overdue: (limit, graceMs) => store.overdueTasks(limit, graceMs),
    giveUp: (ids, reason) => store.giveUpTasks(ids, reason),
    run: (task) => {
      const handler = batchHandlers[task.kind];
      return handler ? batcherFor(task.kind, handler).add(task) : run(task);
    },
    async sweep(limit = batching ? MAX_BATCH : concurrency) {
      // While paused or stopping, leave due tasks in the table: nothing is claimed, nothing is burned.
      if (pausedFor() > 0 || shutdown.signal.aborted) return 0;
      return inSpan(
        tracer,
        'sweeper.run',
        { 'sweeper.owner': owner, 'sweeper.limit': limit },
        async (span) => {
          const claimed = await store.claimTasks(owner, limit, options.leaseMs);
          span.setAttribute('sweeper.claimed', claimed.length);
          await Promise.all(sendClaimed(claimed, context.active()));
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
