// Task kind `expire-hold`: an offer (or a verification hold) that was not taken up in time. Written with
// the offer, keyed `hold:<registration>`, due at its deadline (the database's clock); taking the offer
// up cancels it. Its work is one statement (src/ports/waitlist.ts `release`): the runner's place passes
// to the head of the waitlist, the runner is told; if the runner took the offer up or withdrew first,
// the statement finds the row moved on and does nothing. It calls no provider.
import * as z from 'zod/mini';
import type { OfferTasks } from '../../ports/waitlist.js';
import { defineKind, type TaskKind } from '../types.js';
import type { WaitlistKindDeps } from './email.js';
import { SEND_REMINDER_EMAIL } from './send-reminder-email.js';
import { SEND_RUNNER_EMAIL } from './send-runner-email.js';

export const EXPIRE_HOLD = 'expire-hold';

/** The key of a registration's hold expiry. */
export const holdKey = (registrationId: string) => `hold:${registrationId}`;

const expiryPayload = z.object({
  registrationId: z.string(),
  from: z.enum(['offered', 'pending_verification']),
});

/** The tasks of an offer, for a statement to complete from the offered runner's row. */
export function offerTasks(deps: Pick<WaitlistKindDeps, 'newTask'>, offerTtlMs: number): OfferTasks {
  return {
    email: deps.newTask(SEND_RUNNER_EMAIL, { letter: 'offer' }, 0),
    expiry: deps.newTask(EXPIRE_HOLD, {}, 0),
    offerTtlMs,
  };
}

/** What a release cancels of the runner's live tasks: reminders, and their hold's expiry. */
export const RELEASE_CANCELS = [SEND_REMINDER_EMAIL, EXPIRE_HOLD];

export function expireHold(deps: WaitlistKindDeps): TaskKind {
  return defineKind({
    name: EXPIRE_HOLD,
    payload: expiryPayload,
    priority: 0,
    batchSize: 1,
    provider: false,
    async send(payloads) {
      for (const p of payloads) {
        await deps.waitlist.release({
          registrationId: p.registrationId,
          from: p.from,
          to: 'expired',
          tasks: [
            deps.newTask(SEND_RUNNER_EMAIL, { letter: 'expired', what: p.from === 'offered' ? 'offer' : 'hold' }, 0),
          ],
          cancelKinds: [SEND_REMINDER_EMAIL],
          offer: deps.offerTtlMs === undefined ? undefined : offerTasks(deps, deps.offerTtlMs),
        });
      }
      return payloads.map(() => ({ ok: true as const, result: null }));
    },
  });
}
