// Delivery figures in Prometheus' text exposition format (version 0.0.4).
//
// Tasks are counted twice: in all by status (`finishline_tasks{status}`, every status) and per kind
// (`finishline_tasks_by_kind{kind,status}`, every status of each kind that has a task). Two families, not
// one labelled both ways: there `sum(finishline_tasks)` would add the totals to the kinds' series.
import type { DeliveryMetrics } from '../../ports/admin-store.js';
import type { DeliveryState } from '../../tasks/engine.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Label values are our own words (statuses, outcomes, kinds), but escape them as the format requires. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function metric(name: string, type: 'gauge' | 'counter', help: string, samples: [string, number][]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  return lines.join('\n');
}

export function toPrometheus(metrics: DeliveryMetrics, delivery: DeliveryState): string {
  return `${[
    metric(
      'finishline_tasks',
      'gauge',
      'Tasks in the outbox by status.',
      Object.entries(metrics.tasksByStatus).map(([status, n]) => [`{status="${label(status)}"}`, n]),
    ),
    metric(
      'finishline_tasks_by_kind',
      'gauge',
      'Tasks in the outbox by kind and status (kinds with at least one task).',
      Object.entries(metrics.tasksByKind).flatMap(([kind, counts]) =>
        Object.entries(counts).map(([status, n]): [string, number] => [
          `{kind="${label(kind)}",status="${label(status)}"}`,
          n,
        ]),
      ),
    ),
    metric(
      'finishline_task_attempts_total',
      'counter',
      'Task attempts recorded, by outcome.',
      Object.entries(metrics.attemptsByOutcome).map(([outcome, n]) => [`{outcome="${label(outcome)}"}`, n]),
    ),
    metric('finishline_dead_letters', 'gauge', 'Tasks that will not be retried automatically.', [
      ['', metrics.tasksByStatus.dead],
    ]),
    metric(
      'finishline_oldest_pending_task_age_seconds',
      'gauge',
      'Age of the oldest task due and waiting to be sent.',
      [['', Math.round(metrics.oldestPendingAgeSeconds * 1000) / 1000]],
    ),
    metric('finishline_delivery_paused', 'gauge', '1 while delivery is paused by an account-wide failure.', [
      ['', delivery.state === 'paused' ? 1 : 0],
    ]),
  ].join('\n')}\n`;
}
