// The table of Resend's webhook events (schema.ts, `email_events`): stored once per `svix-id`.
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { EmailEvent, EmailTask } from '../../ports/store.js';
import type { Database } from './database.js';
import { emailEvents, tasks } from './schema.js';

/** The provider's id of the email a task sent: the engine keeps `{ id }` as a sent email's result. */
export const SENT_EMAIL_ID = sql<string | null>`(${tasks.result} ->> 'id')`;

/**
 * The event types received for the email the current row of `tasks` sent, space-separated (null: none),
 * for `providerDeliveryStatus`.
 */
export const EVENT_TYPES_OF_TASK = sql<string | null>`(SELECT string_agg(DISTINCT e.type, ' ') FROM ${emailEvents} e
  WHERE e.email_id = ${SENT_EMAIL_ID})`;

/** True when the event was stored now; false when its `svixId` was stored before (a redelivery). */
export async function saveEmailEvent(db: Database, event: EmailEvent): Promise<boolean> {
  const inserted = await db
    .insert(emailEvents)
    .values(event)
    .onConflictDoNothing({ target: emailEvents.svixId })
    .returning({ svixId: emailEvents.svixId });
  return inserted.length > 0;
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
