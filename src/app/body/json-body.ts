// Reading a JSON body the strict way: right content type, at most 16 KiB, valid UTF-8, valid JSON.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { ApiError, apiErrors } from '../errors.js';
import { findDuplicateKey } from './strict-json.js';

export const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * The body stopped arriving: the client (or a proxy in between) closed the connection first. Node then
 * fails the read with ECONNRESET, which would otherwise pass for a lost database connection (a 503
 * and an error log line). It is the client's doing: a 400 nobody will read, and no error logged.
 */
export const bodyIncomplete = () => new ApiError(400, 'bad_request', 'the request body was not received completely');

/** Runs a read of the request body; a failure of the read itself becomes `bodyIncomplete`. */
export async function readingBody<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    // Our own refusals (413 from the limit) keep their answer.
    if (error instanceof HTTPException) throw error;
    throw bodyIncomplete();
  }
}

/**
 * 413 before the body is read past `maxBytes`. Without a Content-Length (chunked), the limit reads the
 * body itself, so a client that goes away mid-body fails here, not in readJsonBody or readFormBody.
 */
export function limitBodyTo(maxBytes: number): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw apiErrors.payloadTooLarge(maxBytes);
    },
  });
  return async (c, next) => {
    // With a Content-Length (and no chunked encoding) the size is known up front, and Node's parser
    // never delivers more than it: decided from the header, as Hono's bodyLimit does, but without
    // touching `c.req.raw.body` — on Node that would build a web Request and a ReadableStream for every
    // request, where reading the body later can take it straight from the socket.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number.parseInt(length, 10) > maxBytes) throw apiErrors.payloadTooLarge(maxBytes);
      return next();
    }
    let downstream = false;
    try {
      return await limit(c, () => {
        downstream = true;
        return next();
      });
    } catch (error) {
      // Past the limit, an error is the handlers' (Hono normally answers those through onError already).
      if (downstream || error instanceof HTTPException) throw error;
      throw bodyIncomplete();
    }
  };
}

/** The API's bodies: at most BODY_LIMIT_BYTES. */
export const limitBody: MiddlewareHandler = limitBodyTo(BODY_LIMIT_BYTES);

function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const type = value.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type?.startsWith('application/') === true && type.endsWith('+json'));
}

// Stateless between calls (no `stream` option): one decoder serves every request.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export async function readJsonBody(c: Context): Promise<unknown> {
  if (!isJsonContentType(c.req.header('content-type'))) throw apiErrors.unsupportedMediaType('application/json');
  const bytes = await readingBody(() => c.req.arrayBuffer());
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw apiErrors.invalidJson();
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw apiErrors.invalidJson();
  }
  // JSON.parse keeps the last of duplicate keys silently; two different values for one field is
  // ambiguous input, so it is refused rather than guessed at.
  if (findDuplicateKey(text) !== undefined) {
    throw new ApiError(400, 'invalid_json', 'duplicate key in JSON object');
  }
  return value;
}
