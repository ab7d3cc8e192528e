// The admin API: tasks and dead letters, their replay, registrations as JSON and CSV (withdrawing one),
// metrics and places. Every route needs `Authorization: Bearer $ADMIN_TOKEN` (or, for GET/HEAD only, a
// dashboard session: see admin-session/ and middleware/admin-auth/) and answers `cache-control: no-store`.
// Lists are newest first and cursor-paged — the waitlisted runners (`status=waitlisted`) in waitlist
// order instead; a cursor is opaque (base64url of `createdAt|id`, or of `waitlist|ticket|race|distance`).
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import * as z from 'zod/mini';
import '../../domain/zod-messages.js';
import type { Race } from '../../domain/race.js';
import {
  isWaitlistPosition,
  type PagePosition,
  type RacePlaces,
  type RegistrationListQuery,
  type RegistrationPagePosition,
  type RegistrationView,
  type TaskView,
  type WaitlistPagePosition,
} from '../../ports/admin-store.js';
import { PROVIDER_DELIVERY_STATUSES, type ProviderDeliveryStatus } from '../../ports/email-delivery.js';
import { REGISTRATION_STATUSES, type RegistrationStatus, STRATEGIES, type Strategy } from '../../ports/store.js';
import { TASK_KIND, TASK_STATUSES } from '../../ports/tasks.js';
import type { AdminAuthDeps } from '../admin-session/index.js';
import type { AppDeps } from '../deps.js';
import { ApiError, apiErrors, type ErrorDetail } from '../errors.js';
import { CSV_BOM, CSV_CONTENT_TYPE, csvRow } from '../formats/csv.js';
import { PROMETHEUS_CONTENT_TYPE, toPrometheus } from '../formats/prometheus.js';
import { adminAuth } from '../middleware/admin-auth/index.js';
import { announce } from '../sign-up/announce.js';
import { type WaitlistDeps, withdraw } from '../waitlist/actions.js';

/**
 * Besides the request's admin store and engine (`c.get('services')`): `maxAttempts`, the budget a replayed
 * dead letter gets; `emailQueue` (Workers with EMAIL_QUEUE), where a replayed task is announced.
 */
export type AdminRouteDeps = AdminAuthDeps & WaitlistDeps & Pick<AppDeps, 'logger' | 'maxAttempts' | 'emailQueue'>;

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
export const CSV_MAX_ROWS = 50_000;
const CSV_BATCH = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

// --- cursors ---------------------------------------------------------------------------------------

const WAITLIST_CURSOR = /^waitlist\|(\d{1,9})\|([^|]{1,200})\|([^|]{1,60})$/;

