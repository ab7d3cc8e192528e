// Delivery figures in Prometheus' text exposition format (version 0.0.4).
//
// Tasks are counted twice: in all by status (`finishline_tasks{status}`, every status) and per kind
// (`finishline_tasks_by_kind{kind,status}`, every status of each kind that has a task). Two families, not
// one labelled both ways: there `sum(finishline_tasks)` would add the totals to the kinds' series.
//
// Places, one series per distance of the race (`{distance}`, every distance, 0 when none): the cap, the
// places held (`finishline_places_taken`, never above the cap), the open offers among them and the
// runners waiting — so `finishline_places_cap - finishline_places_taken` is the places left.
//
// Emails, from Resend's webhooks: sent emails (tasks of any kind with a provider id) by their delivery
// outcome, the highest-ranked event (`sent` until one came: the provider accepted it); registrations by
// their latest confirmation's outcome (none yet: not counted); stored events by type (every type, also
// those that rank nowhere); tasks skipped by reason (`suppressed`); the suppressed addresses. Outcomes
// are always all present, 0 when none.
import type { DeliveryMetrics, RacePlaces } from '../../ports/admin-store.js';
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

export function toPrometheus(metrics: DeliveryMetrics, delivery: DeliveryState, places: RacePlaces): string {
  const perDistance = (pick: (p: RacePlaces[string]) => number): [string, number][] =>
    Object.entries(places).map(([distance, p]) => [`{distance="${label(distance)}"}`, pick(p)]);
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
    metric(
      'finishline_places_cap',
      'gauge',
      'Places of each distance (its cap).',
      perDistance((p) => p.cap),
    ),
    metric(
      'finishline_places_taken',
      'gauge',
      'Places held per distance: registered, pending verification and open offers.',
      perDistance((p) => p.taken),
    ),
    metric(
      'finishline_offers_open',
      'gauge',
      'Places offered to a runner from the waitlist and not yet taken up, per distance.',
      perDistance((p) => p.offersOpen),
    ),
    metric(
      'finishline_waitlist_length',
      'gauge',
      'Runners waiting for a place, per distance.',
      perDistance((p) => p.waitlistLength),
    ),
    metric(
      'finishline_email_deliveries',
      'gauge',
      'Sent emails by delivery outcome: their highest-ranked provider event (sent until one came).',
      Object.entries(metrics.emailDeliveries).map(([outcome, n]) => [`{outcome="${label(outcome)}"}`, n]),
    ),
    metric(
      'finishline_registration_deliveries',
      'gauge',
      "Registrations by their latest confirmation email's delivery outcome (those without an event yet absent).",
      Object.entries(metrics.registrationDeliveries).map(([outcome, n]) => [`{outcome="${label(outcome)}"}`, n]),
    ),
    metric(
      'finishline_email_events_total',
      'counter',
      'Provider webhook events stored, by type.',
      Object.entries(metrics.emailEventsByType).map(([type, n]) => [`{type="${label(type)}"}`, n]),
    ),
    metric(
      'finishline_emails_skipped_total',
      'counter',
      'Emails never sent (their task skipped), by reason.',
      Object.entries(metrics.emailsSkipped).map(([reason, n]) => [`{reason="${label(reason)}"}`, n]),
    ),
    metric('finishline_suppressed_addresses', 'gauge', 'Addresses no email is sent to any more.', [
      ['', metrics.suppressedAddresses],
    ]),
  ].join('\n')}\n`;
}
