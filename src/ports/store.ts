// The store port: the few operations the routes and the task engine need. The Postgres adapter
// (src/adapters/db) implements it for every driver; the core never sees SQL or a driver.
import type { EmailMessage } from '../domain/confirmation-email.js';

/** The ways of handling the email, each a route (README: the strategies, side by side). */
export const STRATEGIES = ['sequential', 'fire-and-forget', 'wait-until', 'parallel', 'outbox'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface NewRegistration {
  id: string;
  raceId: string;
  firstName: string;
  lastName: string;
  email: string;
  address: string;
  distance: string;
  strategy: Strategy;
}

export interface Registration extends NewRegistration {
  createdAt: Date;
}

/** What storing a registration came to. */
export type InsertOutcome = 'stored' | 'already_registered' | 'distance_full';

/** A response remembered under an `Idempotency-Key`. */
export interface IdempotentResponse {
  key: string;
  /** SHA-256 of the canonical request body: the same key with another body is refused. */
  requestHash: string;
  status: number;
  body: unknown;
}

/** The places of each distance, for the cap check inside the insert statement. */
export type CapOf = (raceId: string, distance: string) => number;

export const TASK_STATUSES = ['pending', 'running', 'succeeded', 'dead'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A task as the engine sees it while it holds the lease. */
export interface LeasedTask {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  leaseOwner: string;
  /** W3C traceparent of the request that enqueued the task: its attempts' spans link to that trace. */
  traceParent?: string | null;
}

export interface NewLeasedTask {
  id: string;
  kind: string;
  payload: unknown;
  maxAttempts: number;
  leaseOwner: string;
  leaseMs: number;
  /** W3C traceparent of the request that enqueues it (kept in `tasks.trace_parent`). */
  traceParent?: string | null;
}

/** What the runner is told about their confirmation email. */
export type EmailDeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'not_tracked';

export interface RegistrationWithDelivery {
  registration: Registration;
  email: { status: EmailDeliveryStatus; attempts: number; sentAt: Date | null };
}

export interface AttemptRecord {
  startedAt: Date;
  durationMs: number;
  error?: string;
}

export interface DevMailMessage extends EmailMessage {
  id: string;
  idempotencyKey: string;
  createdAt: Date;
}

export interface Store {
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  /**
   * Stores a registration alone (the seed strategies), taking a place of its distance atomically:
   * nothing is written when the email is already registered or the distance is full.
   */
  insertRegistration(registration: NewRegistration): Promise<InsertOutcome>;
  /**
   * Stores a registration, its task and (given a key) its idempotent response in ONE statement (the
   * outbox): none exists without the others. The task is written already leased (`running`, attempt 1)
   * for the fast path. `idempotency_key_taken` when another request stored that key first.
   */
  insertRegistrationWithTask(
    registration: NewRegistration,
    task: NewLeasedTask,
    idempotency?: IdempotentResponse,
  ): Promise<InsertOutcome | 'idempotency_key_taken'>;
  findIdempotentResponse(key: string): Promise<IdempotentResponse | null>;
  findRegistration(id: string): Promise<RegistrationWithDelivery | null>;
  countRegistrationsByDistance(raceId: string): Promise<Record<string, number>>;

  /** The task transitions; each returns false when the lease was lost meanwhile (nothing written). */
  completeTask(task: LeasedTask, attempt: AttemptRecord, result: unknown): Promise<boolean>;
  retryTask(task: LeasedTask, attempt: AttemptRecord, delayMs: number): Promise<boolean>;
  deadLetterTask(task: LeasedTask, attempt: AttemptRecord): Promise<boolean>;
  /** Back to pending without burning an attempt (never started, or hit an account-wide failure). */
  releaseTask(task: LeasedTask, delayMs: number, attempt?: AttemptRecord): Promise<boolean>;
  /** Leases up to `limit` due tasks (pending and due, or running with an expired lease). */
  claimTasks(owner: string, limit: number, leaseMs: number): Promise<LeasedTask[]>;

  /** The dev mailbox. Idempotent per key: the same key returns the first message's id. */
  saveDevMail(message: EmailMessage, idempotencyKey: string, id: string): Promise<string>;
  listDevMail(limit: number): Promise<DevMailMessage[]>;
}
