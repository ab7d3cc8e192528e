// Places and the waitlist: the statements that take, hold, free and pass on a distance's places. Each
// is ONE statement (it runs on HTTP-only drivers too), and each that frees a held place offers it, in
// the same statement, to the head of the distance's waitlist — so at every instant, per distance,
// registered + pending verification + open offers ≤ cap (docs/design.md, Places and the waitlist).

import type { RegistrationStatus } from './registration-status.js';
import type { NewTask } from './tasks.js';

/** The statuses that hold one of the distance's places. */
export const HOLDS_A_PLACE: readonly RegistrationStatus[] = ['registered', 'offered', 'pending_verification'];

/**
 * The tasks an offer writes (their payloads from the offered runner's row, in the statement): the
 * offer's email and the expiry of its hold, due at the offer's deadline.
 */
export interface OfferTasks {
  email: NewTask;
  expiry: NewTask;
  offerTtlMs: number;
}

/** A place given up: by a withdrawal, a declined offer, or a hold that ran out. */
export interface Release {
  registrationId: string;
  /** The status it is released from: the statement changes nothing if the row has moved on since. */
  from: RegistrationStatus;
  to: Extract<RegistrationStatus, 'withdrawn' | 'expired'>;
  /** Tasks of the runner written with the release (the withdrawal's email), from its row. */
  tasks: NewTask[];
  /** Kinds of the runner's live tasks to cancel (reminders). */
  cancelKinds: string[];
  /** The next runner's offer, when the release frees a place and the race has a waitlist. */
  offer?: OfferTasks;
  /**
   * The catch-up (`offer-free-places`, keyed per distance, `keep`), written only when the freed place
   * found nobody to take it over although someone still waits: every waiting runner's row was held by
   * another statement at that instant, and that statement may yet fail.
   */
  catchUp?: NewTask;
}

export interface ReleaseResult {
  /** False: the registration was no longer in `from` (someone else moved it first). */
  released: boolean;
  /** The runner offered the freed place, if any. */
  offeredId: string | null;
  /** The catch-up task, if the statement wrote one (none, too, when one was already waiting). */
  catchUpId: string | null;
}

/** What `offerFreePlaces` did. */
export interface FreePlacesOffered {
  /** The offers made, in waitlist order: their tasks were written with them. */
  offers: OfferTasks[];
  /**
   * A place is still free and someone still waits, but every waiting runner's row is held by another
   * statement: try again shortly.
   */
  busy: boolean;
}

/** An offer (or hold) taken up: the runner is registered, with the tasks of a registration. */
export interface TakeUp {
  registrationId: string;
  from: Extract<RegistrationStatus, 'offered' | 'pending_verification'>;
  tasks: NewTask[];
  /** The kind and key of the hold's expiry, cancelled in the same statement. */
  expiry: { kind: string; key: string };
}

/** A registered runner's move to another distance of the race. */
export interface Move {
  registrationId: string;
  /** The distance it was read in: the statement changes nothing if the row has moved on since. */
  from: string;
  to: string;
  /** The new distance's places. */
  cap: number;
  /** The registration's tasks for the new distance (its confirmation; its reminders, keyed, replaced). */
  tasks: NewTask[];
  /** The offer of the old distance's place to the head of its waitlist, and its catch-up (as a release's). */
  offer?: OfferTasks;
  catchUp?: NewTask;
}

export interface MoveResult {
  /** moved; full (the new distance has no room: nothing changed); stale (the row moved on). */
  outcome: 'moved' | 'full' | 'stale';
  offeredId: string | null;
  catchUpId: string | null;
}

export interface Waitlist {
  /** Moves a registered runner to another distance, passing the old place on. */
  move(move: Move): Promise<MoveResult>;
  /** Releases a place (or a place in the waitlist) and passes a freed place on. */
  release(release: Release): Promise<ReleaseResult>;
  /** registered, if the hold was still open (its deadline ahead, by the database's clock). */
  takeUp(takeUp: TakeUp): Promise<boolean>;
  /**
   * Offers the distance's free places to the head of its waitlist, one statement per offer, until no
   * place is free, nobody waits, or every waiting runner is held by another statement (`busy`): the
   * catch-up for a place freed while the head was busy (`Release.catchUp`).
   */
  offerFreePlaces(raceId: string, distance: string, cap: number, offer: () => OfferTasks): Promise<FreePlacesOffered>;
}
