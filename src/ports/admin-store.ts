// The admin port: what the admin API reads, the one write it makes (replaying a dead letter), and the
// dashboard's sign-in sessions. (Withdrawing a runner is the waitlist's statement, src/ports/waitlist.ts.)
// Lists are keyset-paged newest first (created_at desc, id desc) — except the waitlisted runners, listed
// in waitlist order (by distance, then ticket). A position is where a page ended; the HTTP edge turns it
// into an opaque cursor. Nothing here exposes a task's payload (it carries the runner's email): admins
// see registrations through their own list.
import type { EmailDeliveryStatus, ProviderDeliveryStatus } from './email-delivery.js';
import type { RegistrationStatus, Strategy } from './store.js';
import type { AttemptOutcome, TaskStatus } from './tasks.js';

/**
 * Where a page ended: the last row's `created_at` and `id`. `createdAt` is the database's timestamp
 * in UTC with microseconds (`2027-04-18T08:30:00.123456Z`): a JS Date would drop the microseconds and
 * make rows created within the same millisecond skip or repeat across pages.
 */
export interface PagePosition {
  createdAt: string;
  id: string;
}

/**
 * Where a page in waitlist order ended: the last row's race, distance and waitlist ticket (tickets are
 * handed out per race and distance, and never change).
 */
export interface WaitlistPagePosition {
  raceId: string;
  distance: string;
  ticket: number;
}

/** Where a page of registrations ended: newest first, or (waitlisted runners) in waitlist order. */
export type RegistrationPagePosition = PagePosition | WaitlistPagePosition;

export function isWaitlistPosition(position: RegistrationPagePosition): position is WaitlistPagePosition {
  return 'ticket' in position;
}

export interface Page<T, P = PagePosition> {
  items: T[];
  /** Position of the last item when more rows follow; null on the last page. */
  next: P | null;
}

export interface TaskAttemptView {
  number: number;
  startedAt: Date;
  durationMs: number;
  outcome: AttemptOutcome;
  error: string | null;
}

/** A task as an admin sees it: its state and history, never its payload. */
export interface TaskView {
  id: string;
  kind: string;
  /** Unique among the kind's pending and running tasks when set (src/ports/tasks.ts, NewTask). */
  key: string | null;
  /** Lower runs first. */
  priority: number;
  status: TaskStatus;
  attempts: number;
  maxAttempts: number;
  /** When it is (or was last) due. */
  runAt: Date;
  leaseExpiresAt: Date | null;
  lastError: string | null;
  registrationId: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Every recorded attempt, oldest first. */
  attemptsLog: TaskAttemptView[];
}

export interface TaskListQuery {
  status?: TaskStatus;
  /** Exact kind; a kind no task has matches nothing. */
  kind?: string;
  limit: number;
  after?: PagePosition;
}

export interface RegistrationView {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  address: string;
  distance: string;
  strategy: Strategy;
  createdAt: Date;
  /** The delivery status of the registration's latest task (`not_tracked` when it has none). */
  emailStatus: EmailDeliveryStatus;
  /**
   * What the provider reported of the latest confirmation (its highest-ranked webhook event,
   * src/ports/email-delivery.ts); null until an event came (or without a confirmation).
   */
  delivery: ProviderDeliveryStatus | null;
  status: RegistrationStatus;
  /** The runner's number in the distance's waitlist now (1 = next), while waitlisted; else null. */
  position: number | null;
  /** Until when an offer (or a verification hold) keeps the place; null when none is held. */
  holdExpiresAt: Date | null;
}

export interface RegistrationListQuery {
  /** Exact distance id. */
  distance?: string;
  /** Case-insensitive substring of first name, last name or email; `%` and `_` match literally. */
  q?: string;
  strategy?: Strategy;
  /** Only registrations whose latest confirmation's delivery is this (as `RegistrationView.delivery`). */
  delivery?: ProviderDeliveryStatus;
  /**
   * Only registrations in this status. `waitlisted` lists in waitlist order (by race and distance, then
   * ticket: position 1 first) and pages by WaitlistPagePosition; every other list is newest first.
   */
  status?: RegistrationStatus;
  limit: number;
  /** Of the kind the list's order pages by (a waitlist position exactly when `status` is `waitlisted`). */
  after?: RegistrationPagePosition;
}

/**
 * A distance's places at one instant (one statement): the places held (registered + pending verification
 * + offered, the figure the cap bounds), the open offers among them, and the runners waiting.
 */
export interface DistancePlaces {
  taken: number;
  offersOpen: number;
  waitlistLength: number;
}

