// The dev mailbox's table: every message "sent" while no Resend key is configured.
import { desc, eq } from 'drizzle-orm';
import type { EmailMessage } from '../../domain/confirmation-email.js';
import type { DevMailMessage } from '../../ports/store.js';
import type { Database } from './database.js';
import { devMail } from './schema.js';

/** Idempotent like Resend: the same key keeps the first message and returns its id. */
export async function saveDevMail(db: Database, message: EmailMessage, idempotencyKey: string, id: string) {
  const inserted = await db
    .insert(devMail)
    .values({ id, idempotencyKey, ...message })
    .onConflictDoNothing({ target: devMail.idempotencyKey })
    .returning({ id: devMail.id });
  if (inserted[0]) return inserted[0].id;
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
