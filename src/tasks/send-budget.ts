// One send budget for the whole provider account (EMAIL_RATE_LIMIT_PER_SEC): Resend's limit counts
// requests across every key and process of the team, so the budget lives in the database that all our
// processes and Worker isolates share, not in one process's memory.
import type { SqlDatabase } from '../ports/sql-database.js';
import { sleep } from './sleep.js';
import { pushBackSends, reserveSendSlot } from './sql/send-budget.js';

export type Slot = { reserved: true; waitMs: number } | { reserved: false; queueMs: number };

export interface SendBudget {
  /** Reserves the next provider request slot if it starts within `maxWaitMs`; says how long to wait. */
  reserve(maxWaitMs: number): Promise<Slot>;
  /** The provider answered 429: nobody sends for `ms`. */
  backOff(ms: number): Promise<void>;
  /** How late a request may leave after its slot and still keep to the provider's limit. */
  readonly slackMs: number;
}

/**
 * Slots are spaced 1000 / rate ms apart, plus a quarter: requests leave at their slot but reach the
 * provider after a variable delay (event-loop lag, the network), and two that arrive closer than
 * planned could otherwise make rate + 1 in one of the provider's one-second windows. The quarter is
 * the slack a late request may use (see `takeSlot`).
 */
export const SLOT_HEADROOM = 1.25;

export function createSendBudget(db: SqlDatabase, perSecond: number, name = 'provider'): SendBudget {
  const stepMs = (1000 / perSecond) * SLOT_HEADROOM;
  return {
    async reserve(maxWaitMs) {
      const row = await reserveSendSlot(db, name, stepMs, maxWaitMs);
      return row.reserved_wait_ms === null
        ? { reserved: false, queueMs: row.queue_ms }
        : { reserved: true, waitMs: row.reserved_wait_ms };
    },
    backOff: (ms) => pushBackSends(db, name, ms),
    slackMs: stepMs - 1000 / perSecond,
  };
}

export type Taken = { taken: true } | { taken: false; queueMs: number };

/**
 * Reserves a slot and waits for it. A wait that ends later than the slack allows (the process was busy:
 * a burst of requests, a garbage collection) would send too close to the next slot's holder — two
 * requests in one of the provider's seconds, a 429 — so the late waker lets its slot go and reserves
 * again, at most a few times. Throws the signal's reason when it aborts (shutdown).
 */
export async function takeSlot(
  budget: SendBudget,
  maxWaitMs: number,
  signal: AbortSignal,
  now: () => number = Date.now,
): Promise<Taken> {
  for (let tries = 1; ; tries++) {
    // The database counts the wait from when it ran the statement, which is between asking and the
    // answer; under load the answer can come a good while later, so the wait starts from the asking.
    const asked = now();
    const slot = await budget.reserve(maxWaitMs);
    if (!slot.reserved) return { taken: false, queueMs: slot.queueMs };
    const due = asked + slot.waitMs;
    await sleep(Math.max(0, due - now()), signal);
    if (now() - due <= budget.slackMs || tries >= 3) return { taken: true };
  }
}