/** Every distance of the race, in the race's order, with its cap: what the admin shows and exports. */
export type RacePlaces = Record<string, DistancePlaces & { cap: number }>;

/**
 * `key_taken`: the dead task (or a dead batch mate) carries a key that a pending or running task of its
 * kind carries now (enqueued after it died): replaying it would do that work twice, so nothing is replayed.
 */
export type ReplayResult =
  | { outcome: 'replayed'; id: string; attempts: number; maxAttempts: number }
  | { outcome: 'not_dead'; status: TaskStatus }
  | { outcome: 'key_taken' }
  | { outcome: 'not_found' };

/** How many tasks are in each status (every status present, 0 when none). */
export type TaskStatusCounts = Record<TaskStatus, number>;

/** The task counts: in each status, and in each status per kind. */
export interface TaskCounts {
  tasksByStatus: TaskStatusCounts;
  /** Per kind that has at least one task (in any status), every status present. */
  tasksByKind: Record<string, TaskStatusCounts>;
}

/** The task figures behind /metrics and /api/admin/metrics (task SQL: src/tasks/sql/delivery-metrics.ts). */
export interface TaskMetrics extends TaskCounts {
  /** Every attempt ever recorded, by outcome; an outcome never recorded is absent. */
  attemptsByOutcome: Partial<Record<AttemptOutcome, number>>;
  /** Age of the oldest task waiting to be sent (pending and due); 0 when none waits. */
  oldestPendingAgeSeconds: number;
}

/** How many of something are in each provider delivery status (every status present, 0 when none). */
export type DeliveryCounts = Record<ProviderDeliveryStatus, number>;

/** What became of the emails (Resend's webhooks, the suppression list): one statement. */
export interface EmailMetrics {
  /**
   * Sent emails (tasks of any kind with a provider id) by their delivery, the highest-ranked event; an
   * email with no event yet counts as `sent` (the provider accepted it).
   */
  emailDeliveries: DeliveryCounts;
  /** Webhook events stored, by type: every type received, also those that tell no delivery (email.opened). */
  emailEventsByType: Record<string, number>;
  /** Email tasks the engine skipped (cancelled, never sent), by reason (`suppressed`); a reason never seen is absent. */
  emailsSkipped: Record<string, number>;
  /** Addresses no email goes to any more (a bounce, a complaint, a suppression). */
  suppressedAddresses: number;
  /** Registrations by their latest confirmation's delivery; one with no event yet is not counted. */
  registrationDeliveries: DeliveryCounts;
}

/** The delivery figures behind /metrics and /api/admin/metrics. */
export interface DeliveryMetrics extends TaskMetrics, EmailMetrics {}

/** Every method throws StoreUnavailableError (./errors.ts) when the database cannot be reached. */
export interface AdminStore {
  listTasks(query: TaskListQuery): Promise<Page<TaskView>>;
  /** How many tasks are in each status (every status present, 0 when none). */
  countTasksByStatus(): Promise<TaskStatusCounts>;
  /**
   * Replays a dead letter: dead → pending, due now, lease cleared, with `extraAttempts` more attempts
   * on top of those already used (`max_attempts = attempts + extraAttempts`). `attempts` is kept, so
   * attempt numbers keep increasing and the history stays intact; the id (the provider's
   * Idempotency-Key) is unchanged, so a replay of a task that was in fact delivered cannot send twice.
   * Any kind of task; never one whose key a live task of its kind has taken since (`key_taken`).
   */
  replayDeadTask(id: string, extraAttempts: number): Promise<ReplayResult>;
  listRegistrations(query: RegistrationListQuery): Promise<Page<RegistrationView, RegistrationPagePosition>>;
  /** The places of the race's distances that have registrations (a distance without any is absent). */
  placesByDistance(raceId: string): Promise<Record<string, DistancePlaces>>;
  /** Registrations by their latest confirmation's delivery (as `RegistrationView.delivery`; none: not counted). */
  countRegistrationDeliveries(): Promise<DeliveryCounts>;
  deliveryMetrics(): Promise<DeliveryMetrics>;
  /**
   * Starts a dashboard session known by `idHash`, the SHA-256 of its id (the id itself only ever
   * lives in the browser's cookie), ending `ttlMs` from now by the database's clock. Sessions that
   * have already ended are deleted in the same statement.
   */
  createSession(idHash: string, ttlMs: number): Promise<void>;
  /** True when a session with this hash exists and has not ended. */
  sessionActive(idHash: string): Promise<boolean>;
  /** Ends a session (signing out); nothing happens when there is none. */
  deleteSession(idHash: string): Promise<void>;
}
