// The email figures of the admin and /metrics: emails by delivery, events by type, skipped emails,
// suppressed addresses, registrations by their confirmation's delivery — read in one statement.
import { sql } from 'drizzle-orm';
import type { DeliveryCounts, EmailMetrics } from '../../ports/admin-store.js';
import { deliveryOfEvent, PROVIDER_DELIVERY_STATUSES } from '../../ports/email-delivery.js';
import { type Database, queryRows } from './database.js';
import { CONFIRMATION_DELIVERY_EVENT, SENT_EMAIL_ID, topDeliveryEvent } from './email-events.js';
import { emailEvents, registrations, suppressedAddresses, tasks } from './schema.js';

function deliveryCounts(): DeliveryCounts {
  return Object.fromEntries(PROVIDER_DELIVERY_STATUSES.map((status) => [status, 0])) as DeliveryCounts;
}

/** Registrations by their latest confirmation's top event (null: none yet), one row per type. */
const REGISTRATIONS_BY_DELIVERY = sql`
  SELECT 'registration' AS family, ${CONFIRMATION_DELIVERY_EVENT} AS key, count(*)::int AS n
  FROM ${registrations} GROUP BY 2`;

/** Registrations by their latest confirmation's delivery (every status present; none yet: not counted). */
export async function countRegistrationDeliveries(db: Database): Promise<DeliveryCounts> {
  const counts = deliveryCounts();
  for (const row of await queryRows<MetricRow>(db, REGISTRATIONS_BY_DELIVERY)) addDelivery(counts, row);
  return counts;
}

interface MetricRow {
  family: 'delivery' | 'event' | 'skipped' | 'suppressed' | 'registration';
  key: string | null;
  n: number | string;
}

function addDelivery(counts: DeliveryCounts, row: MetricRow): void {
  const delivery = row.key === null ? undefined : deliveryOfEvent(row.key);
  if (delivery !== undefined) counts[delivery] += Number(row.n);
}

/**
 * The email figures in one statement, one row per (family, key): sent emails (any kind's task with a
 * provider id, through `tasks_sent_email_idx`) by their top event, `email.sent` when none came yet;
 * events by type; skipped tasks by reason (`result.skipped`); suppressed addresses; registrations by
 * their confirmation's delivery.
 */
export async function emailMetrics(db: Database): Promise<EmailMetrics> {
  const rows = await queryRows<MetricRow>(
    db,
    sql`
      SELECT 'delivery' AS family, coalesce(${topDeliveryEvent(SENT_EMAIL_ID)}, 'email.sent') AS key, count(*)::int AS n
      FROM ${tasks} WHERE ${tasks.result} IS NOT NULL AND ${SENT_EMAIL_ID} IS NOT NULL GROUP BY 2
      UNION ALL
      SELECT 'event', type, count(*)::int FROM ${emailEvents} GROUP BY type
      UNION ALL
      SELECT 'skipped', ${tasks.result} ->> 'skipped', count(*)::int
      FROM ${tasks} WHERE ${tasks.status} = 'cancelled' AND ${tasks.result} ->> 'skipped' IS NOT NULL GROUP BY 2
      UNION ALL
      SELECT 'suppressed', NULL, count(*)::int FROM ${suppressedAddresses}
      UNION ALL
      ${REGISTRATIONS_BY_DELIVERY}`,
  );
  const metrics: EmailMetrics = {
    emailDeliveries: deliveryCounts(),
    emailEventsByType: {},
    emailsSkipped: {},
    suppressedAddresses: 0,
    registrationDeliveries: deliveryCounts(),
  };
  for (const row of rows) {
    if (row.family === 'delivery') addDelivery(metrics.emailDeliveries, row);
    else if (row.family === 'registration') addDelivery(metrics.registrationDeliveries, row);
    else if (row.family === 'suppressed') metrics.suppressedAddresses = Number(row.n);
    else if (row.key !== null)
      (row.family === 'event' ? metrics.emailEventsByType : metrics.emailsSkipped)[row.key] = Number(row.n);
  }
  return metrics;
}