export function encodeCursor(position: RegistrationPagePosition): string {
  // Every part is ASCII (race and distance percent-encoded), so btoa (Web API, also in workerd) is enough.
  const text = isWaitlistPosition(position)
    ? `waitlist|${position.ticket}|${encodeURIComponent(position.raceId)}|${encodeURIComponent(position.distance)}`
    : `${position.createdAt}|${position.id}`;
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function cursorText(cursor: string, maxLength: number): string | null {
  if (cursor.length > maxLength || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    return atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    return null;
  }
}

/** The waitlist position a cursor names, or null when it is not a waitlist cursor this API produced. */
export function decodeWaitlistCursor(cursor: string): WaitlistPagePosition | null {
  const match = WAITLIST_CURSOR.exec(cursorText(cursor, 400) ?? '');
  if (!match?.[1] || !match[2] || !match[3]) return null;
  try {
    return { ticket: Number(match[1]), raceId: decodeURIComponent(match[2]), distance: decodeURIComponent(match[3]) };
  } catch {
    return null;
  }
}

/** The position a cursor names, or null when it is not one this API produced. */
export function decodeCursor(cursor: string): PagePosition | null {
  const text = cursorText(cursor, 200);
  if (text === null) return null;
  const [createdAt, id, ...rest] = text.split('|');
  if (rest.length > 0 || !createdAt || !id || !UUID.test(id) || !CURSOR_TIME.test(createdAt)) return null;
  // A real instant (no 2027-02-31), so the database never sees an impossible timestamp.
  const millis = new Date(`${createdAt.slice(0, 23)}Z`);
  if (Number.isNaN(millis.getTime()) || millis.toISOString().slice(0, 23) !== createdAt.slice(0, 23)) return null;
  return { createdAt, id: id.toLowerCase() };
}

// --- query validation ------------------------------------------------------------------------------

const LIMIT_MESSAGE = `must be an integer from 1 to ${MAX_PAGE_SIZE}`;

const cursorField = z.pipe(
  z.string(),
  z.transform((value: string, ctx) => {
    const position = decodeCursor(value);
    if (!position) {
      ctx.issues.push({ code: 'custom', message: 'is not a valid cursor', input: value });
      return z.NEVER;
    }
    return position;
  }),
);

const pageFields = {
  limit: z.optional(
    z
      .pipe(z.string().check(z.regex(/^\d{1,6}$/, LIMIT_MESSAGE)), z.transform(Number))
      .check(z.refine((n) => n >= 1 && n <= MAX_PAGE_SIZE, LIMIT_MESSAGE)),
  ),
  cursor: z.optional(cursorField),
};

const taskQuerySchema = z.object({
  status: z.optional(z.enum(TASK_STATUSES, { error: `must be one of: ${TASK_STATUSES.join(', ')}` })),
  kind: z.optional(
    z.string().check(z.regex(TASK_KIND, 'must be 1 to 60 characters: lower-case letters, digits and hyphens')),
  ),
  ...pageFields,
});

const registrationFilterFields = {
  distance: z.optional(z.string().check(z.maxLength(20, 'must be at most 20 characters'))),
  q: z.optional(z.string().check(z.trim(), z.maxLength(200, 'must be at most 200 characters'))),
  strategy: z.optional(z.enum(STRATEGIES, { error: `must be one of: ${STRATEGIES.join(', ')}` })),
  status: z.optional(z.enum(REGISTRATION_STATUSES, { error: `must be one of: ${REGISTRATION_STATUSES.join(', ')}` })),
  delivery: z.optional(
    z.enum(PROVIDER_DELIVERY_STATUSES, { error: `must be one of: ${PROVIDER_DELIVERY_STATUSES.join(', ')}` }),
  ),
};

/** Either kind of registration cursor; whether it is the kind the list's order pages by is checked after. */
const registrationCursorField = z.pipe(
  z.string(),
  z.transform((value: string, ctx): RegistrationPagePosition => {
    const position = decodeCursor(value) ?? decodeWaitlistCursor(value);
    if (!position) {
      ctx.issues.push({ code: 'custom', message: 'is not a valid cursor', input: value });
      return z.NEVER;
    }
    return position;
  }),
);

const registrationQuerySchema = z.object({
  ...registrationFilterFields,
  ...pageFields,
  cursor: z.optional(registrationCursorField),
});
const registrationExportSchema = z.object(registrationFilterFields);

/** Validates the query string; empty values count as absent (as an HTML form sends them). */
function parseQuery<S extends z.ZodMiniType>(schema: S, query: Record<string, string>): z.output<S> {
  const present = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const details: ErrorDetail[] = result.error.issues.map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));
  throw apiErrors.validationFailed(details);
}

type RegistrationFilters = Omit<RegistrationListQuery, 'limit' | 'after'>;

function registrationFilters(parsed: {
  distance?: string;
  q?: string;
  strategy?: Strategy;
  status?: RegistrationStatus;
  delivery?: ProviderDeliveryStatus;
}): RegistrationFilters {
  const filters: RegistrationFilters = {};
  if (parsed.distance !== undefined) filters.distance = parsed.distance;
  if (parsed.q) filters.q = parsed.q;
  if (parsed.strategy !== undefined) filters.strategy = parsed.strategy;
  if (parsed.status !== undefined) filters.status = parsed.status;
  if (parsed.delivery !== undefined) filters.delivery = parsed.delivery;
  return filters;
}

