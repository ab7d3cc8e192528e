// Post/Redirect/Get for the pages' forms: a form post answers 303, and the page it redirects to shows
// what became of the post — once. What it needs to know crosses the redirect in a short-lived cookie,
// read and deleted by that page, so a refresh or Back never posts the form again.
//
// The cookie holds only what the browser itself posted (the form's fields, trimmed and cut to a length
// the rules refuse anyway) and what the post came to as a code; the page works everything else out
// again (the sign-up page validates the fields again with the same rules, and words the outcome). So
// it needs no signature: a forged cookie can only fill the form in, as posting that form would. No
// secret to configure, and nothing stored on the server. It is HttpOnly, SameSite=Strict, for every
// path (the page is /), gone after two minutes at most, and `__Host-` + Secure over https (as the
// admin session's cookie: no other host or http page can plant or read it).
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { FormField, FormValues } from '../pages/sign-up.js';

export const FLASH_COOKIE = 'finishline_form';
const MAX_AGE_SECONDS = 120;

/** What a refused sign-up came to, besides its fields' own problems. */
export type SignUpRefusal = 'already_registered' | 'distance_full';

export interface SignUpFlash {
  values: FormValues;
  refusal?: SignUpRefusal;
}

/** The longest each field may be; a longer one is cut (and marked: it stays too long for the rules). */
const LIMITS: Record<FormField, number> = { firstName: 100, lastName: 100, email: 254, address: 300, distance: 20 };
const FIELDS = Object.keys(LIMITS) as FormField[];
const REFUSALS = new Map<string, SignUpRefusal>([
  ['r', 'already_registered'],
  ['f', 'distance_full'],
]);
const ABSENT = '~';

interface Https {
  isHttps: (c: Context) => boolean;
}

/**
 * A field as the rules will see it again: NFC, line breaks and trimmed as they do first (a distance id
 * is compared exactly, so it is left as posted); over its limit it is cut to the limit plus "…", which keeps it too
 * long — the page names the same problem — and keeps the cookie within a browser's 4 KB.
 */
function fitted(field: FormField, value: string): string {
  const limit = LIMITS[field];
  if (field === 'distance') return value.length > limit ? `${value.slice(0, limit)}…` : value;
  const nfc = value.normalize('NFC');
  // The address counts a line break as one character, however the browser sent it (a form sends CRLF).
  const normalized = (field === 'address' ? nfc.replace(/\r\n/g, '\n') : nfc).trim();
  return normalized.length > limit ? `${normalized.slice(0, limit)}…` : normalized;
}

function encode(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function decode(part: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return undefined;
  try {
    const binary = atob(part.replaceAll('-', '+').replaceAll('_', '/'));
    return new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

function options(c: Context, deps: Https) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'Strict' as const,
    ...(deps.isHttps(c) ? { secure: true, prefix: 'host' as const } : {}),
  };
}

function put(c: Context, deps: Https, value: string): void {
  setCookie(c, FLASH_COOKIE, value, { ...options(c, deps), maxAge: MAX_AGE_SECONDS });
}

/** The cookie's parts when it is of `kind`; the cookie is deleted then (a flash is shown once). */
function take(c: Context, deps: Https, kind: string): string[] | undefined {
  const https = deps.isHttps(c);
  const value = https ? getCookie(c, FLASH_COOKIE, 'host') : getCookie(c, FLASH_COOKIE);
  const [head, ...parts] = value?.split('.') ?? [];
  if (head !== kind) return undefined;
  deleteCookie(c, FLASH_COOKIE, options(c, deps));
  return parts;
}

/** Before the redirect of a refused sign-up: the fields as posted, and why it was refused when not for them. */
export function putSignUpFlash(c: Context, deps: Https, flash: SignUpFlash): void {
  const fields = FIELDS.map((field) => {
    const value = flash.values[field];
    return value === undefined ? ABSENT : encode(fitted(field, value));
  });
  const refusal = [...REFUSALS].find(([, r]) => r === flash.refusal)?.[0] ?? '';
  put(c, deps, ['s', ...fields, refusal].join('.'));
}

/** On the sign-up page: the refused sign-up to show, once. */
export function takeSignUpFlash(c: Context, deps: Https): SignUpFlash | undefined {
  const parts = take(c, deps, 's');
  if (parts?.length !== FIELDS.length + 1) return undefined;
  const values: FormValues = {};
  for (const [i, field] of FIELDS.entries()) {
    const part = parts[i] ?? ABSENT;
    if (part === ABSENT) continue;
    const value = decode(part);
    if (value === undefined) return undefined;
    values[field] = value;
  }
  const code = parts[FIELDS.length] ?? '';
  if (code === '') return { values };
  const refusal = REFUSALS.get(code);
  return refusal ? { values, refusal } : undefined;
}

/** Before the redirect of a re-send request: the address it was for (the next page names it). */
export function putResentFlash(c: Context, deps: Https, email: string): void {
  put(c, deps, ['r', encode(fitted('email', email))].join('.'));
}

/** On the re-send's page: the address asked for, once. */
export function takeResentFlash(c: Context, deps: Https): string | undefined {
  const parts = take(c, deps, 'r');
  return parts?.length === 1 ? decode(parts[0] ?? '') : undefined;
}
