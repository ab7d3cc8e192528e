// Closed-loop HTTP load for the benchmarks: registrations with a unique email each, over loopback.
import { performance } from 'node:perf_hooks';
import { DEFAULT_RACE } from '../../src/domain/race.js';

export const REQUEST_TIMEOUT_MS = 30_000;

export interface Sample {
  email: string;
  /** Date.now() when the request started (the Resend stand-in stamps emails with Date.now() too). */
  startedAtEpochMs: number;
  durationMs: number;
  status: number; // 0: no answer (network error or timeout)
  error?: string;
}

export function registrationBody(email: string, i: number): string {
  return JSON.stringify({
    firstName: 'Bench',
    lastName: `Runner ${i}`,
    email,
    address: `${i} Benchmark Lane`,
    distance: DEFAULT_RACE.distances[i % DEFAULT_RACE.distances.length]?.id ?? 'half',
  });
}

export async function timedRequest(url: string, email: string, i: number): Promise<Sample> {
  const body = registrationBody(email, i);
  const startedAtEpochMs = Date.now();
  const start = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    const durationMs = performance.now() - start;
    return response.ok
      ? { email, startedAtEpochMs, durationMs, status: response.status }
      : { email, startedAtEpochMs, durationMs, status: response.status, error: text.slice(0, 200) };
  } catch (error) {
    return { email, startedAtEpochMs, durationMs: performance.now() - start, status: 0, error: String(error) };
  }
}

/**
 * Closed loop: `concurrency` workers, each sending its next request as soon as the previous answered.
 * `url` may depend on the request's index (to spread the load over several services). `onSample` is
 * called as each answer arrives (for progress). Once `stop` is aborted no new request starts, and the
 * samples of the ones never sent stay empty (the array is sparse then).
 */
export async function runLoad(
  url: string | ((index: number) => string),
  emails: string[],
  concurrency: number,
  indexBase: number,
  onSample?: (sample: Sample, done: number) => void,
  stop?: AbortSignal,
): Promise<{ samples: Sample[]; wallMs: number }> {
  const samples: Sample[] = new Array(emails.length);
  const urlFor = typeof url === 'string' ? () => url : url;
  let next = 0;
  let done = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < emails.length && !stop?.aborted) {
      const i = next++;
      const sample = await timedRequest(urlFor(i), emails[i] as string, indexBase + i);
      samples[i] = sample;
      onSample?.(sample, ++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, emails.length) }, worker));
  return { samples, wallMs: performance.now() - start };
}
