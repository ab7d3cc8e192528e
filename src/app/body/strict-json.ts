// Duplicate object keys: JSON.parse silently keeps the last one, so `{"email":"a@x.y","email":"b@x.y"}`
// means different things to different parsers (a proxy, a log, us). We refuse such bodies instead.
//
// findDuplicateKey runs AFTER JSON.parse accepted the text, so it only has to tell keys from values:
// one linear pass, an explicit stack of open containers (no recursion, any depth), and a Set of the
// keys seen per open object. Keys are compared after decoding escapes (`"a"` and `"\u0061"` are the
// same key) and code unit by code unit (no Unicode normalisation: `"é"` and `"e\u0301"` differ).

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const COLON = 0x3a; // :
const COMMA = 0x2c; // ,
const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]

interface ObjectFrame {
  keys: Set<string>;
  /** True right after `{` or `,`: the next string is a key, not a value. */
  expectKey: boolean;
}

/** An array is `null` on the stack: it has no keys and no key position. */
type Frame = ObjectFrame | null;

/**
 * The first object key (decoded) that appears a second time in the same object, at any depth, in
 * document order; `undefined` when there is none. `text` must already be valid JSON (JSON.parse
 * succeeded); on anything else the answer is unspecified, but the function never throws or loops.
 */
export function findDuplicateKey(text: string): string | undefined {
  const stack: Frame[] = [];
  let top: Frame | undefined;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const { end, escaped } = stringEnd(text, i);
      if (top?.expectKey) {
        const key = escaped ? decodeString(text, i, end) : text.slice(i + 1, end);
        if (top.keys.has(key)) return key;
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end + 1;
      continue;
    }
    if (c === OPEN_OBJECT) {
      top = { keys: new Set(), expectKey: true };
      stack.push(top);
    } else if (c === OPEN_ARRAY) {
      top = null;
      stack.push(top);
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
      top = stack.length > 0 ? stack[stack.length - 1] : undefined;
    } else if (c === COMMA) {
      if (top) top.expectKey = true;
    } else if (c === COLON) {
      if (top) top.expectKey = false;
    }
    // Anything else (whitespace, numbers, true/false/null) never contains a quote or a bracket.
    i += 1;
  }
  return undefined;
}

/** The closing quote of the string literal opening at `start`; an escape always takes the next code unit with it. */
function stringEnd(text: string, start: number): { end: number; escaped: boolean } {
  let end = start + 1;
  let escaped = false;
  while (end < text.length) {
    const d = text.charCodeAt(end);
    if (d === QUOTE) break;
    if (d === BACKSLASH) {
      escaped = true;
      end += 2;
    } else end += 1;
  }
  return { end, escaped };
}

/**
 * Whether valid JSON `text` nests objects and arrays deeper than `limit`: what a recursive consumer
 * (JSON.stringify, PostgreSQL's jsonb) could not take. One linear pass, like findDuplicateKey.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i).end;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth -= 1;
  }
  return false;
}

/** The decoded value of the JSON string literal whose opening quote is at `start` and closing at `end`. */
function decodeString(text: string, start: number, end: number): string {
  const literal = text.slice(start, end + 1);
  try {
    return JSON.parse(literal) as string;
  } catch {
    // Only reachable on text that is not valid JSON; compare the raw form then.
    return literal.slice(1, -1);
  }
}
