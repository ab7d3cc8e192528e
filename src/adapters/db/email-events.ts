// The table of Resend's webhook events (schema.ts, `email_events`): stored once per `svix-id`; an event
// that makes an address unreachable (a hard bounce, a complaint, a suppression) puts the address in
// `suppressed_addresses` in the same statement, so a redelivery adds nothing and no event is half-stored.
import { and, eq, inArray, isNotNull, type SQL, sql } from 'drizzle-orm';
import { normalizeEmail } from '../../domain/registration.js';
import {
  PROVIDER_DELIVERY_EVENTS,
  PROVIDER_DELIVERY_STATUSES,
  type ProviderDeliveryStatus,
} from '../../ports/email-delivery.js';
import type { EmailEvent, EmailTask } from '../../ports/store.js';
import { SEND_CONFIRMATION_EMAIL } from '../../tasks/kinds/send-confirmation-email.js';
import { type Database, queryRows } from './database.js';
import { emailEvents, registrations, suppressedAddresses, tasks } from './schema.js';

/** The provider's id of the email a task sent: the engine keeps `{ id }` as a sent email's result. */
export const SENT_EMAIL_ID = sql<string | null>`(${tasks.result} ->> 'id')`;

const EVENTS_BY_RANK = sql.raw(`ARRAY[${PROVIDER_DELIVERY_EVENTS.map((t) => `'${t}'`).join(', ')}]::text[]`);

/** The highest-ranked delivery event type of the email `emailId` (SQL text; null: none tells a delivery). */
export function topDeliveryEvent(emailId: SQL): SQL<string | null> {
  return sql<string | null>`(
  SELECT e.type FROM ${emailEvents} e
  WHERE e.email_id = ${emailId} AND e.type = ANY(${EVENTS_BY_RANK})
  ORDER BY array_position(${EVENTS_BY_RANK}, e.type) DESC LIMIT 1)`;
}

/**
 * CONFIRMATION_DELIVERY_EVENT of the registration whose id is `registrationId` (e.g. `r.id`), for a
 * query that gives `registrations` an alias.
 */
export function confirmationDeliveryEventOf(registrationId: SQL): SQL<string | null> {
  return topDeliveryEvent(sql`(
    SELECT t.result ->> 'id' FROM ${tasks} t
    WHERE t.registration_id = ${registrationId} AND t.kind = ${SEND_CONFIRMATION_EMAIL}
    ORDER BY t.created_at DESC LIMIT 1
  )`);
}

/**
 * The delivery of the current row of `registrations`' latest confirmation, as its highest-ranked event
 * type (`email.bounced`…; null: no event, or no confirmation): by the precedence of `PROVIDER_DELIVERY_EVENTS`,
 * for lists, filters and counts. The latest confirmation: after an address fix, the one to the new address.
 */
export const CONFIRMATION_DELIVERY_EVENT = confirmationDeliveryEventOf(sql`${registrations.id}`);

/** The delivery event type whose rank is the delivery status (`bounced` → `email.bounced`). */
export function eventOfDelivery(delivery: ProviderDeliveryStatus): string {
  return PROVIDER_DELIVERY_EVENTS[PROVIDER_DELIVERY_STATUSES.indexOf(delivery)] as string;
}

/**
 * The INSERT (a CTE's body) that suppresses `addresses` (normalized) for the events of `events` (rows
 * with their `svix_id`: only an event stored now, so a redelivery suppresses nothing again). The first
 * reason an address got stays.
 */
export function suppressAddresses(addresses: readonly string[], reason: string, events: SQL): SQL {
  return sql`
      INSERT INTO suppressed_addresses (email_normalized, reason, svix_id)
      SELECT address, ${reason}, event.svix_id
      FROM ${events} AS event, jsonb_array_elements_text(${JSON.stringify(addresses)}::jsonb) AS address
      ON CONFLICT (email_normalized) DO NOTHING`;
}

/** True when the event was stored now; false when its `svixId` was stored before (a redelivery). */
export async function saveEmailEvent(db: Database, event: EmailEvent): Promise<boolean> {
  const suppress = event.suppress;
  const stored = sql`
    INSERT INTO email_events (svix_id, type, email_id, created_at, payload)
    VALUES (${event.svixId}, ${event.type}, ${event.emailId},
            ${event.createdAt?.toISOString() ?? null}::timestamptz, ${JSON.stringify(event.payload)}::jsonb)
    ON CONFLICT (svix_id) DO NOTHING
    RETURNING svix_id`;
  const rows = await queryRows<{ stored: boolean }>(
    db,
    suppress && suppress.addresses.length > 0
      ? sql`
    WITH stored AS (${stored}),
    suppressed AS (${suppressAddresses(suppress.addresses, suppress.reason, sql`stored`)})
    SELECT EXISTS (SELECT 1 FROM stored) AS stored`
      : sql`WITH stored AS (${stored}) SELECT EXISTS (SELECT 1 FROM stored) AS stored`,
  );
  return rows[0]?.stored === true;
}

/** The task whose sent email is `emailId` (through `tasks_sent_email_idx`), or null. */
export async function findEmailTask(db: Database, emailId: string): Promise<EmailTask | null> {
  const [row] = await db
    .select({ taskId: tasks.id, kind: tasks.kind, registrationId: tasks.registrationId })
    .from(tasks)
    .where(and(isNotNull(tasks.result), eq(SENT_EMAIL_ID, emailId)))
    .limit(1);
  return row ?? null;
}

/** Those of `addresses` (as given; compared normalized) no email may go to any more. */
export async function suppressedAmong(db: Database, addresses: readonly string[]): Promise<Set<string>> {
  if (addresses.length === 0) return new Set();
  const rows = await db
    .select({ address: suppressedAddresses.emailNormalized })
    .from(suppressedAddresses)
    .where(inArray(suppressedAddresses.emailNormalized, [...new Set(addresses.map(normalizeEmail))]));
  const blocked = new Set(rows.map((r) => r.address));
  return new Set(addresses.filter((a) => blocked.has(normalizeEmail(a))));
}
