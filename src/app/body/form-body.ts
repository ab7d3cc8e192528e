// Reading a page's form post: `application/x-www-form-urlencoded` only (what a <form> sends by
// default), at most 16 KiB (limitBody runs first). Anything else is 415, as for the JSON API.
import type { Context } from 'hono';
import { apiErrors } from '../errors.js';
import { readingBody } from './json-body.js';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export async function readFormBody(c: Context): Promise<URLSearchParams> {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== FORM_CONTENT_TYPE) throw apiErrors.unsupportedMediaType(FORM_CONTENT_TYPE);
  // Malformed percent-escapes and invalid UTF-8 decode to U+FFFD rather than failing; the field
  // rules (lengths, no control characters) then apply to what is left.
  // A client gone mid-body is a 400 (readingBody), as for the JSON API.
  return new URLSearchParams(await readingBody(() => c.req.text()));
}

/** The named fields that are present (first value of each); absent fields stay absent ("is required"). */
export function pickFields<const F extends string>(
  form: URLSearchParams,
  fields: readonly F[],
): Partial<Record<F, string>> {
  const picked: Partial<Record<F, string>> = {};
  for (const field of fields) {
    const value = form.get(field);
    if (value !== null) picked[field] = value;
  }
  return picked;
}
