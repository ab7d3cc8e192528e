// One error type at the HTTP edge, turned into the one envelope by one onError (docs/design.md: HTTP contract):
//   { "error": { "code", "message", "details"? } }
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { describeError, StoreUnavailableError } from '../ports/errors.js';
import type { Logger } from '../ports/logger.js';

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends HTTPException {
  override name = 'ApiError';
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message });
  }
}

export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * An error answer lists at most this many problems (a body of a thousand unknown keys must not get an
 * answer five times its size); its message then ends with "; and N more".
 */
export const MAX_DETAILS = 20;
/** A path (an unknown key echoed back) longer than this is cut, with "…". */
const MAX_PATH = 64;

function shortPath(detail: ErrorDetail): ErrorDetail {
  const chars = Array.from(detail.path);
  if (chars.length <= MAX_PATH) return detail;
  return { path: `${chars.slice(0, MAX_PATH).join('')}…`, message: detail.message };
}

export const apiErrors = {
  invalidJson: () => new ApiError(400, 'invalid_json', 'body is not valid JSON'),
  unsupportedMediaType: (expected: string) =>
    new ApiError(415, 'unsupported_media_type', `content type must be ${expected}`),
  payloadTooLarge: (limit: number) => new ApiError(413, 'payload_too_large', `body must be at most ${limit} bytes`),
  validationFailed: (details: ErrorDetail[]) => {
    const shown = details.slice(0, MAX_DETAILS).map(shortPath);
    const more = details.length - shown.length;
    const message = shown.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
    return new ApiError(422, 'validation_failed', more ? `${message}; and ${more} more` : message, shown);
  },
  alreadyRegistered: () => new ApiError(409, 'already_registered', 'this email is already registered for the race'),
  distanceFull: (details?: ErrorDetail[]) => new ApiError(409, 'distance_full', 'this distance is full', details),
  idempotencyKeyReused: () =>
    new ApiError(422, 'idempotency_key_reused', 'this Idempotency-Key was used with a different request body'),
  notFound: (what = 'resource') => new ApiError(404, 'not_found', `${what} not found`),
  unavailable: () =>
    new ApiError(503, 'unavailable', 'the service is temporarily unavailable, try again shortly', undefined, {
      'retry-after': String(DATABASE_RETRY_AFTER_SECONDS),
    }),
  strategyUnavailable: (binding: string) =>
    new ApiError(
      501,
      'strategy_unavailable',
      `this strategy needs the ${binding} binding to the email Worker (Cloudflare Workers only)`,
    ),
  emailFailed: () => new ApiError(502, 'email_failed', 'registered, but the confirmation email could not be sent'),
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * Paths answered in JSON: the API and the machine endpoints. Everything else is a page for people, and
 * its errors are pages too (HTML, same status and headers).
 */
export function isApiPath(path: string): boolean {
  return (
    path === '/api' || path.startsWith('/api/') || ['/healthz', '/readyz', '/openapi.json', '/metrics'].includes(path)
  );
}

/** Renders an error as a page (given to handleError by createApp; JSX lives with the pages). */
export type ErrorPageRenderer = (c: Context, error: ApiError) => Response | Promise<Response>;

export function errorBody(code: string, message: string, details?: ErrorDetail[]) {
  return { error: details ? { code, message, details } : { code, message } };
}

/**
 * The app's one onError: known errors keep their status; everything else is a bare 500. API paths get
 * the JSON envelope; pages get `renderPage`'s HTML when it is given.
 */
export function handleError(logger: Logger, renderPage?: ErrorPageRenderer) {
  return (error: Error, c: Context) => {
    let apiError: ApiError;
    if (error instanceof ApiError) apiError = error;
    else if (error instanceof StoreUnavailableError) apiError = apiErrors.unavailable();
    else if (error instanceof HTTPException && error.status < 500) {
      apiError = new ApiError(
        error.status as ContentfulStatusCode,
        CODE_BY_STATUS[error.status] ?? 'bad_request',
        error.message || (error.status === 403 ? 'forbidden' : 'bad request'),
      );
    } else apiError = new ApiError(500, 'internal', 'something went wrong on our side');

    if (apiError.status >= 500) {
      // Names and codes only: driver messages can carry SQL and the runner's data.
      logger.error('request.error', { route: c.req.routePath, code: apiError.code, error: describeError(error) });
    }
    for (const [name, value] of Object.entries(apiError.headers)) c.header(name, value);
    if (renderPage && !isApiPath(c.req.path)) return renderPage(c, apiError);
    return c.json(
      errorBody(apiError.code, apiError.message, apiError.details),
      apiError.status as ContentfulStatusCode,
    );
  };
}
