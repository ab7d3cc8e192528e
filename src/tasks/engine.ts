// The task engine: a facade over its parts. See ./types.ts for the glossary.
//
//   kinds/          what each kind of task is and how its work is sent
//   attempt.ts      the lifecycle every send goes through (pause gate, send slot, time limit, shutdown)
//   send-batch.ts   the one send path: a batch of one kind (a single task is a batch of one)
//   batcher.ts      gathers the fast path's tasks into batches
//   outcomes.ts     what a send comes to for each task; delivery-pause.ts, slot-line.ts, send-budget.ts
//   store.ts, sql/  every state transition, one statement each
import { context, ROOT_CONTEXT, type Tracer, trace } from '@opentelemetry/api';
import type { Logger } from '../ports/logger.js';
import type { CancelResult, EnqueueResult, KeyMode, LeasedTask, NewTask, TaskState } from '../ports/tasks.js';
import { formatTraceparent, inSpan, noopTracer } from '../tracing/tracer.js';
import { createAttempts } from './attempt.js';
import { delayBeforeRetry } from './backoff.js';
import { type Batcher, createBatcher, MAX_BATCH } from './batcher.js';
import { createDeliveryPause, type DeliveryState } from './delivery-pause.js';
import { RetryAfterError } from './errors.js';
import { type BatchSender, deadOfUnknownKind, sendBatch, sendClaimed } from './send-batch.js';
import type { SendBudget } from './send-budget.js';
import { createSlotLine } from './slot-line.js';
import type { TaskStore } from './store.js';
import type { AttemptResult, TaskKind } from './types.js';

export type { DeliveryState };

export interface TaskEngineOptions {
  store: TaskStore;
  /** The kinds this engine runs (./kinds/index.ts); a task of any other kind is a dead letter. */
  kinds: TaskKind[];
  /** How long a batch waits for company when another is already on its way (EMAIL_BATCH_WINDOW_MS). */
  batchWindowMs?: number;
  logger: Logger;
  /** Defaults for kinds that declare none. */
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  leaseMs: number;
  /** Tasks one sweep claims when no kind batches (TASK_CONCURRENCY). */
  concurrency?: number;
  /** The account's send budget (EMAIL_RATE_LIMIT_PER_SEC), shared through the database; none: no limit. */
  sendBudget?: SendBudget;
  /** How long delivery pauses after an account-wide failure when the provider gave no time. */
  pauseMs?: number;
  /** Delivery held until the configuration changes (`no_provider`): tasks are stored and wait. */
  held?: string;
  /** Identifies this engine's leases. One per process (Node) or invocation (Workers). */
  owner?: string;
  random?: () => number;
  now?: () => number;
  /** Spans: `batch.send`, `task.attempt` (linked to the enqueuing request's trace), `sweeper.run`. */
  tracer?: Tracer;
}

/** How a task is written: when it is due, and its key. Without `runAt` it starts on the fast path. */
export interface TaskOptions {
  /** Pending, claimed from this instant on; without it the task is leased for the fast path. */
  runAt?: Date;
  /** Pending and due now, for a queue's consumer (Workers with EMAIL_QUEUE). */
  claim?: boolean;
  key?: { value: string; mode: KeyMode };
}

export interface TaskEngine {
  readonly owner: string;
  /** A task row of `kind` to write in the statement that causes it (src/tasks/sql/enqueue.ts). */
  task(kind: string, payload: unknown, options?: TaskOptions): NewTask;
  /** Writes a task on its own, pending (due at `runAt` or now): inserted, or its key found taken. */
  enqueue(kind: string, payload: unknown, options?: Omit<TaskOptions, 'claim'>): Promise<EnqueueResult>;
  /** Cancels the pending or running task of `kind` with `key` (src/tasks/sql/cancel.ts). */
  cancel(kind: string, key: string): Promise<CancelResult>;
  /** Milliseconds until the next task falls due (database clock); null when none waits. */
  nextDueInMs(): Promise<number | null>;
  /** `listener` hears the `runAt` of each scheduled task this engine writes (the Node sweeper's timer). */
  onScheduled(listener: (runAt: Date) => void): void;
  /**
   * A task a statement wrote (not made by `task`: an offer's expiry, a task's own letters) falls due at
   * `runAt`: the `onScheduled` listeners hear of it as of the engine's own.
   */
  expectDue(runAt: Date): void;
  /** A queue consumer's delivery: claims those of `ids` that are due or abandoned, runs them, says where each stands. */
  deliver(ids: string[]): Promise<Map<string, TaskState>>;
  /**
   * Starts tasks a request wrote pending, after its answer (no queue): claims those of `ids` that are
   * due, by id, and hands each to the batcher of its kind, as the fast path does, so the tasks of many
   * requests at once share batches (one provider request for up to 100) instead of one each. Resolves
   * once they are done; rejects only if the claim fails (the tasks then wait for a sweeper).
   */
  start(ids: string[]): Promise<void>;
  /** Due tasks nobody picked up for `graceMs` (a lost queue message): their ids, to announce again. */
  overdue(limit: number, graceMs: number): Promise<string[]>;
  /** The waiting ones of `ids` become dead letters (the queue gave up on them); returns those marked. */
  giveUp(ids: string[], reason: string): Promise<string[]>;
  /** Pending tasks falling due within `windowMs`: their ids and how long until each (the Cron sweeper). */
  upcoming(limit: number, windowMs: number): Promise<{ id: string; dueInMs: number }[]>;
  /** Runs the first attempt of a task this engine holds (the fast path), in a batch of its kind. Never throws. */
  run(task: LeasedTask): Promise<AttemptResult>;
  /** Claims up to `limit` due tasks (most urgent first) and sends them in batches. Returns how many were claimed. */
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
  const kinds = new Map(options.kinds.map((k) => [k.name, k]));
  const batching = options.kinds.some((k) => k.batchSize > 1);
  const pause = createDeliveryPause({
    held: options.held,
    defaultMs: options.pauseMs ?? 60_000,
    maxMs: options.retryMaxMs,
    now,
    logger,
  });
  // The line's grace is the batch window: the time the next batch of the same kind may take to form.
  const line = createSlotLine({ graceMs: (options.batchWindowMs ?? 10) + 5 });
  const attempts = createAttempts({ ...options, pause, budget: options.sendBudget, line, now });
  // Who hears of scheduled tasks and retries (the Node sweeper's timer).
  const scheduled: ((runAt: Date) => void)[] = [];
  const sender: BatchSender = {
    store,
    logger,
    tracer,
    attempts,
    budget: options.sendBudget,
    leaseMs: options.leaseMs,
    now,
    // A retry is a scheduled task too: the sweeper hears of it (on Node it wakes for it).
    retried: (runAt) => {
      for (const listener of scheduled) listener(runAt);
    },
    rules: {
      retryDelay(task, attemptsMade, error) {
        const backoff = kinds.get(task.kind)?.backoff ?? { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs };
        const retryAfterMs = error instanceof RetryAfterError ? error.retryAfterMs : undefined;
        return delayBeforeRetry(attemptsMade, retryAfterMs, backoff, options.random);
      },
      pause: (error) => pause.pause(error),
    },
  };
  const batchers = new Map<string, Batcher>();

