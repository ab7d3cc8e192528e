// The results of `npm run compare` (bench/compare.ts): what the JSON dump holds and the SVG is drawn from.
import type { Machine } from './machine.js';

export const STRATEGIES = [
  { name: 'sequential', route: '/api/marathon-sequential' },
  { name: 'fire-and-forget', route: '/api/marathon-fire-and-forget' },
  { name: 'wait-until', route: '/api/marathon-waituntil' },
  { name: 'parallel', route: '/api/marathon-parallel' },
  { name: 'outbox', route: '/api/registrations' },
] as const;

export type StrategyName = (typeof STRATEGIES)[number]['name'];

/** One send attempt to the provider for this runner, in ms from the request's start. */
export interface SendAttempt {
  startMs: number;
  endMs: number;
  /** The provider's status; 0 when it never answered. */
  status: number;
}

export interface Run {
  index: number;
  email: string;
  /** Date.now() at the request's start. */
  startedAt: number;
  responseMs: number;
  /** HTTP status of the answer; 0 when there was none. */
  status: number;
  /** A registration row exists for this email after the settle window. */
  stored: boolean;
  /** Emails the provider accepted for this runner. */
  acceptedEmails: number;
  /** Request start → the provider accepted the first email; null when none was accepted. */
  emailMs: number | null;
  sends: SendAttempt[];
}

export interface StrategySummary {
  runs: number;
  /** Answers by HTTP status ("0": no answer). */
  statuses: Record<string, number>;
  responseP50: number | null;
  responseP95: number | null;
  emailP50: number | null;
  emailP95: number | null;
  /** Runners who got exactly one email. */
  delivered: number;
  /** Stored or answered with success, but no email accepted by the end of the settle window. */
  lost: number;
  /** Runners with more than one accepted email. */
  doubled: number;
  /** Answered 2xx, yet no registration row after the settle window. */
  answeredNotStored: number;
  /** Stored, yet answered with an error (sequential's 502 email_failed). */
  storedButAnsweredError: number;
  /** POST /emails the service made for these runners (retries included). */
  sendAttempts: number;
}

export interface StrategyResult {
  strategy: StrategyName;
  route: string;
  summary: StrategySummary;
  runs: Run[];
}

export interface Pass {
  /** Share of sends the provider answered with HTTP 500. */
  failureRate: number;
  /** Outbox tasks still pending or running when the settle wait gave up (0 when all finished). */
  unfinishedTasks: number;
  strategies: StrategyResult[];
}

export interface Expectation {
  claim: string;
  met: boolean;
  detail: string;
}

export interface CompareParameters {
  runs: number;
  latencyMs: number;
  concurrency: number;
  failureRates: number[];
  settleMs: number;
  warmup: number;
}

export interface CompareResults {
  machine: Machine;
  parameters: CompareParameters;
  runSeconds: number;
  passes: Pass[];
  expectations: Expectation[];
}
