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
  /** What a 201 said of the runner (`status`, and `position` on the waitlist): only for waitlist sign-ups. */
  answer?: { status?: string; position?: number };
}

/** What a sign-up asks for besides the runner: a distance (else round-robin over the default race's) and the waitlist. */
export interface SignUpFields {
  distance?: string;
  joinWaitlist?: boolean;
}

export function registrationBody(email: string, i: number, fields: SignUpFields = {}): string {
  return JSON.stringify({
    firstName: 'Bench',
    lastName: `Runner ${i}`,
    email,
    address: `${i} Benchmark Lane`,
    distance: fields.distance ?? DEFAULT_RACE.distances[i % DEFAULT_RACE.distances.length]?.id ?? 'half',
    ...(fields.joinWaitlist ? { joinWaitlist: true } : {}),
  });
}

/** The runner's status and waitlist number from a 201's JSON (undefined fields when absent). */
function answerOf(text: string): Sample['answer'] {
  try {
    const json = JSON.parse(text) as { status?: unknown; position?: unknown };
    return {
      ...(typeof json.status === 'string' ? { status: json.status } : {}),
      ...(typeof json.position === 'number' ? { position: json.position } : {}),
    };
  } catch {
    return {};
  }
}

export async function timedRequest(url: string, email: string, i: number, fields: SignUpFields = {}): Promise<Sample> {
  const body = registrationBody(email, i, fields);
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
    if (!response.ok) {
      return { email, startedAtEpochMs, durationMs, status: response.status, error: text.slice(0, 200) };
    }
    return fields.joinWaitlist
      ? { email, startedAtEpochMs, durationMs, status: response.status, answer: answerOf(text) }
      : { email, startedAtEpochMs, durationMs, status: response.status };
  } catch (error) {
    return { email, startedAtEpochMs, durationMs: performance.now() - start, status: 0, error: String(error) };
  }
}

/**
 * Closed loop: `concurrency` workers, each sending its next request as soon as the previous answered.
 * `url` may depend on the request's index (to spread the load over several services). `onSample` is
 * called as each answer arrives (for progress). Once `stop` is aborted no new request starts, and the
 * samples of the ones never sent stay empty (the array is sparse then). `fields` go into every sign-up.
 */
export async function runLoad(
  url: string | ((index: number) => string),
  emails: string[],
  concurrency: number,
  indexBase: number,
  onSample?: (sample: Sample, done: number) => void,
  stop?: AbortSignal,
  fields?: SignUpFields,
): Promise<{ samples: Sample[]; wallMs: number }> {
  const samples: Sample[] = new Array(emails.length);
  const urlFor = typeof url === 'string' ? () => url : url;
  let next = 0;
  let done = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < emails.length && !stop?.aborted) {
      const i = next++;
      const sample = await timedRequest(urlFor(i), emails[i] as string, indexBase + i, fields);
      samples[i] = sample;
      onSample?.(sample, ++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, emails.length) }, worker));
  return { samples, wallMs: performance.now() - start };
}
