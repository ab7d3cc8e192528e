// A runner's manage link, `<PUBLIC_URL>/manage/<token>`: the personal page where they withdraw, leave the
// waitlist, or accept or decline an offered place. Every email to a runner carries it. Pure and Web
// Crypto only (`crypto.subtle`), so it is the same token in Node and workerd.
//
// The token is derived from the registration (HMAC-SHA256 keyed with a server secret over
// `manage:<registration id>`), not drawn at random: the database stores only the token's hash, never the
// token, yet emails made later by background statements (the offer made when someone else withdraws, an
// expiry notice) must carry the very same link. Deriving it again from the secret and the id is the only
// way to have the token back without storing it. The `manage:` prefix keeps these MACs apart from any
// other use of the same secret. Whoever holds the secret can mint every runner's link: it is a secret
// like a password, and changing it changes every link (old ones stop matching their stored hashes).

/** A token as manageToken makes it: 32 bytes of HMAC, base64url without padding. */
export const MANAGE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function isManageToken(text: string): boolean {
  return MANAGE_TOKEN.test(text);
}

// importKey is the costly part of an HMAC; a process has one secret, so this holds one entry. The
// promise is kept, so concurrent first calls import once; a failed import is not kept.
const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    hmacKeys.set(secret, key);
    key.catch(() => hmacKeys.delete(secret));
  }
  return key;
}

function base64url(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The registration's manage token (43 characters of base64url): the same for the same secret and id. */
export async function manageToken(secret: string, registrationId: string): Promise<string> {
  if (secret === '') throw new Error('the manage link secret is empty');
  const mac = await crypto.subtle.sign(
    'HMAC',
    await hmacKey(secret),
    new TextEncoder().encode(`manage:${registrationId}`),
  );
  return base64url(mac);
}

/** What the database stores and looks a token up by: SHA-256 of the token, 64 lowercase hex digits. */
export async function manageTokenHash(token: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
}

/** `<publicUrl>/manage/<token>`; `publicUrl` is an origin ("https://race.example.com"), a trailing slash or not. */
export function manageUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/manage/${encodeURIComponent(token)}`;
}

/** Where the runners' manage links point and the key their tokens are derived with (src/config.ts). */
export interface ManageLinks {
  publicUrl: string;
  secret: string;
}
