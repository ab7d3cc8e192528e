// One batch, the one send path of the engine (a single task is a batch of one):
//
//   attempt lifecycle (./attempt.ts): gate → send slot — or give the tasks back
//   draw the tasks → check each payload against its kind (one that never could be sent is dead alone)
//   → form the batch in the database, on record before the provider hears of it (unless the tasks
//     already are one: its last send's outcome is unknown, and it is re-sent exactly as it was)
//   → ONE `send` of the kind, under the attempt's time limit → every task's outcome in ONE statement.
//
// Never throws: each drawn task gets a result.
import { type Context, context, type Span, type Tracer } from '@opentelemetry/api';
import { describeError } from '../ports/errors.js';
import type { Logger } from '../ports/logger.js';
import type { LeasedTask } from '../ports/tasks.js';
import { linksTo, recordError } from '../tracing/tracer.js';
import type { Attempts } from './attempt.js';
import { PermanentError, RateLimitedError } from './errors.js';
import { ATTEMPT_RESULT, batchOutcomes, failureOutcome, type OutcomeRules } from './outcomes.js';
import { parsePayload } from './payload.js';
import type { SendBudget } from './send-budget.js';
import type { BatchOutcome, BatchTaskOutcome } from './sql/finish-batch.js';
import type { TaskStore } from './store.js';
import type { AttemptResult, BatchItemOutcome, TaskKind } from './types.js';

export interface BatchSender {
  store: TaskStore;
  logger: Logger;
  tracer: Tracer;
  attempts: Attempts;
  rules: OutcomeRules;
  budget?: SendBudget;
  leaseMs: number;
  now: () => number;
  /** Hears when each retry recorded here falls due (the engine's `onScheduled` listeners). */
  retried?: (runAt: Date) => void;
}

type Results = Map<string, AttemptResult>;
interface Member {
  task: LeasedTask;
  payload: unknown;
}

/** The batch in its own span: a trace of its own (fast path) or in the sweeper run's (`parent`). */
export function sendBatch(s: BatchSender, kind: TaskKind, draw: () => LeasedTask[], parent: Context) {
  return s.tracer.startActiveSpan('batch.send', {}, parent, async (span) => {
    const results: Results = new Map();
    let drawn: LeasedTask[] = [];
    const drawOnce = () => {
      drawn = draw();
      return drawn;
    };
    try {
      return await s.attempts.run(
        kind.priority,
        {
          giveBack: (delayMs, why) => releaseAll(s, drawOnce(), delayMs, why, results),
          send: (timed) => checkFormSend(s, span, kind, drawOnce(), timed, results),
        },
        kind.provider !== false,
      );
    } catch (error) {
      // Recording failed (database down). The leases will expire and a sweeper will claim the tasks again:
      // a formed batch as a whole, under the same Idempotency-Key, so that cannot send twice.
      s.logger.error('batch.record_failed', { error: describeError(error) });
      for (const task of drawn) if (!results.has(task.id)) results.set(task.id, 'lease-lost');
      return results;
    } finally {
      span.end();
    }
  });
}

/**
 * Claimed tasks in batches (a sweep's or a queue delivery's): a batch already formed as it is, the
 * others by kind, up to its batch size. A task of a kind nobody declared is dead alone.
 */
export function sendClaimed(
  s: BatchSender,
  kinds: ReadonlyMap<string, TaskKind>,
  claimed: LeasedTask[],
  parent: Context,
): Promise<unknown>[] {
  const groups = new Map<string, LeasedTask[]>();
  const sends: Promise<unknown>[] = [];
  for (const task of claimed) {
    if (!kinds.has(task.kind)) sends.push(deadOfUnknownKind(s, task));
    else {
      const group = task.batchId ? `batch:${task.batchId}` : `kind:${task.kind}`;
      groups.set(group, [...(groups.get(group) ?? []), task]);
    }
  }
  for (const [group, tasks] of groups) {
    const kind = kinds.get(tasks[0]?.kind ?? '') as TaskKind;
    const size = group.startsWith('batch:') ? tasks.length : kind.batchSize;
    for (let i = 0; i < tasks.length; i += size) {
      const batch = tasks.slice(i, i + size);
      sends.push(sendBatch(s, kind, () => batch, parent));
    }
  }
  return sends;
}

