// What a release passes a freed place on with (src/ports/waitlist.ts `Release`): the next runner's
// offer — its email, and its expiry (`expire-hold`) due at the deadline — and the catch-up
// (`offer-free-places`) for a place nobody could take over; and, once the statement ran, the tasks it
// wrote, for their delivery to start (after a request's answer, or by the task that ran the statement).
import type { NewTask, WrittenTask } from '../../ports/tasks.js';
import type { OfferTasks, Release, ReleaseResult } from '../../ports/waitlist.js';
import type { WaitlistKindDeps } from './email.js';
import { SEND_RUNNER_EMAIL } from './send-runner-email.js';

export const EXPIRE_HOLD = 'expire-hold';
export const OFFER_FREE_PLACES = 'offer-free-places';

/** The tasks of an offer, for a statement to complete from the offered runner's row. */
export function offerTasks(deps: Pick<WaitlistKindDeps, 'newTask'>, offerTtlMs: number): OfferTasks {
  return {
    email: deps.newTask(SEND_RUNNER_EMAIL, { letter: 'offer' }, 0),
    expiry: deps.newTask(EXPIRE_HOLD, {}, 0),
    offerTtlMs,
  };
}

/**
 * An offer's tasks as their delivery is started: the email now, the expiry at the deadline (the
 * statement set it by the database's clock; this one is within moments of it, and a task is never
 * claimed before its `run_at`, whenever its message comes).
 */
export function offerDeliveries(offer: OfferTasks): WrittenTask[] {
  return [{ id: offer.email.id }, { id: offer.expiry.id, runAt: new Date(Date.now() + offer.offerTtlMs) }];
}

/** The catch-up, for a release's statement to write when it is needed (its payload and key from the row). */
function catchUpTask(deps: Pick<WaitlistKindDeps, 'newTask'>): NewTask {
  return deps.newTask(OFFER_FREE_PLACES, {}, 0);
}

export interface PassOn extends Pick<Release, 'offer' | 'catchUp'> {
  /** The tasks the release wrote to pass the place on (none when it freed nothing). */
  written(result: ReleaseResult): WrittenTask[];
}

/** The offer and catch-up a release passes a freed place on with; none when the race has no waitlist. */
export function passOn(deps: Pick<WaitlistKindDeps, 'newTask' | 'offerTtlMs'>): PassOn {
  if (deps.offerTtlMs === undefined) return { written: () => [] };
  const offer = offerTasks(deps, deps.offerTtlMs);
  return {
    offer,
    catchUp: catchUpTask(deps),
    written: (result) => [
      ...(result.offeredId ? offerDeliveries(offer) : []),
      ...(result.catchUpId ? [{ id: result.catchUpId }] : []),
    ],
  };
}
