// The dev mailbox's table: every message "sent" while no Resend key is configured. Storing a message
// also stores the webhook events Resend would send for it (`email_events`), so the admin's and the
// runner's delivery state work in dev mode as in production: `email.delivered`, or for Resend's test
// addresses (`bounced@resend.dev`, `complained@resend.dev`, with or without a `+label`) a hard bounce, or
// a delivery then a complaint, whose address goes into `suppressed_addresses` as a real event's would.
import { desc, eq, type SQL, sql } from 'drizzle-orm';
import type { EmailMessage } from '../../domain/confirmation-email.js';
import { normalizeRecipient } from '../../domain/registration.js';
import type { DevMailMessage } from '../../ports/store.js';
import { type Database, queryRows } from './database.js';
import { suppressAddresses } from './email-events.js';
import { devMail } from './schema.js';

const TEST_ADDRESS = /^(delivered|bounced|complained)(?:\+[^@]*)?@resend\.dev$/;
const BOUNCE = {
  type: 'Permanent',
  subType: 'General',
  message: "The recipient's email provider rejected the email permanently (dev mailbox: a test address).",
};

/** One event of a dev message: its svix-id is `dev_<message id><suffix>`; `extra` joins its `data`. */
interface DevEvent {
  suffix: string;
  type: string;
  extra: Record<string, unknown>;
}

/** The events Resend reports for an email to `address` (normalized), and the one that suppresses it. */
function eventsFor(address: string): { events: DevEvent[]; suppress?: { type: string; reason: string } } {
  const delivered = { suffix: '', type: 'email.delivered', extra: {} };
  switch (TEST_ADDRESS.exec(address)?.[1]) {
    case 'bounced':
      return {
        events: [{ suffix: '', type: 'email.bounced', extra: { bounce: BOUNCE } }],
        suppress: { type: 'email.bounced', reason: 'bounced' },
      };
    case 'complained':
      return {
        events: [delivered, { suffix: '_complained', type: 'email.complained', extra: {} }],
        suppress: { type: 'email.complained', reason: 'complained' },
      };
    default:
      return { events: [delivered] };
  }
}

/**
 * Idempotent like Resend: the same key keeps the first message and returns its id. The message, its
 * events and a suppression are one statement (no transaction: it runs on the Neon HTTP driver too), and
 * the events are written only with a newly inserted message, so a repeated key adds none.
 */
export async function saveDevMail(db: Database, message: EmailMessage, idempotencyKey: string, id: string) {
  const address = normalizeRecipient(message.to);
  const { events, suppress } = eventsFor(address);
  const shared = { from: message.from, to: [message.to], subject: message.subject };
  const suppressed: SQL = suppress
    ? sql`, suppressed AS (${suppressAddresses(
        [address],
        suppress.reason,
        sql`(SELECT svix_id FROM stored WHERE type = ${suppress.type})`,
      )})`
    : sql``;
  const inserted = await queryRows<{ id: string }>(
    db,
    sql`
    WITH inserted AS (
      INSERT INTO dev_mail (id, idempotency_key, "from", "to", subject, html, text)
      VALUES (${id}::uuid, ${idempotencyKey}, ${message.from}, ${message.to}, ${message.subject}, ${message.html},
              ${message.text})
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING id::text AS id, created_at,
                to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
    ),
    stored AS (
      INSERT INTO email_events (svix_id, type, email_id, created_at, payload)
      SELECT 'dev_' || i.id || e.suffix, e.type, i.id, i.created_at,
             jsonb_build_object('type', e.type, 'created_at', i.at, 'data',
               jsonb_build_object('email_id', i.id, 'created_at', i.at) || ${JSON.stringify(shared)}::jsonb || e.extra)
      FROM inserted i, jsonb_to_recordset(${JSON.stringify(events)}::jsonb) AS e(suffix text, type text, extra jsonb)
      ON CONFLICT (svix_id) DO NOTHING
      RETURNING svix_id, type
    )${suppressed}
    SELECT id FROM inserted`,
  );
  if (inserted[0]) return inserted[0].id;
  // Not inserted: the key was taken, maybe by a statement that committed after this one's snapshot.
  const existing = await db.select({ id: devMail.id }).from(devMail).where(eq(devMail.idempotencyKey, idempotencyKey));
  if (!existing[0]) throw new Error('dev mail vanished between insert and select');
  return existing[0].id;
}

export async function listDevMail(db: Database, limit: number): Promise<DevMailMessage[]> {
  return db.select().from(devMail).orderBy(desc(devMail.createdAt)).limit(limit);
}

/** One message by id, or null. */
export async function findDevMail(db: Database, id: string): Promise<DevMailMessage | null> {
  const [row] = await db.select().from(devMail).where(eq(devMail.id, id)).limit(1);
  return row ?? null;
}
