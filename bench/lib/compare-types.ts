// The results of `npm run compare` (bench/compare.ts): what the JSON dump holds and the SVG is drawn from.
import type { Machine } from './machine.js';

/**
 * The strategies in the order the tables show them, with the answer each gives when all goes well.
 * The last three need the email Worker's bindings (EMAIL, EMAIL_QUEUE, REGISTRATION_WORKFLOW): elsewhere
 * their routes answer 501 `strategy_unavailable`, and the compare shows them as n/a.
 */
export const STRATEGIES = [
  { name: 'sequential', route: '/api/marathon-sequential', answers: 200 },
  { name: 'fire-and-forget', route: '/api/marathon-fire-and-forget', answers: 201 },
  { name: 'wait-until', route: '/api/marathon-waituntil', answers: 201 },
  { name: 'parallel', route: '/api/marathon-parallel', answers: 202 },
  { name: 'outbox', route: '/api/registrations', answers: 201 },
  { name: 'service-binding', route: '/api/marathon-service-binding', answers: 201 },
  { name: 'queue', route: '/api/marathon-queue', answers: 202 },
  { name: 'workflow', route: '/api/marathon-workflow', answers: 202 },
] as const;

/** Where the compare runs the service: Node in the bench's process, or both Workers in workerd (Miniflare). */
export const RUNTIMES = ['node', 'workerd'] as const;
export type Runtime = (typeof RUNTIMES)[number];

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
  /**
   * Of those, the ones the service hung up on before the provider answered (no status at the
   * recorder): e.g. workerd cancelling fire-and-forget's un-awaited fetch when the response is done.
   */
  sendsCutOff: number;
}

export interface StrategyResult {
  strategy: StrategyName;
  route: string;
  /**
   * Set when the route answered 501 `strategy_unavailable` (its binding is missing: on Node, the
   * Workers-only strategies): why, e.g. "Workers only". Nothing was measured then (no runs, summary of zeros).
   */
  unavailable?: string;
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
  runtime: Runtime;
  runs: number;
  latencyMs: number;
  concurrency: number;
  failureRates: number[];
  settleMs: number;
  warmup: number;
}

export interface CompareResults {
  machine: Machine;
  /** What ran the service: e.g. "Node v20.20.2", or "workerd 1.2026… (Miniflare 4.…)". */
  service: string;
  /** The 1-minute load average at the start and at the end of the run (the machine may be shared). */
  loadAverage: [number, number];
  parameters: CompareParameters;
  runSeconds: number;
  passes: Pass[];
  expectations: Expectation[];
}
