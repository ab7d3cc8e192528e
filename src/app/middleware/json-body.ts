// Reading a JSON body the strict way: right content type, at most 16 KiB, valid UTF-8, valid JSON.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError, apiErrors } from '../errors.js';
import { findDuplicateKey } from '../strict-json.js';

export const BODY_LIMIT_BYTES = 16 * 1024;

/** 413 before the body is read past the limit (also for chunked bodies without Content-Length). */
export const limitBody: MiddlewareHandler = bodyLimit({
  maxSize: BODY_LIMIT_BYTES,
  onError: () => {
    throw apiErrors.payloadTooLarge(BODY_LIMIT_BYTES);
  },
});

function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const type = value.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type?.startsWith('application/') === true && type.endsWith('+json'));
}

export async function readJsonBody(c: Context): Promise<unknown> {
  if (!isJsonContentType(c.req.header('content-type'))) throw apiErrors.unsupportedMediaType('application/json');
  const bytes = await c.req.arrayBuffer();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
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
