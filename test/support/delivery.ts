// Waiting on the outbox's own record instead of a quiet period: once a registration's one task has
// succeeded, nothing else can email that runner, so "sent once" can be asserted right away.
import { expect } from 'vitest';
import type { TestDatabase } from '../../tools/postgres.js';
import { eventually } from './http.js';

/** Resolves once each of these runners has one registration with one task, and that task succeeded. */
export async function waitUntilDelivered(
  db: Pick<TestDatabase, 'query'>,
  emails: string[],
  timeoutMs?: number,
): Promise<void> {
  const wanted = emails.map((email) => email.trim().toLowerCase()).sort();
  await eventually(async () => {
    const rows = await db.query<{ email: string; status: string | null }>(
      `SELECT r.email_normalized AS email, t.status
       FROM registrations r LEFT JOIN tasks t ON t.registration_id = r.id
       WHERE r.email_normalized = ANY($1::text[])`,
      [wanted],
    );
    expect(rows.sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0))).toEqual(
      wanted.map((email) => ({ email, status: 'succeeded' })),
    );
  }, timeoutMs);
}

/** Resolves once every task in the database has succeeded: every stored registration got its email. */
export async function waitUntilAllDelivered(db: Pick<TestDatabase, 'query'>, timeoutMs?: number): Promise<void> {
  await eventually(async () => {
    const [row] = await db.query<{ open: number }>(
      "SELECT count(*)::int AS open FROM tasks WHERE status <> 'succeeded'",
    );
    expect(row!.open).toBe(0);
  }, timeoutMs);
}
