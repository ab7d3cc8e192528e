// How hard a secret token is to guess, estimated in bits: what ADMIN_TOKEN is judged by (src/config.ts).
//
// Each character costs log2 of the pool it is drawn from (the classes it uses: digits 10, lower case 26,
// upper case 26, other printable ASCII 33, anything else 100; a hex-only token 16), except what can be
// predicted from what came before:
// - a repeat of earlier text (3 characters or more, overlaps allowed: `abcabcabc`, `aaaa`) costs one
//   character, however long it is (a guesser tries "the same again" early);
// - a run or a sequence (`aaa`, `abcd`, `9876`: each step the same as the one before, +1, 0 or −1)
//   costs one bit per character after its second.
// So `openssl rand -hex 32` (64 hex characters) is worth about 256 bits and 32 random bytes in
// base64url about 250, while `abcdefghijklabcdefghijkl` (a sequence, then itself again) is worth about
// 25. It knows no dictionary: a passphrase of words is judged by its characters. Pure, no I/O.

const MIN_REPEAT = 3;
const MAX_CHARACTERS = 256;

function poolSize(token: string): number {
  if (/^[0-9a-f]+$/.test(token) || /^[0-9A-F]+$/.test(token)) {
    // Only hex digits: 16, unless the token is digits or letters alone (smaller pools below).
    if (/[0-9]/.test(token) && /[a-fA-F]/.test(token)) return 16;
  }
  let pool = 0;
  if (/[0-9]/.test(token)) pool += 10;
  if (/[a-z]/.test(token)) pool += 26;
  if (/[A-Z]/.test(token)) pool += 26;
  if (/[!-/:-@[-`{-~ ]/.test(token)) pool += 33;
  if (/[^\x20-\x7e]/.test(token)) pool += 100;
  return Math.max(pool, 2);
}

/** The length of the longest earlier occurrence of `chars` from position `i` (overlapping allowed). */
function longestRepeat(chars: readonly number[], i: number): number {
  let best = 0;
  for (let start = 0; start < i; start++) {
    let length = 0;
    while (i + length < chars.length && chars[start + length] === chars[i + length]) length++;
    if (length > best) best = length;
  }
  return best;
}

/** The estimated entropy of `token`, in bits (see the top of this file). */
export function estimateEntropyBits(token: string): number {
  // The first 256 characters are plenty (over 1000 bits when random) and keep the estimate quick.
  const chars = Array.from(token, (c) => c.codePointAt(0) ?? 0).slice(0, MAX_CHARACTERS);
  const perChar = Math.log2(poolSize(token));
  let bits = 0;
  let i = 0;
  while (i < chars.length) {
    const repeat = longestRepeat(chars, i);
    if (repeat >= MIN_REPEAT) {
      bits += perChar;
      i += repeat;
      continue;
    }
    const step = i >= 2 ? (chars[i] ?? 0) - (chars[i - 1] ?? 0) : undefined;
    const previousStep = i >= 2 ? (chars[i - 1] ?? 0) - (chars[i - 2] ?? 0) : undefined;
    const predictable = step !== undefined && step === previousStep && Math.abs(step) <= 1;
    bits += predictable ? 1 : perChar;
    i += 1;
  }
  return bits;
}
