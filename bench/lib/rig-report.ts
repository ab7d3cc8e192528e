// What the rig benchmarks (./rig-bench.ts: bench:drain, bench:priority) report in common: the burst's
// answers, the provider's counts, the stand-in's event-loop lag, the services' logs, the processes, the
// machine.
import { readFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AcceptedRequest, ResendStandIn } from '../../tools/resend-stand-in.js';
import type { Sample } from './load.js';
import type { Machine } from './machine.js';
import { type ProcessReport, shown } from './service-rig.js';
import { round2, roundSummary, summarize } from './stats.js';
import type { Target } from './targets.js';

export const count = (n: number) => n.toLocaleString('en-US');

/** The burst's answers: by status, the first errors, how long it took, the response times. */
export function burstAnswers(sent: Sample[], registrations: number, wallMs: number) {
  const statuses: Record<string, number> = {};
  for (const s of sent) statuses[String(s.status)] = (statuses[String(s.status)] ?? 0) + 1;
  const answered201 = statuses['201'] ?? 0;
  return {
    registrations,
    sent: sent.length,
    statuses,
    answered201,
    other: sent.length - answered201,
    notSent: registrations - sent.length,
    firstErrors: sent
      .filter((s) => s.status !== 201)
      .slice(0, 3)
      .map((s) => `${s.status} ${s.error ?? ''}`.trim()),
    durationMs: round2(wallMs),
    responseMs: roundSummary(summarize(sent.map((s) => s.durationMs))),
  };
}

/** The target every burst has: each registration answered 201. */
export function answeredTarget(b: ReturnType<typeof burstAnswers>): Target {
  return {
    target: `all ${count(b.registrations)} registrations answered 201`,
    measured: `${count(b.answered201)}; other ${JSON.stringify(
      Object.fromEntries(Object.entries(b.statuses).filter(([s]) => s !== '201')),
    )}${b.notSent ? `, ${b.notSent} not sent` : ''}`,
    met: b.answered201 === b.registrations,
  };
}

/** Idempotency keys the provider accepted more than one request with (each one is a doubled send). */
export function doubledKeys(requests: AcceptedRequest[]): number {
  const uses = new Map<string, number>();
  for (const r of requests) if (r.idempotencyKey) uses.set(r.idempotencyKey, (uses.get(r.idempotencyKey) ?? 0) + 1);
  return [...uses.values()].filter((n) => n > 1).length;
}

/** The stand-in's counts of requests: all, by path, accepted, answered 429, other. */
export function providerCounts(standIn: ResendStandIn) {
  const accepted = standIn.acceptedRequests().length;
  return {
    requests: standIn.requestCount(),
    byPath: standIn.requestCountByPath(),
    acceptedRequests: accepted,
    answered429: standIn.refusedByRateLimit(),
    // Replays of an idempotent request, 409s, validation errors: answered, but nothing new accepted.
    otherNotAccepted: standIn.requestCount() - accepted - standIn.refusedByRateLimit(),
  };
}

/**
 * Watches this thread's event loop from now on. The stand-in runs on it: if it lags, requests look
 * bunched to its rate windows and its timestamps are late. Reported, so a reader can tell.
 */
export function watchEventLoop(): { stop(): { p99: number | null; max: number | null } } {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  return {
    stop() {
      delay.disable();
      return { p99: round2(delay.percentile(99) / 1e6), max: round2(delay.max / 1e6) };
    },
  };
}

export function eventLoopLine(lag: { p99: number | null; max: number | null }): string {
  return (
    `The stand-in's event loop (this process's main thread; the load ran on a worker thread) lagged at most ` +
    `${lag.max} ms (p99 ${lag.p99} ms), about how late it may have seen a request.`
  );
}

/** The "Machine: …" line of a results file. */
export function machineLine(info: Machine, postgres: string, load: number[], runSeconds: number): string {
  return (
    `Machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB RAM, ${info.os}, Node ${info.node}, ` +
    `PostgreSQL ${postgres} on loopback; load average at start ${load.map((l) => l.toFixed(2)).join(' / ')}. ` +
    `Date: ${info.date}. Run took ${runSeconds.toFixed(1)} s.`
  );
}

/** `K=V, K=V`: the services' settings as the results print them. */
export const settingsList = (settings: Record<string, string>) =>
  Object.entries(settings)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

/** The services' JSON log lines that have an `event`, parsed (what the engine did: batches, releases…). */
export async function logLines(paths: string[]): Promise<{ event: string; [field: string]: unknown }[]> {
  const lines: { event: string }[] = [];
  for (const path of paths) {
    const text = await readFile(path, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line.includes('"event":')) continue;
      try {
        const parsed = JSON.parse(line) as { event?: unknown };
        if (typeof parsed.event === 'string') lines.push(parsed as { event: string });
      } catch {
        // Not a JSON line (a start-up message): skipped.
      }
    }
  }
  return lines;
}

/** How often each event appears in the services' JSON logs. */
export async function logEvents(paths: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { event } of await logLines(paths)) counts[event] = (counts[event] ?? 0) + 1;
  return counts;
}

/** Emails per accepted request, in buckets that tell "one per request" from "full batches". */
export function batchHistogram(sizes: number[]): { emails: string; requests: number }[] {
  const buckets: [string, number, number][] = [
    ['1', 1, 1],
    ['2–9', 2, 9],
    ['10–49', 10, 49],
    ['50–99', 50, 99],
    ['100', 100, Number.POSITIVE_INFINITY],
  ];
  return buckets.map(([emails, min, max]) => ({ emails, requests: sizes.filter((n) => n >= min && n <= max).length }));
}

/** `1: 3 · 2–9: 0 · …`: a batch histogram in one line. */
export const histogramLine = (histogram: { emails: string; requests: number }[]) =>
  histogram.map((bucket) => `${bucket.emails}: ${count(bucket.requests)}`).join(' · ');

/** The "Services' log events" paragraph (request lines left out). */
export function logEventsLine(events: Record<string, number>, logDir: string): string {
  return `Services' log events: ${
    Object.entries(events)
      .filter(([event]) => event !== 'request')
      .map(([event, n]) => `\`${event}\` ${count(n)}`)
      .join(', ') || 'none'
  } (logs: ${shown(logDir)}/).`;
}

/** The "## Processes" section (Markdown lines, ending with a blank one). */
export function processesSection(processes: ProcessReport[]): string[] {
  return [
    '## Processes',
    '',
    '| service | pid | peak RSS | exit |',
    '|--:|--:|--:|---|',
    ...processes.map(
      (s) =>
        `| ${s.service} | ${s.pid} | ${s.peakRssMiB === undefined ? '–' : `${s.peakRssMiB} MiB`} | ${s.exitSignal ?? s.exitCode} |`,
    ),
    '',
  ];
}
