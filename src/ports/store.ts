// The store port: the registrations, their idempotent responses, the dev mailbox, and whether the
// database answers. The Postgres adapter (src/adapters/db) implements it for every driver; the core
// never sees SQL or a driver. The task state transitions are the task store's (src/tasks/store.ts).
import type { EmailMessage } from '../domain/email-layout.js';
import type { EmailDeliveryStatus, ProviderDeliveryStatus } from './email-delivery.js';
import type { RegistrationStatus } from './registration-status.js';
import type { NewTask } from './tasks.js';
import type { Waitlist } from './waitlist.js';

export { REGISTRATION_STATUSES, type RegistrationStatus } from './registration-status.js';

/**
 * The ways of handling the email, each a route (docs/strategies.md). The last three
 * need the email Worker's bindings (Cloudflare Workers only).
 */
export const STRATEGIES = [
  'sequential',
  'fire-and-forget',
  'wait-until',
  'parallel',
  'outbox',
  'service-binding',
  'queue',
  'workflow',
] as const;
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
  /** SHA-256 of the runner's manage token (src/domain/manage-link.ts); none for the seed strategies. */
  manageTokenHash?: string | null;
}

export interface Registration extends NewRegistration {
  createdAt: Date;
  status: RegistrationStatus;
  /** The runner's number in the waitlist now (1 = next), while waitlisted. */
  position: number | null;
  /** Until when an offer or a verification hold keeps the place. */
  holdExpiresAt: Date | null;
}

/** What a sign-up writes besides the registration, when the race asks for it. */
export interface WaitlistJoin {
  /**
   * The runner asked to join the waitlist: a full distance puts them on it, with this notice (its
   * payload completed in the statement with the runner's number, `position`).
   */
  notice?: NewTask;
  /**
   * The race asks runners to confirm their address: the place is held (pending_verification) for
   * `holdMs`, with the email asking to confirm and the hold's expiry (due at the deadline) instead of
   * the confirmation, both completed from the row.
   */
  hold?: { holdMs: number; letter: NewTask; expiry: NewTask };
}

/** What storing a registration came to. */
export type InsertOutcome = 'stored' | 'waitlisted' | 'already_registered' | 'distance_full';

/** A response remembered under an `Idempotency-Key`. */
export interface IdempotentResponse {
  key: string;
  /** SHA-256 of the canonical request body: the same key with another body is refused. */
  requestHash: string;
  status: number;
  body: unknown;
  /** The answer when the runner joined the waitlist instead (its `position` added in the statement). */
  waitlisted?: { status: number; body: unknown };
}

/** The places of each distance, for the cap check inside the insert statement. */
export type CapOf = (raceId: string, distance: string) => number;

export interface RegistrationWithDelivery {
  registration: Registration;
  email: {
    status: EmailDeliveryStatus;
    attempts: number;
    sentAt: Date | null;
    /** What the provider reported of the confirmation (webhooks), by precedence; absent: nothing yet. */
    delivery?: ProviderDeliveryStatus;
  };
}

export interface DevMailMessage extends EmailMessage {
  id: string;
  idempotencyKey: string;
  createdAt: Date;
}

/** One of Resend's webhook events, verified (POST /api/webhooks/resend). */
export interface EmailEvent {
  /** `svix-id`: the same across redeliveries of one event. */
  svixId: string;
  type: string;
  /** `data.email_id`, when there is one. */
  emailId: string | null;
  /** The event's `created_at`, when it is a valid time. */
  createdAt: Date | null;
  /** The whole event, as parsed. */
  payload: unknown;
  /**
   * The addresses (normalized) the event makes unreachable — a hard bounce, a complaint, a
   * suppression — stored with the event, in the same statement: no email goes to them any more.
   */
  suppress?: { reason: 'bounced' | 'complained' | 'suppressed'; addresses: string[] };
}

/**
 * A runner's new address, through their manage link: the row's `email` and `email_normalized`, and
 * the tasks that go with the change, in ONE statement.
 */
