// The one HTTP call the Resend adapter makes: a POST of a JSON body. Small on purpose, so each runtime
// can bring its cheapest client: workerd its fetch (the default here), Node keep-alive node:http
// (runtime/node/provider-post.ts), whose answer is not a WHATWG Response — building one cost more than
// the rest of the call.

/** What the adapter reads of an answer. A fetch Response has all of it. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  /** The whole body; the adapter always reads it, so the connection can be reused. */
  text(): Promise<string>;
}

export interface HttpPostInit {
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignal;
  /** Gives up after this long, answer included: rejects with a `TimeoutError` (see `timedOut`). */
  timeoutMs?: number;
}

/**
 * POSTs `init.body` to `url`: resolves with the answer, whatever its status; rejects when there is
 * none (network error, abort, timeout), which the adapter treats as an unknown outcome.
 */
export type HttpPost = (url: string, init: HttpPostInit) => Promise<HttpAnswer>;

/** What a client rejects with when `timeoutMs` ran out (a DOMException, as fetch's own timeouts are). */
export const timeoutError = () => new DOMException('send timed out', 'TimeoutError');

/** Did the call fail because its time ran out? */
export const timedOut = (error: unknown) => (error as { name?: unknown } | null)?.name === 'TimeoutError';

/**
 * The runtime's fetch (Workers; tests). It follows redirects, as fetch does by default. With
 * `timeoutMs` the answer is read before it resolves, so the time limit covers the body too; the limit
 * is a timer cleared once answered, not AbortSignal.timeout, whose signal (and the request and answer
 * fetch leaves reachable from it) lives until it fires.
 */
export const fetchPost: HttpPost = async (url, { timeoutMs, signal, ...init }) => {
  if (timeoutMs === undefined) return fetch(url, { method: 'POST', ...init, signal });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeoutError()), timeoutMs);
  const forward = () => controller.abort(signal?.reason);
  if (signal?.aborted) forward();
  else signal?.addEventListener('abort', forward, { once: true });
  try {
    const response = await fetch(url, { method: 'POST', ...init, signal: controller.signal });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text: () => Promise.resolve(text) };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forward);
  }
};
