// Signing webhooks as Resend does (Standard Webhooks, the Svix way), for the stand-in and the tests:
// HMAC-SHA256 over `${svix-id}.${svix-timestamp}.${raw body}` with the base64 key after `whsec_`.
import { createHmac, randomBytes } from 'node:crypto';

/** A new `whsec_…` secret (24 random bytes, as Svix makes them). */
export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** The `svix-signature` entry of `body` signed with `secret`: `v1,<base64>`. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string | Uint8Array): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), Buffer.from(body)]);
  return `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
}

/** The three headers of a signed delivery (the timestamp in seconds; now by default). */
export function webhookHeaders(
  secret: string,
  id: string,
  body: string | Uint8Array,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'svix-id': id,
    'svix-timestamp': String(timestamp),
    'svix-signature': signWebhook(secret, id, timestamp, body),
  };
}