export interface EmailChange {
  registrationId: string;
  /** The status the runner was read in: the statement changes nothing if the row has moved on since. */
  from: RegistrationStatus;
  /** The new address as the runner typed it (validated: trimmed, NFC); compared normalized. */
  email: string;
  /**
   * Written from the changed row, only when the address changed: a registered runner's new
   * confirmation (pending) and reminders (keyed, `replace`: the pending ones are rewritten).
   */
  tasks: NewTask[];
  /** The kind of the runner's earlier confirmations: those still live are cancelled (they are to the old address). */
  supersededKind: string;
  /** The kind of the runner's letters: those still pending (not in a batch) are re-addressed (`to`). */
  letterKind: string;
}

/**
 * What an address change came to: changed (and its tasks written); unchanged (the row already has
 * this address: nothing written); suppressed (the address is in suppressed_addresses: nothing
 * changed); already_registered (another registration of the race has it: nothing changed); stale (the
 * row is no longer in `from`: read it again).
 */
export type EmailChangeOutcome = 'changed' | 'unchanged' | 'suppressed' | 'already_registered' | 'stale';

/** The task an email was sent by: what it was and whom it was for. */
export interface EmailTask {
  taskId: string;
  kind: string;
  registrationId: string | null;
}

/** Every method throws StoreUnavailableError (./errors.ts) when the database cannot be reached. */
export interface Store extends Waitlist {
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  /**
   * Stores a registration alone (the seed strategies), taking a place of its distance atomically:
   * nothing is written when the email is already registered or the distance is full.
   */
  insertRegistration(registration: NewRegistration): Promise<InsertOutcome>;
  /**
   * Stores a registration, its tasks and (given a key) its idempotent response in ONE statement (the
   * outbox): none exists without the others. The confirmation's task is written already leased
   * (`running`, attempt 1) for the fast path; scheduled ones (reminders) pending. `idempotency_key_taken` when another request stored that key first.
   */
  insertRegistrationWithTask(
    registration: NewRegistration,
    task: NewTask | readonly NewTask[],
    idempotency?: IdempotentResponse,
    waitlist?: WaitlistJoin,
  ): Promise<InsertOutcome | 'idempotency_key_taken'>;
  /** The registration whose manage token has this SHA-256, or null. */
  findRegistrationByTokenHash(tokenHash: string): Promise<Registration | null>;
  findIdempotentResponse(key: string): Promise<IdempotentResponse | null>;
  findRegistration(id: string): Promise<RegistrationWithDelivery | null>;
  /** The registration of `email` for the race, compared as at sign-up (normalized), or null. */
  findRegistrationByEmail(raceId: string, email: string): Promise<Registration | null>;
  /**
   * Writes `task` (which has a key) for the registration `registrationId`, in ONE statement, unless the
   * registration has a task of the same kind and key that is still pending or running, or that was
   * written within the last `withinMs` (the database's clock): a re-send at most once per window.
   * True when it was written.
   */
  enqueueRegistrationTask(registrationId: string, task: NewTask, withinMs: number): Promise<boolean>;
  /**
   * Changes the runner's address in ONE statement, only if it differs (normalized) and no email may
   * still go to it; the duplicate rule of sign-up applies (the race's unique index on addresses).
   */
  changeEmail(change: EmailChange): Promise<EmailChangeOutcome>;
  /**
   * Places held per distance of the race (registered, pending verification, offered): what the cap
   * bounds, so cap minus this is the places left. A distance with none is absent.
   */
  countRegistrationsByDistance(raceId: string): Promise<Record<string, number>>;

  /** The dev mailbox. Idempotent per key: the same key returns the first message's id. */
  saveDevMail(message: EmailMessage, idempotencyKey: string, id: string): Promise<string>;
  listDevMail(limit: number): Promise<DevMailMessage[]>;
  /** One message of the dev mailbox by id (a well-formed uuid), or null. */
  findDevMail(id: string): Promise<DevMailMessage | null>;

  /** Stores a webhook event once per `svixId`: true when stored now, false for a redelivery. */
  saveEmailEvent(event: EmailEvent): Promise<boolean>;
  /** The task that sent the provider's email `emailId` (its `result.id`), with its kind and registration, or null. */
  findEmailTask(emailId: string): Promise<EmailTask | null>;
  /** Those of `addresses` (as given; compared normalized, as registrations are) no email may go to any more. */
  suppressedAmong(addresses: readonly string[]): Promise<Set<string>>;
}
