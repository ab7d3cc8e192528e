// Registration statements. Each write is ONE statement, so it works on HTTP-only drivers (Neon)
// and needs no interactive transaction.
import { count, desc, eq, sql } from 'drizzle-orm';
import { normalizeEmail } from '../../domain/registration.js';
import type {
  EmailDeliveryStatus,
  NewLeasedTask,
  NewRegistration,
  RegistrationWithDelivery,
  TaskStatus,
} from '../../ports/store.js';
import { type Database, queryRows } from './database.js';
import { registrations, tasks } from './schema.js';

function registrationValues(r: NewRegistration) {
  return sql`(${r.id}, ${r.raceId}, ${r.firstName}, ${r.lastName}, ${r.email}, ${normalizeEmail(r.email)},
    ${r.address}, ${r.distance}, ${r.strategy})`;
}

// ON CONFLICT DO NOTHING on (race, normalized email): of concurrent duplicates, exactly one row is
// written; the others wait for it and then write nothing.
function insertRegistrationSql(r: NewRegistration) {
  return sql`
    INSERT INTO registrations (id, race_id, first_name, last_name, email, email_normalized, address, distance, strategy)
    VALUES ${registrationValues(r)}
    ON CONFLICT (race_id, email_normalized) DO NOTHING
    RETURNING id`;
}

export async function insertRegistration(db: Database, r: NewRegistration): Promise<boolean> {
  const rows = await queryRows(db, insertRegistrationSql(r));
  return rows.length === 1;
}

/** The outbox enqueue: registration and its (already leased) task in one statement. */
export async function insertRegistrationWithTask(
  db: Database,
  r: NewRegistration,
  task: NewLeasedTask,
): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`
      WITH registration AS (${insertRegistrationSql(r)})
      INSERT INTO tasks (id, kind, payload, status, attempts, max_attempts, run_at, lease_owner, lease_expires_at,
                         registration_id)
      SELECT ${task.id}, ${task.kind}, ${JSON.stringify(task.payload)}::jsonb, 'running', 1, ${task.maxAttempts},
             now(), ${task.leaseOwner}, now() + ${task.leaseMs} * interval '1 millisecond', registration.id
      FROM registration
      RETURNING id`,
  );
  return rows.length === 1;
}

function deliveryStatus(status: TaskStatus | null): EmailDeliveryStatus {
  switch (status) {
    case null:
      return 'not_tracked';
    case 'pending':
      return 'pending';
    case 'running':
      return 'sending';
    case 'succeeded':
      return 'sent';
    case 'dead':
      return 'failed';
  }
}

export async function findRegistration(db: Database, id: string): Promise<RegistrationWithDelivery | null> {
  const rows = await db
    .select({
      registration: registrations,
      taskStatus: tasks.status,
      attempts: tasks.attempts,
      updatedAt: tasks.updatedAt,
    })
    .from(registrations)
    .leftJoin(tasks, eq(tasks.registrationId, registrations.id))
    .where(eq(registrations.id, id))
    .orderBy(desc(tasks.createdAt))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  const { emailNormalized: _normalized, ...registration } = row.registration;
  const status = deliveryStatus(row.taskStatus);
  return {
    registration: { ...registration, strategy: registration.strategy as NewRegistration['strategy'] },
    email: {
      status,
      attempts: row.attempts ?? 0,
      sentAt: status === 'sent' ? (row.updatedAt ?? null) : null,
    },
  };
}

export async function countRegistrationsByDistance(db: Database, raceId: string): Promise<Record<string, number>> {
  const rows = await db
    .select({ distance: registrations.distance, n: count() })
    .from(registrations)
    .where(eq(registrations.raceId, raceId))
    .groupBy(registrations.distance);
  return Object.fromEntries(rows.map((r) => [r.distance, Number(r.n)]));
}
