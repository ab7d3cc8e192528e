// The table of Resend's webhook events (schema.ts, `email_events`): stored once per `svix-id`.
import type { EmailEvent } from '../../ports/store.js';
import type { Database } from './database.js';
import { emailEvents } from './schema.js';

/** True when the event was stored now; false when its `svixId` was stored before (a redelivery). */
export async function saveEmailEvent(db: Database, event: EmailEvent): Promise<boolean> {
  const inserted = await db
    .insert(emailEvents)
    .values(event)
    .onConflictDoNothing({ target: emailEvents.svixId })
    .returning({ svixId: emailEvents.svixId });
  return inserted.length > 0;
}
