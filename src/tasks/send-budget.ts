// One send budget for the whole provider account (EMAIL_RATE_LIMIT_PER_SEC): Resend's limit counts
// requests across every key and process of the team, so the budget lives in the database that all our
// processes and Worker isolates share, not in one process's memory.
import type { SqlDatabase } from '../ports/sql-database.js';
import { pushBackSends, reserveSendSlot } from './sql/send-budget.js';

export type Slot = { reserved: true; waitMs: number } | { reserved: false; queueMs: number };

export interface SendBudget {
  /** Reserves the next provider request slot if it starts within `maxWaitMs`; says how long to wait. */
  reserve(maxWaitMs: number): Promise<Slot>;
  /** The provider answered 429: nobody sends for `ms`. */
  backOff(ms: number): Promise<void>;
}

/**
 * Slots are spaced 1000 / rate ms apart, plus a tenth: requests leave at their slot but reach the
 * provider after a variable delay (event-loop lag, the network), and two that arrive closer than
 * planned could otherwise make rate + 1 in one of the provider's one-second windows.
 */
export const SLOT_HEADROOM = 1.1;

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
  };
}