  function batcherFor(kind: TaskKind): Batcher {
    let batcher = batchers.get(kind.name);
    if (!batcher) {
      batcher = createBatcher({
        windowMs: options.batchWindowMs ?? 10,
        size: kind.batchSize,
        signal: attempts.stopping,
        send: (draw) => sendBatch(sender, kind, draw, ROOT_CONTEXT),
      });
      batchers.set(kind.name, batcher);
    }
    return batcher;
  }

  function task(kindName: string, payload: unknown, taskOptions: TaskOptions = {}): NewTask {
    const kind = kinds.get(kindName);
    if (taskOptions.runAt) for (const listener of scheduled) listener(taskOptions.runAt);
    return {
      id: crypto.randomUUID(),
      kind: kindName,
      payload,
      maxAttempts: kind?.maxAttempts ?? options.maxAttempts,
      priority: kind?.priority ?? 0,
      start: taskOptions.runAt || taskOptions.claim ? 'claim' : 'fast-path',
      runAt: taskOptions.runAt ?? null,
      key: taskOptions.key ?? null,
      leaseOwner: owner,
      leaseMs: options.leaseMs,
      // The enqueuing request's span: the attempts (fast path, queue or sweeper) link to its trace.
      traceParent: formatTraceparent(trace.getActiveSpan()?.spanContext()) ?? null,
    };
  }

  async function claimAndSend(name: string, attributes: Record<string, number | string>, ids?: string[]) {
    return inSpan(
      tracer,
      name,
      attributes,
      async (span) => {
        const limit = ids?.length ?? Number(attributes['sweeper.limit']);
        const claimed = await store.claimTasks(owner, limit, options.leaseMs, ids);
        span.setAttribute(ids ? 'queue.claimed' : 'sweeper.claimed', claimed.length);
        await Promise.all(sendClaimed(sender, kinds, claimed, context.active()));
        return claimed.length;
      },
      ROOT_CONTEXT,
    );
  }

  return {
    owner,
    task,
    enqueue: (kind, payload, taskOptions = {}) =>
      store.enqueueTask(task(kind, payload, { ...taskOptions, claim: true })),
    cancel: (kind, key) => store.cancelTask(kind, key),
    nextDueInMs: () => store.nextDueInMs(),
    onScheduled: (listener) => void scheduled.push(listener),
    expectDue(runAt) {
      for (const listener of scheduled) listener(runAt);
    },
    async deliver(ids) {
      // While paused or stopping nothing is claimed: the tasks wait in the table (see `sweep`).
      if (ids.length > 0 && attempts.open()) await claimAndSend('queue.deliver', { 'queue.messages': ids.length }, ids);
      return store.taskStates(ids);
    },
    async start(ids) {
      // While paused or stopping nothing is claimed: the tasks wait in the table (see `sweep`).
      if (ids.length === 0 || !attempts.open()) return;
      const claimed = await store.claimTasks(owner, ids.length, options.leaseMs, ids);
      // A task of a batch already formed is re-sent as that batch; one of an unknown kind is dead alone.
      const alone = claimed.filter((t) => t.batchId || !kinds.has(t.kind));
      const joining = claimed.filter((t) => !alone.includes(t));
      await Promise.all([
        ...sendClaimed(sender, kinds, alone, ROOT_CONTEXT),
        ...joining.map((t) => batcherFor(kinds.get(t.kind) as TaskKind).add(t)),
      ]);
    },
    overdue: (limit, graceMs) => store.overdueTasks(limit, graceMs),
    giveUp: (ids, reason) => store.giveUpTasks(ids, reason),
    upcoming: (limit, windowMs) => store.upcomingTasks(limit, windowMs),
    run(leased) {
      const kind = kinds.get(leased.kind);
      return kind ? batcherFor(kind).add(leased) : deadOfUnknownKind(sender, leased);
    },
    async sweep(limit = batching ? MAX_BATCH : (options.concurrency ?? 10)) {
      // While paused or stopping, leave due tasks in the table: nothing is claimed, nothing is burned.
      if (!attempts.open()) return 0;
      return claimAndSend('sweeper.run', { 'sweeper.owner': owner, 'sweeper.limit': limit });
    },
    deliveryState: () => pause.state(),
    abort: () => attempts.abort(),
  };
}