/** Gives the tasks back (running → pending, no attempt burned): nothing was sent. */
async function releaseAll(s: BatchSender, tasks: LeasedTask[], delayMs: number, why: string, results: Results) {
  await Promise.all(
    tasks.map(async (task) => {
      const held = await s.store.releaseTask(task, delayMs).catch(() => false);
      s.logger.info('task.released', { taskId: task.id, kind: task.kind, why, delayMs: Math.round(delayMs) });
      results.set(task.id, held ? 'released' : 'lease-lost');
    }),
  );
  return results;
}

/** A task of a kind nobody declared: dead at once, on the fast path and when claimed. */
export function deadOfUnknownKind(s: Pick<BatchSender, 'store' | 'logger' | 'now'>, task: LeasedTask) {
  return deadAlone(s, task, new PermanentError(`no kind ${task.kind}`));
}

/** A task that can never be sent (its payload does not parse, or no kind of its name exists): dead alone. */
export async function deadAlone(s: Pick<BatchSender, 'store' | 'logger' | 'now'>, task: LeasedTask, error: unknown) {
  const attempt = { startedAt: new Date(s.now()), durationMs: 0, error: describeError(error) };
  const held = await s.store.deadLetterTask(task, attempt);
  s.logger.warn('task.dead', { taskId: task.id, kind: task.kind, attempt: task.attempts, error: attempt.error });
  return held ? 'dead' : 'lease-lost';
}

async function checkFormSend(
  s: BatchSender,
  span: Span,
  kind: TaskKind,
  drawn: LeasedTask[],
  timed: <R>(call: (signal: AbortSignal) => Promise<R>) => Promise<R>,
  results: Results,
): Promise<Results> {
  const ready: Member[] = [];
  for (const task of drawn) {
    try {
      ready.push({ task, payload: parsePayload(kind.payload, task.payload) });
    } catch (error) {
      results.set(task.id, await deadAlone(s, task, error));
    }
  }
  const formed = await formOrKeep(s, await withoutSkipped(s, kind, ready, results), results);
  if (!formed) return results;
  const { batchId, members, resent } = formed;
  const tasks = members.map((m) => m.task);
  span.setAttributes({ 'batch.id': batchId, 'batch.size': tasks.length, 'task.kind': kind.name });
  // Linked to every enqueuing request, as each task's attempt is.
  span.addLinks(tasks.flatMap((t) => linksTo(t.traceParent, { 'link.reason': 'enqueued-by' })));
  const startedAt = s.now();
  let sent: { items: BatchItemOutcome[] } | { failure: unknown; outcome: BatchOutcome };
  try {
    const taskIds = tasks.map((t) => t.id);
    const items = await timed((signal) =>
      kind.send(
        members.map((m) => m.payload),
        { batchId, taskIds, signal },
      ),
    );
    if (items.length !== members.length) {
      throw new Error(`the kind ${kind.name} gave ${items.length} outcomes for ${members.length} tasks`);
    }
    sent = { items };
  } catch (error) {
    const failure = error ?? new Error(`the kind ${kind.name} threw nothing`);
    recordError(span, failure);
    sent = { failure, outcome: failureOutcome(failure, resent) };
  }
  const durationMs = s.now() - startedAt;
  if ('failure' in sent) await slowEveryoneOn(s, sent.failure);
  const outcomes = batchOutcomes(tasks, sent, s.rules);
  const outcome = 'outcome' in sent ? sent.outcome : 'known';
  span.setAttribute('batch.outcome_known', outcome === 'known');
  const recorded = new Set(
    await s.store.finishBatch({ batchId, startedAt: new Date(startedAt), durationMs, outcome }, outcomes),
  );
  report(s, { batchId, startedAt, durationMs }, outcomes, recorded, results);
  const failure = 'failure' in sent ? sent.failure : undefined;
  s.logger.info(failure === undefined ? 'batch.sent' : 'batch.failed', {
    batchId,
    size: members.length,
    ...(failure === undefined
      ? { refused: outcomes.filter((o) => o.outcome !== 'succeeded').length }
      : { error: describeError(failure), outcomeKnown: outcome === 'known' }),
    durationMs,
  });
  return results;
}

