// Task kind `offer-free-places`: the catch-up for a place freed while nobody could take it over. A
// release offers the freed place, in its own statement, to the head of the waitlist it can lock (SKIP
// LOCKED); when every waiting runner's row is held by another statement, the place is freed instead
// and this task is written in the same statement (keyed `free-places:<race>:<distance>`, `keep`: one
// waiting per distance is enough). If the statement holding the head then fails, the place would
// stay free while the runner waits; this task offers the distance's free places to the head of its
// waitlist, one statement per offer (src/ports/waitlist.ts `offerFreePlaces`), until none is free or
// nobody waits. While every waiting runner is still held it fails, and is retried after the backoff.
// It calls no provider.
import * as z from 'zod/mini';
import { defineKind, type TaskKind } from '../types.js';
import type { WaitlistKindDeps } from './email.js';
import { OFFER_FREE_PLACES, offerDeliveries, offerTasks } from './offer.js';

const payload = z.object({ raceId: z.string(), distance: z.string() });

export function offerFreePlaces(deps: WaitlistKindDeps): TaskKind {
  return defineKind({
    name: OFFER_FREE_PLACES,
    payload,
    priority: 0,
    batchSize: 1,
    provider: false,
    async send(payloads) {
      const outcomes = [];
      for (const { raceId, distance } of payloads) {
        const ttl = deps.offerTtlMs;
        if (ttl === undefined) {
          // The race no longer has a waitlist: nobody is waiting to be offered anything.
          outcomes.push({ ok: true as const, result: { offers: 0 } });
          continue;
        }
        const cap = deps.capOf(raceId, distance);
        const { offers, busy } = await deps.waitlist.offerFreePlaces(raceId, distance, cap, () =>
          offerTasks(deps, ttl),
        );
        await deps.start(offers.flatMap(offerDeliveries));
        outcomes.push(
          busy
            ? { ok: false as const, error: new Error('every waiting runner is held by another statement: try again') }
            : { ok: true as const, result: { offers: offers.length } },
        );
      }
      return outcomes;
    },
  });
}
