// The OpenAPI document's error answers: every error the API gives, by name, with its status, its
// codes and the headers it carries, in the one envelope (`Error`).
import { type JsonSchema, ref } from './refs.js';

export type HeaderMap = Record<string, { description: string; required?: boolean; schema: JsonSchema }>;

export const RETRY_AFTER: HeaderMap = {
  'Retry-After': { description: 'Seconds to wait before trying again', required: true, schema: { type: 'integer' } },
};
export const NO_STORE: HeaderMap = {
  'Cache-Control': {
    description: 'About a person or the operation of the service: no cache may keep a copy',
    required: true,
    schema: { type: 'string', const: 'no-store' },
  },
};
export const WWW_AUTHENTICATE: HeaderMap = {
  'WWW-Authenticate': { description: 'How to authenticate', required: true, schema: { const: 'Bearer realm="admin"' } },
};

interface ErrorCase {
  status: string;
  codes: string[];
  description: string;
  headers?: HeaderMap;
}

const ERRORS = {
  invalid_json: {
    status: '400',
    codes: ['invalid_json'],
    description: 'Body is not valid JSON (or not UTF-8, or repeats a key): `invalid_json`',
  },
  unauthorized: {
    status: '401',
    codes: ['unauthorized'],
    description: 'Missing or wrong admin credentials, or admin is off (no ADMIN_TOKEN): `unauthorized`',
    headers: WWW_AUTHENTICATE,
  },
  not_found: { status: '404', codes: ['not_found'], description: 'Unknown id: `not_found`' },
  bad_webhook_signature: {
    status: '401',
    codes: ['unauthorized'],
    description:
      'A svix-id, svix-timestamp or svix-signature header is missing, no `v1,` signature matches, or the ' +
      'timestamp is more than 5 minutes away: `unauthorized`',
  },
  webhook_too_large: {
    status: '413',
    codes: ['payload_too_large'],
    description: 'Body over 64 KiB: `payload_too_large`',
  },
  unknown_instance: {
    status: '404',
    codes: ['not_found'],
    description: 'No workflow instance has this id (or the route is switched off): `not_found`',
  },
  unknown_token: {
    status: '404',
    codes: ['not_found'],
    description: 'No registration has this manage token (or it is not one; or manage links are off): `not_found`',
  },
  not_enabled: {
    status: '404',
    codes: ['not_found'],
    description: 'The route is switched off in this deployment: `not_found`',
  },
  conflict: {
    status: '409',
    codes: ['already_registered', 'distance_full'],
    description: '`already_registered` (this email, this race) or `distance_full`',
  },
  not_dead: {
    status: '409',
    codes: ['not_dead', 'key_taken'],
    description:
      '`not_dead` (the task is not a dead letter) or `key_taken` (a pending or running task of its kind carries ' +
      'its key: nothing was replayed)',
  },
  not_offered: {
    status: '409',
    codes: ['not_offered'],
    description: 'No place is offered to this registration (never offered, or already declined): `not_offered`',
  },
  offer_expired: {
    status: '410',
    codes: ['offer_expired'],
    description: 'The offer’s deadline passed: the place has passed on to the next runner: `offer_expired`',
  },
  not_pending_verification: {
    status: '409',
    codes: ['not_pending_verification'],
    description: 'This registration is not waiting for its address to be confirmed: `not_pending_verification`',
  },
  hold_expired: {
    status: '410',
    codes: ['hold_expired'],
    description: 'The place was held until a deadline that has passed: it has been released: `hold_expired`',
  },
  distance_refused: {
    status: '409',
    codes: ['distance_full', 'not_registered'],
    description:
      'The new distance has no room (`distance_full`: the runner keeps their place), or the runner holds no ' +
      'place to move (`not_registered`)',
  },
  email_refused: {
    status: '409',
    codes: ['already_registered', 'registration_closed'],
    description:
      'Another registration of the race has this address (`already_registered`), or this one is withdrawn or ' +
      'expired (`registration_closed`): nothing changed',
  },
  email_invalid: {
    status: '422',
    codes: ['validation_failed', 'address_unreachable'],
    description:
      '`validation_failed` (not an object of `email` alone, or not an address sign-up accepts) or ' +
      '`address_unreachable` (an earlier email to it bounced, was marked as spam or was suppressed: use another)',
  },
  payload_too_large: {
    status: '413',
    codes: ['payload_too_large'],
    description: 'Body over 16 KiB: `payload_too_large`',
  },
  unsupported_media_type: {
    status: '415',
    codes: ['unsupported_media_type'],
    description: 'Content type is not JSON: `unsupported_media_type`',
  },
  validation_failed: {
    status: '422',
    codes: ['validation_failed'],
    description:
      'A field is missing, of the wrong type, too long, unknown or has control characters: `validation_failed`',
  },
  validation_or_key_reused: {
    status: '422',
    codes: ['validation_failed', 'idempotency_key_reused'],
    description:
      '`validation_failed` (a field is missing, of the wrong type, too long, unknown or has control characters; ' +
      'or a malformed `Idempotency-Key`) or `idempotency_key_reused` (the key came with another body)',
  },
  invalid_query: {
    status: '422',
    codes: ['validation_failed'],
    description: 'A query parameter is out of range or not a cursor this API produced: `validation_failed`',
  },
  rate_limited: {
    status: '429',
    codes: ['rate_limited'],
    description: 'Too many registrations from this client: `rate_limited`, with `Retry-After`',
    headers: RETRY_AFTER,
  },
  resend_rate_limited: {
    status: '429',
    codes: ['rate_limited'],
    description:
      'Too many requests from this client (sign-ups and re-sends count together): `rate_limited`, with `Retry-After`',
    headers: RETRY_AFTER,
  },
  manage_rate_limited: {
    status: '429',
    codes: ['rate_limited'],
    description:
      'Too many requests from this client (sign-ups, re-sends and manage actions count together): ' +
      '`rate_limited`, with `Retry-After`',
    headers: RETRY_AFTER,
  },
  admin_rate_limited: {
    status: '429',
    codes: ['rate_limited'],
    description: 'Too many failed admin credentials from this client: `rate_limited`, with `Retry-After`',
    headers: RETRY_AFTER,
  },
  internal: {
    status: '500',
    codes: ['internal'],
    description: 'Something went wrong on our side: `internal` (no details)',
  },
  strategy_unavailable: {
    status: '501',
    codes: ['strategy_unavailable'],
    description: 'This deployment has no email Worker binding for this strategy (Node, or a Worker without it)',
  },
  email_failed: {
    status: '502',
    codes: ['email_failed'],
    description: 'Registered, but the provider refused the email (or the queue refused it): `email_failed`',
  },
  unavailable: {
    status: '503',
    codes: ['unavailable'],
    description: 'Database unreachable: `unavailable`, with `Retry-After`',
    headers: RETRY_AFTER,
  },
} satisfies Record<string, ErrorCase>;

export type ErrorName = keyof typeof ERRORS;

/** The shared envelope, with `error.code` narrowed to the codes this status can carry. */
function errorResponse(error: ErrorCase, extraHeaders: HeaderMap = {}) {
  const headers = { ...error.headers, ...extraHeaders };
  return {
    description: error.description,
    ...(Object.keys(headers).length ? { headers } : {}),
    content: {
      'application/json': {
        schema: {
          allOf: [
            ref('Error'),
            { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: error.codes } } } } },
          ],
        },
      },
    },
  };
}

export function errors(names: ErrorName[], extraHeaders: HeaderMap = {}) {
  return Object.fromEntries(names.map((name) => [ERRORS[name].status, errorResponse(ERRORS[name], extraHeaders)]));
}

/** Every way a sign-up can be refused, in the order the server checks. */
export const SIGN_UP_ERRORS: ErrorName[] = [
  'rate_limited',
  'payload_too_large',
  'unsupported_media_type',
  'invalid_json',
  'validation_failed',
  'conflict',
  'internal',
  'unavailable',
];