/** Those of `ready` the kind does not decline (`TaskKind.skip`); a batch re-sent as it was is kept whole. */
async function withoutSkipped(s: BatchSender, kind: TaskKind, ready: Member[], results: Results) {
  if (!kind.skip || ready.length === 0 || ready[0]?.task.batchId) return ready;
  const startedAt = s.now();
  const reasons = await kind.skip(ready.map((m) => m.payload));
  const kept: Member[] = [];
  for (const [i, member] of ready.entries()) {
    const reason = reasons[i];
    if (!reason) {
      kept.push(member);
      continue;
    }
    const { task } = member;
    const attempt = { startedAt: new Date(startedAt), durationMs: s.now() - startedAt };
    const held = await s.store.skipTask(task, attempt, reason);
    s.logger.info('task.skipped', { taskId: task.id, kind: task.kind, reason });
    results.set(task.id, held ? 'skipped' : 'lease-lost');
  }
  return kept;
}

/**
 * The batch on record: already one (its last send's outcome is unknown: re-sent as it is, under the
 * same id), or formed now from the tasks this engine still holds. In task-id order with the stored
 * payloads, so a re-send is byte-identical.
 */
async function formOrKeep(s: BatchSender, ready: Member[], results: Results) {
  if (ready.length === 0) return undefined;
  const kept = ready[0]?.task.batchId ?? null;
  let batchId = kept;
  let members = ready;
  if (!batchId) {
    batchId = crypto.randomUUID();
    const formed = new Set(
      await s.store.formBatch(
        batchId,
        ready.map((r) => r.task),
        s.leaseMs,
      ),
    );
    for (const r of ready) if (!formed.has(r.task.id)) results.set(r.task.id, 'lease-lost');
    const id = batchId;
    members = ready.filter((r) => formed.has(r.task.id)).map((r) => ({ ...r, task: { ...r.task, batchId: id } }));
    if (members.length === 0) return undefined;
  }
  members.sort((a, b) => (a.task.id < b.task.id ? -1 : a.task.id > b.task.id ? 1 : 0));
  return { batchId, members, resent: kept !== null };
}

/** After a 429 everyone slows down, not just this batch: the provider counts the whole account. */
async function slowEveryoneOn(s: BatchSender, error: unknown): Promise<void> {
  if (!(error instanceof RateLimitedError) || !s.budget) return;
  await s.budget.backOff(error.retryAfterMs).catch(() => {});
  s.logger.warn('send_budget.pushed_back', { retryAfterMs: error.retryAfterMs });
}

/** Each task's attempt: its result, a span (a child of the batch's, linked to its request) and a log line. */
function report(
  s: BatchSender,
  batch: { batchId: string; startedAt: number; durationMs: number },
  outcomes: BatchTaskOutcome[],
  recorded: Set<string>,
  results: Results,
) {
  for (const o of outcomes) {
    const result = recorded.has(o.task.id) ? ATTEMPT_RESULT[o.outcome] : 'lease-lost';
    results.set(o.task.id, result);
    const attributes = {
      'task.id': o.task.id,
      'task.kind': o.task.kind,
      'task.attempt': o.task.attempts,
      'batch.id': batch.batchId,
      'task.outcome': result,
    };
    const links = linksTo(o.task.traceParent, { 'link.reason': 'enqueued-by' });
    const span = s.tracer.startSpan(
      'task.attempt',
      { startTime: batch.startedAt, attributes, links },
      context.active(),
    );
    if (o.outcome !== 'succeeded') recordError(span, o.cause);
    span.end();
    const log = { taskId: o.task.id, kind: o.task.kind, attempt: o.task.attempts, batchId: batch.batchId };
    if (o.outcome === 'succeeded') s.logger.info('task.succeeded', { ...log, durationMs: batch.durationMs });
    else if (o.outcome === 'dead') s.logger.warn('task.dead', { ...log, error: o.error });
    else if (o.outcome === 'failed') {
      s.logger.info('task.retry', { ...log, error: o.error, delayMs: o.delayMs });
      if (result !== 'lease-lost') s.retried?.(new Date(s.now() + (o.delayMs ?? 0)));
    }
  }
}