/** Whether a position is of the kind the filtered list pages by: waitlist order exactly for `waitlisted`. */
function fitsOrder(position: RegistrationPagePosition, filters: RegistrationFilters): boolean {
  return isWaitlistPosition(position) === (filters.status === 'waitlisted');
}

/**
 * Every distance of the race, in its order, with its cap and places (0 for a distance nobody signed up
 * for): the same figures in /api/admin/metrics, /metrics and the dashboard.
 */
export async function racePlaces(c: Context, race: Race): Promise<RacePlaces> {
  const counted = await c.get('services').admin.placesByDistance(race.id);
  return Object.fromEntries(
    race.distances.map((d) => [
      d.id,
      { cap: d.cap, ...(counted[d.id] ?? { taken: 0, offersOpen: 0, waitlistLength: 0 }) },
    ]),
  );
}

// --- JSON shapes -----------------------------------------------------------------------------------

function taskJson(task: TaskView) {
  return {
    id: task.id,
    kind: task.kind,
    key: task.key,
    priority: task.priority,
    status: task.status,
    attempts: task.attempts,
    maxAttempts: task.maxAttempts,
    runAt: task.runAt.toISOString(),
    leaseExpiresAt: task.leaseExpiresAt?.toISOString() ?? null,
    lastError: task.lastError,
    registrationId: task.registrationId,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
    attemptsLog: task.attemptsLog.map((a) => ({
      number: a.number,
      startedAt: a.startedAt.toISOString(),
      durationMs: a.durationMs,
      outcome: a.outcome,
      error: a.error,
    })),
  };
}

function registrationJson(r: RegistrationView) {
  return {
    id: r.id,
    firstName: r.firstName,
    lastName: r.lastName,
    email: r.email,
    address: r.address,
    distance: r.distance,
    strategy: r.strategy,
    createdAt: r.createdAt.toISOString(),
    emailStatus: r.emailStatus,
    delivery: r.delivery,
    status: r.status,
    position: r.position,
    offerExpiresAt: r.status === 'offered' ? (r.holdExpiresAt?.toISOString() ?? null) : null,
  };
}

/** The export's columns: new ones are added at the end, so a reader of the older columns keeps working. */
export const CSV_HEADER = [
  'id',
  'first_name',
  'last_name',
  'email',
  'address',
  'distance',
  'strategy',
  'created_at',
  'email_status',
  'status',
  'position',
  'delivery',
] as const;

const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  // After next(): also covers error responses (401, 422, …) rendered by onError.
  c.header('cache-control', 'no-store');
};

