// What most tests need to talk to a target: a JSON POST and a wait for background work that finishes
// after the answer. The registration body is `runner` in fixtures.ts.
import type { Target } from './targets.js';

/** POSTs `body` as JSON (a string is sent as it is). */
export function post(target: Pick<Target, 'url'>, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${target.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Polls until `check` passes (background work finishes after the response). */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
