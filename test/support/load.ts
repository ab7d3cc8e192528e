// Bounded load for fault tests: N registrations at a given concurrency, against loopback only.
import { runner } from './fixtures.js';

export interface Sent {
  email: string;
  /** HTTP status, or 0 when the request failed (connection refused/reset: the process was killed). */
  status: number;
}

export async function registerMany(
  baseUrl: () => string,
  count: number,
  concurrency: number,
  onAnswer?: (sent: Sent, index: number) => void | Promise<void>,
): Promise<Sent[]> {
  const results: Sent[] = [];
  let next = 0;
  async function worker() {
    while (next < count) {
      const index = next++;
      const body = runner({ distance: ['10', 'half', 'full'][index % 3] });
      let status = 0;
      try {
        const res = await fetch(`${baseUrl()}/api/registrations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      const sent = { email: body.email, status };
      results.push(sent);
      await onAnswer?.(sent, index);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}
