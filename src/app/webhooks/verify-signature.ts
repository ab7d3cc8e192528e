// Resend's webhook signatures (Standard Webhooks, as Svix signs them), checked with Web Crypto alone so
// the same code runs in workerd and Node: the `standardwebhooks` package (what the `resend` SDK uses) is
// not a dependency of ours, and HMAC-SHA256 plus base64 is all it does.
//
// Signed content: `${svix-id}.${svix-timestamp}.${raw body}`, HMAC-SHA256 keyed with the base64 part of
// a `whsec_…` secret. `svix-signature` holds space-separated `v1,<base64>` entries (several while a
// secret rotates); one entry matching one of our secrets is enough. The comparison is
// `crypto.subtle.verify`, which compares in constant time. A timestamp more than five minutes from our
// clock is refused, so a captured request cannot be replayed later.

/** How far (seconds) a signature's timestamp may be from our clock, either way. */
export const TOLERANCE_SECONDS = 5 * 60;
/** At most this many `v1,` entries are tried (a rotation has two or three). */
const MAX_SIGNATURES = 8;
const MAX_ID_LENGTH = 256;

export type WebhookVerdict =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'old_timestamp' | 'bad_signature' };

export interface WebhookHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

/** The HMAC keys of `whsec_…` secrets (checked at start by src/config.ts; a malformed one is skipped). */
export async function webhookKeys(secrets: readonly string[]): Promise<CryptoKey[]> {
  const keys: CryptoKey[] = [];
  for (const secret of secrets) {
    const bytes = base64Bytes(secret.replace(/^whsec_/, ''));
    if (!bytes || bytes.length === 0) continue;
    keys.push(await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']));
  }
  return keys;
}

const encoder = new TextEncoder();

/**
 * Whether `body` (the raw bytes, before any parsing) carries a valid signature by one of `keys`, with a
 * timestamp within TOLERANCE_SECONDS of `nowMs`.
 */
export async function verifyWebhook(
  keys: readonly CryptoKey[],
  headers: WebhookHeaders,
  body: Uint8Array<ArrayBuffer>,
  nowMs: number,
): Promise<WebhookVerdict> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || id.length > MAX_ID_LENGTH) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad_timestamp' };
  const seconds = Number(timestamp);
  if (Math.abs(nowMs / 1000 - seconds) > TOLERANCE_SECONDS) return { ok: false, reason: 'old_timestamp' };

  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix, 0);
  signed.set(body, prefix.length);

  const candidates = signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .slice(0, MAX_SIGNATURES)
    .map((entry) => base64Bytes(entry.slice(3)))
    .filter((bytes): bytes is Uint8Array<ArrayBuffer> => bytes !== undefined && bytes.length === 32);
  for (const key of keys) {
    for (const candidate of candidates) {
      if (await crypto.subtle.verify('HMAC', key, candidate, signed)) return { ok: true, id, timestamp: seconds };
    }
  }
  return { ok: false, reason: 'bad_signature' };
}
