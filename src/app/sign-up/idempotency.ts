// `Idempotency-Key` on POST /api/registrations: a client that did not hear our answer (timeout,
// dropped connection) retries with the same key and gets the original answer, not a 409.
import type { Context } from 'hono';
import type { RegistrationInput } from '../../domain/registration.js';
import type { IdempotentResponse } from '../../ports/store.js';
import { ApiError, apiErrors } from '../errors.js';

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The header's value, or undefined; 422 when it is not 1–255 visible ASCII characters. */
export function readIdempotencyKey(c: Context): string | undefined {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (!KEY.test(key)) {
    throw new ApiError(422, 'validation_failed', 'Idempotency-Key: must be 1–255 visible ASCII characters', [
      { path: 'Idempotency-Key', message: 'must be 1–255 visible ASCII characters' },
    ]);
  }
  return key;
}

/** SHA-256 of the validated input with sorted keys: the same request however its JSON was spelled. */
export async function requestHash(input: RegistrationInput): Promise<string> {
  const { firstName, lastName, email, address, distance } = input;
  const canonical = JSON.stringify({ address, distance, email, firstName, lastName });
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The remembered answer, marked as a replay; 422 when the key came with another body. */
export function replay(c: Context, remembered: IdempotentResponse, hash: string): Response {
  if (remembered.requestHash !== hash) throw apiErrors.idempotencyKeyReused();
  c.header('idempotent-replayed', 'true');
  const { id } = remembered.body as { id?: string };
  if (id) c.header('location', `/api/registrations/${id}`);
  return c.json(remembered.body as object, remembered.status as 201);
}