export function adminRoutes(deps: AdminRouteDeps) {
  const app = new Hono();
  const auth = adminAuth(deps);
  app.use('/api/admin/*', noStore, auth);
  app.use('/metrics', noStore, auth);

  // The same figures twice: JSON for the admin API, Prometheus' text format for a scraper. Delivery and
  // places alike: one scrape, one admin call.
  app.get('/api/admin/metrics', async (c) => {
    const { admin, engine } = c.get('services');
    const [metrics, places] = await Promise.all([admin.deliveryMetrics(), racePlaces(c, deps.race)]);
    return c.json({ ...metrics, delivery: engine.deliveryState(), places });
  });
  app.get('/metrics', async (c) => {
    const { admin, engine } = c.get('services');
    const [metrics, places] = await Promise.all([admin.deliveryMetrics(), racePlaces(c, deps.race)]);
    c.header('content-type', PROMETHEUS_CONTENT_TYPE);
    return c.body(toPrometheus(metrics, engine.deliveryState(), places));
  });

  app.get('/api/admin/tasks', async (c) => {
    const query = parseQuery(taskQuerySchema, c.req.query());
    const page = await c.get('services').admin.listTasks({
      ...(query.status ? { status: query.status } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(query.cursor ? { after: query.cursor } : {}),
    });
    return c.json({ tasks: page.items.map(taskJson), nextCursor: page.next ? encodeCursor(page.next) : null });
  });

  app.post('/api/admin/tasks/:id/retry', async (c) => {
    const id = c.req.param('id');
    if (!UUID.test(id)) throw apiErrors.notFound('task');
    const result = await c.get('services').admin.replayDeadTask(id.toLowerCase(), deps.maxAttempts);
    if (result.outcome === 'not_found') throw apiErrors.notFound('task');
    if (result.outcome === 'not_dead') {
      throw new ApiError(409, 'not_dead', `the task is ${result.status}: only a dead task can be replayed`);
    }
    if (result.outcome === 'key_taken') {
      throw new ApiError(
        409,
        'key_taken',
        'a pending or running task of its kind carries its key: replaying it would do that work twice',
      );
    }
    // Through the queue when there is one; else the sweeper finds it due.
    announce(c, deps, [{ id: result.id }]);
    deps.logger.info('admin.task.replayed', {
      taskId: result.id,
      attempts: result.attempts,
      maxAttempts: result.maxAttempts,
    });
    return c.json({ id: result.id, status: 'pending' as const });
  });

  // An organiser withdraws a runner: as the runner would, through the same statement.
  app.post('/api/admin/registrations/:id/withdraw', async (c) => {
    const id = c.req.param('id');
    if (!UUID.test(id)) throw apiErrors.notFound('registration');
    const found = await c.get('services').store.findRegistration(id.toLowerCase());
    if (!found) throw apiErrors.notFound('registration');
    const status = await withdraw(c, deps, found.registration);
    deps.logger.info('admin.registration.withdrawn', { registrationId: found.registration.id });
    return c.json({ id: found.registration.id, status });
  });

  // Newest first; `status=waitlisted` lists the waitlist in order (by distance, then ticket).
  app.get('/api/admin/registrations', async (c) => {
    const query = parseQuery(registrationQuerySchema, c.req.query());
    const filters = registrationFilters(query);
    if (query.cursor && !fitsOrder(query.cursor, filters)) {
      throw apiErrors.validationFailed([
        {
          path: 'cursor',
          message: 'is a cursor of another order (waitlisted runners page in waitlist order, the rest newest first)',
        },
      ]);
    }
    const page = await c.get('services').admin.listRegistrations({
      ...filters,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(query.cursor ? { after: query.cursor } : {}),
    });
    return c.json({
      registrations: page.items.map(registrationJson),
      nextCursor: page.next ? encodeCursor(page.next) : null,
    });
  });

  // Built whole (in batches of CSV_BATCH rows) before answering, so a failure is an error response and
  // never a silently truncated file. At most CSV_MAX_ROWS rows, newest first; `x-truncated: true` says
  // there were more (narrow the filters).
  app.get('/api/admin/registrations.csv', async (c) => {
    const filters = registrationFilters(parseQuery(registrationExportSchema, c.req.query()));
    const { admin } = c.get('services');
    const parts: string[] = [CSV_BOM + csvRow(CSV_HEADER)];
    let rows = 0;
    let after: RegistrationPagePosition | undefined;
    let truncated = false;
    while (rows < CSV_MAX_ROWS) {
      const limit = Math.min(CSV_BATCH, CSV_MAX_ROWS - rows);
      const page = await admin.listRegistrations({ ...filters, limit, ...(after ? { after } : {}) });
      for (const r of page.items) {
        parts.push(
          csvRow([
            r.id,
            r.firstName,
            r.lastName,
            r.email,
            r.address,
            r.distance,
            r.strategy,
            r.createdAt,
            r.emailStatus,
            r.status,
            r.position,
            r.delivery,
          ]),
        );
      }
      rows += page.items.length;
      if (!page.next) break;
      after = page.next;
      truncated = rows >= CSV_MAX_ROWS;
    }
    if (truncated) deps.logger.warn('admin.export.truncated', { rows });
    return c.body(parts.join(''), 200, {
      'content-type': CSV_CONTENT_TYPE,
      'content-disposition': 'attachment; filename="registrations.csv"',
      ...(truncated ? { 'x-truncated': 'true' } : {}),
    });
  });

  return app;
}
