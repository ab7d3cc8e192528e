// Task kind `expire-hold`: an offer (or a verification hold) that was not taken up in time. Written with
// the offer, keyed `hold:<registration>`, due at its deadline (the database's clock); taking the offer
// up cancels it. Its work is one statement (src/ports/waitlist.ts `release`): the runner's place passes
// to the head of the waitlist, the runner is told; if the runner took the offer up or withdrew first,
// the statement finds the row moved on and does nothing. It calls no provider. What the statement wrote
// (the letter, the next offer's email and expiry, a catch-up) is started at once (`start`).
import * as z from 'zod/mini';
import { defineKind, type TaskKind } from '../types.js';
import type { WaitlistKindDeps } from './email.js';
import { EXPIRE_HOLD, passOn } from './offer.js';
import { SEND_REMINDER_EMAIL } from './send-reminder-email.js';
import { SEND_RUNNER_EMAIL } from './send-runner-email.js';

/** The key of a registration's hold expiry. */
export const holdKey = (registrationId: string) => `hold:${registrationId}`;

const expiryPayload = z.object({
  registrationId: z.string(),
  from: z.enum(['offered', 'pending_verification']),
});

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
        const letter = deps.newTask(
          SEND_RUNNER_EMAIL,
          { letter: 'expired', what: p.from === 'offered' ? 'offer' : 'hold' },
          0,
        );
        const next = passOn(deps);
        const result = await deps.waitlist.release({
          registrationId: p.registrationId,
          from: p.from,
          to: 'expired',
          tasks: [letter],
          cancelKinds: [SEND_REMINDER_EMAIL],
          offer: next.offer,
          catchUp: next.catchUp,
        });
        if (result.released) await deps.start([letter, ...next.written(result)]);
      }
      return payloads.map(() => ({ ok: true as const, result: null }));
    },
  });
}
