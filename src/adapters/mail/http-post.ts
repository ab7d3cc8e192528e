// The one HTTP call the Resend adapter makes: a POST of a JSON body. Small on purpose, so each runtime
// can bring its cheapest client: workerd its fetch (the default here), Node undici's request()
// (runtime/node/provider-post.ts), whose answer is not a WHATWG Response — building one costs more
// than the rest of the call.

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
}

/**
 * POSTs `init.body` to `url`: resolves with the answer, whatever its status; rejects when there is
 * none (network error, abort), which the adapter treats as an unknown outcome.
 */
export type HttpPost = (url: string, init: HttpPostInit) => Promise<HttpAnswer>;

/** The runtime's fetch (Workers; tests). It follows redirects, as fetch does by default. */
export const fetchPost: HttpPost = (url, init) => fetch(url, { method: 'POST', ...init });
