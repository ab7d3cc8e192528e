// Delivery pause: after an account-wide failure (invalid key, quota: a PauseDeliveryError) this engine
// claims nothing and gives back what it holds until the provider's Retry-After (or a minute) has passed,
// instead of burning every task's attempts on a failure that says nothing about them. Per engine: one per
// process on Node, per invocation on Workers.
//
// Its states: `running`; `paused` until an instant; `held`, a pause with no end, for a reason only a new
// configuration ends (`no_provider`: a Worker without RESEND_API_KEY outside dev mode) — tasks are
// stored and wait for a redeploy.
import type { Logger } from '../ports/logger.js';
import type { PauseDeliveryError } from './errors.js';

/** What /readyz and the admin show; `until` is null while delivery is held. */
export type DeliveryState = { state: 'running' } | { state: 'paused'; reason: string; until: string | null };

/** How long a held task is put back for before anyone looks again (a redeploy may have fixed it). */
const HELD_RECHECK_MS = 60_000;

export interface DeliveryPauseOptions {
  /** Held from the start, for this reason. */
  held?: string;
  /** The pause when the provider gave no time. */
  defaultMs: number;
  /** The longest pause (the longest backoff). */
  maxMs: number;
  now: () => number;
  logger: Logger;
}

export interface DeliveryPause {
  /** How long delivery stays paused from now; 0 while running. */
  leftMs(): number;
  /** Pauses delivery after an account-wide failure; returns for how long. */
  pause(error: PauseDeliveryError): number;
  state(): DeliveryState;
}

export function createDeliveryPause(options: DeliveryPauseOptions): DeliveryPause {
  const { held, now, logger } = options;
  let paused: { reason: string; until: number } | undefined;
  const leftMs = () => {
    if (held) return HELD_RECHECK_MS;
    return paused && paused.until > now() ? paused.until - now() : 0;
  };
  return {
    leftMs,
    pause(error) {
      const pauseMs = Math.min(options.maxMs, error.pauseMs ?? options.defaultMs);
      paused = { reason: error.message, until: now() + pauseMs };
      logger.error('delivery.paused', { reason: error.message, pauseMs });
      return pauseMs;
    },
    state() {
      if (held) return { state: 'paused', reason: held, until: null };
      const left = leftMs();
      return left > 0 && paused
        ? { state: 'paused', reason: paused.reason, until: new Date(now() + left).toISOString() }
        : { state: 'running' };
    },
  };
}
