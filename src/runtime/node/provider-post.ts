// The email provider's HTTP client on Node: node:http(s) with keep-alive, not fetch.
//
// Node's fetch (undici) builds a WHATWG Request, Headers, a body stream and a Response around every
// call, which a route that sends one email per registration pays each time; `npm run
// bench:provider-client` measures the two side by side (bench/results/provider-client.md). The undici
// package's own request() is as cheap per call, but it is one more package to load and keep in memory,
// where node:http is loaded by the server anyway.
//
// Redirects are refused, not followed: Resend's API never redirects, so one means RESEND_BASE_URL
// points at something else; the send fails as a network error (retried with the same Idempotency-Key).
import http from 'node:http';
import https from 'node:https';
import { type HttpAnswer, type HttpPost, timeoutError } from '../../adapters/mail/http-post.js';

/** An answer larger than this is not the provider's: cut it off rather than hold it in memory. */
const MAX_ANSWER_BYTES = 1024 * 1024;

function answer(status: number, headers: http.IncomingHttpHeaders, text: string): HttpAnswer {
  return {
    status,
    headers: {
      get(name) {
        const value = headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: () => Promise.resolve(text),
  };
}

export interface ProviderPostOptions {
  /**
   * How long an idle connection is kept for the next send (fetch's default, too: 4 s). A server that
   * announces its own keep-alive timeout is left a second before it (Node's agent reads the hint).
   * Without a limit, an idle connection could outlive the server's side of it and the next send
   * would meet a reset — a retry for the outbox, a lost email for the seed strategies.
   */
  idleMs?: number;
  /** More options for HTTPS (tests: a CA of their own). */
  tls?: https.AgentOptions;
}

/** A client with its own keep-alive agents. */
export function createProviderPost({ idleMs = 4_000, tls = {} }: ProviderPostOptions = {}): HttpPost {
  // `timeout` ends a connection idle that long; on a request in flight it only emits an event nobody
  // listens to here (the send's own signal or timeoutMs bounds it). LIFO: the most recently used connection first,
  // so a quiet spell lets the others time out.
  const common = { keepAlive: true, scheduling: 'lifo', timeout: idleMs } as const;
  const agents = { http: new http.Agent(common), https: new https.Agent({ ...common, ...tls }) };
  return (url, { headers, body, signal, timeoutMs }) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      // `timeoutMs`: a plain timer destroys the request, answer included; cheaper than a signal.
      let late = false;
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              late = true;
              request.destroy(timeoutError());
            }, timeoutMs);
      const succeed = (result: HttpAnswer) => {
        clearTimeout(timer);
        resolve(result);
      };
      // However the request ended early (its error, the answer's, a close), it was the timer's doing
      // once the timer fired.
      const fail = (error: unknown) => {
        clearTimeout(timer);
        reject(late ? timeoutError() : error);
      };
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const request = (secure ? https : http).request(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          agent: secure ? agents.https : agents.http,
          signal,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          if (status >= 300 && status < 400) {
            response.resume();
            fail(new Error(`redirect refused (HTTP ${status})`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) request.destroy(new Error('answer too large'));
            else chunks.push(chunk);
          });
          response.on('end', () => succeed(answer(status, response.headers, Buffer.concat(chunks).toString('utf8'))));
          // Cut short (connection dropped, aborted, too large): no whole answer, the outcome is unknown.
          response.on('error', fail);
          response.on('close', () => {
            if (!response.complete) fail(new Error('answer cut short'));
          });
        },
      );
      request.on('error', fail);
      request.end(body);
    });
}

export const providerPost: HttpPost = createProviderPost();
