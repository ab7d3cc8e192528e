// The API described as OpenAPI 3.1. Request bodies come from the SAME Zod schemas that validate
// requests (z.toJSONSchema), so the description cannot drift from what the server accepts; response
// schemas are Zod too, and the HTTP contract tests check every real answer against them (Ajv), so they
// cannot drift from what the server sends either.
// Zod Mini, as the request schemas (src/domain): the same schemas, as functions.
import * as z from 'zod/mini';
import type { Race } from '../domain/race.js';
import { registrationInputSchema, resendInputSchema } from '../domain/registration.js';
import { EMAIL_DELIVERY_STATUSES } from '../ports/email-delivery.js';
import { STRATEGIES } from '../ports/store.js';
import { ATTEMPT_OUTCOMES, TASK_STATUSES, type TaskStatus } from '../ports/tasks.js';
import { RESEND_WINDOW_MS } from './resend-confirmation.js';
import { TASK_KIND } from './routes/admin.js';

type JsonSchema = Record<string, unknown>;

// --- schemas ---------------------------------------------------------------------------------------

const count = () => z.int().check(z.minimum(0));
const instant = () => z.iso.datetime();

const errorSchema = z.strictObject({
  error: z.strictObject({
    code: z.string().check(z.meta({ examples: ['validation_failed'] })),
    message: z.string(),
    details: z
      .optional(z.array(z.strictObject({ path: z.string(), message: z.string() })))
      .check(z.meta({ description: 'One entry per field at fault (validation_failed)' })),
  }),
});

const emailStatus = z.enum(EMAIL_DELIVERY_STATUSES).check(
  z.meta({
    description:
      '`sending` (first attempt under way), `pending` (retry scheduled), `sent`, `failed` (dead letter), ' +
      '`not_tracked` (a seed strategy: nothing records its email)',
  }),
);
const strategy = z.enum(STRATEGIES);

const registrationCreated = z.strictObject({
  id: z.uuid(),
  status: z.literal('registered'),
  distance: z.string(),
  email: z.strictObject({ status: emailStatus }),
});

const resendAccepted = z
  .strictObject({ status: z.literal('accepted') })
  .check(z.meta({ description: 'The same answer for every address, registered or not' }));

const registrationStatus = z.strictObject({
  id: z.uuid(),
  status: z.literal('registered'),
  firstName: z.string(),
  lastName: z.string(),
  distance: z.string(),
  strategy,
  createdAt: instant(),
  email: z.strictObject({ status: emailStatus, attempts: count(), sentAt: z.nullable(instant()) }),
});

const raceDistance = z.strictObject({
  id: z.string(),
  label: z.string(),
  startTime: z.string().check(z.meta({ examples: ['09:00'] })),
  cap: count(),
  spotsLeft: count(),
});

const raceView = z.strictObject({
  id: z.string(),
  name: z.string(),
  date: z.iso.date(),
  place: z.string(),
  timeZone: z.string().check(z.meta({ examples: ['Europe/Amsterdam'] })),
  distances: z.array(raceDistance),
});

const health = z.strictObject({ status: z.literal('ok') });

const deliveryState = z
  .discriminatedUnion('state', [
    z.strictObject({ state: z.literal('running') }),
    z.strictObject({
      state: z.literal('paused'),
      reason: z.string().check(
        z.meta({
          description:
            'Why: an account-wide provider failure (`invalid_api_key`, …), or `no_provider` (no provider key ' +
            'configured: tasks are stored and wait)',
          examples: ['invalid_api_key', 'no_provider'],
        }),
      ),
      until: z
        .nullable(instant())
        .check(
          z.meta({ description: 'When delivery resumes by itself; null when only a configuration change ends it' }),
        ),
    }),
  ])
  .check(z.meta({ description: 'Whether this process (isolate, on Workers) is sending emails' }));

const readiness = z.strictObject({ status: z.literal('ready'), delivery: deliveryState });

const nextCursor = z
  .nullable(z.string())
  .check(z.meta({ description: 'Pass as `cursor` for the next page; null on the last' }));

const adminTaskAttempt = z.strictObject({
  number: z.int().check(z.minimum(1)),
  startedAt: instant(),
  durationMs: count(),
  outcome: z.enum(ATTEMPT_OUTCOMES),
  error: z.nullable(z.string()),
});

const adminTask = z.strictObject({
  id: z.uuid().check(z.meta({ description: 'Also the provider Idempotency-Key of every attempt' })),
  kind: z.string().check(z.meta({ description: 'What the task does', examples: ['send-confirmation-email'] })),
  key: z
    .nullable(z.string())
    .check(z.meta({ description: "Unique among its kind's pending and running tasks; null when it has none" })),
  priority: z.int().check(z.meta({ description: 'Lower runs first' })),
  status: z.enum(TASK_STATUSES),
  attempts: count(),
  maxAttempts: count(),
  runAt: instant().check(z.meta({ description: 'When it is (or was last) due' })),
  leaseExpiresAt: z.nullable(instant()),
  lastError: z.nullable(z.string()),
  registrationId: z.nullable(z.uuid()),
  createdAt: instant(),
  updatedAt: instant(),
  attemptsLog: z.array(adminTaskAttempt).check(z.meta({ description: 'Every recorded attempt, oldest first' })),
});

const adminTaskList = z.strictObject({ tasks: z.array(adminTask), nextCursor });

const taskReplayed = z.strictObject({ id: z.uuid(), status: z.literal('pending') });

const adminRegistration = z.strictObject({
  id: z.uuid(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  address: z.string(),
  distance: z.string(),
  strategy,
  createdAt: instant(),
  emailStatus,
});

const adminRegistrationList = z.strictObject({ registrations: z.array(adminRegistration), nextCursor });

/** Every task status, each with its count (0 when none). */
const countPerTaskStatus = z.strictObject(
  Object.fromEntries(TASK_STATUSES.map((status) => [status, count()])) as Record<TaskStatus, ReturnType<typeof count>>,
);

const adminMetrics = z.strictObject({
  tasksByStatus: countPerTaskStatus,
  tasksByKind: z
    .record(z.string(), countPerTaskStatus)
    .check(z.meta({ description: 'Per kind with at least one task: its tasks in each status' })),
  attemptsByOutcome: z.partialRecord(z.enum(ATTEMPT_OUTCOMES), count()),
  oldestPendingAgeSeconds: z.number().check(z.minimum(0)),
  delivery: deliveryState,
});

const devMailMessage = z.strictObject({
  id: z.uuid(),
  idempotencyKey: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  createdAt: instant(),
});

const devMailList = z.strictObject({ messages: z.array(devMailMessage) });

const openApiSelf = z
  .looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) })
  .check(z.meta({ description: 'This document' }));

/** The components, as JSON Schema 2020-12; a schema registered here is a `$ref` wherever it is used. */
function componentSchemas(race: Race): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  const named: [string, z.ZodMiniType][] = [
    ['RegistrationInput', registrationInputSchema(race)],
    ['RegistrationCreated', registrationCreated],
    ['ResendConfirmationInput', resendInputSchema(race)],
    ['ResendAccepted', resendAccepted],
    ['RegistrationStatus', registrationStatus],
    ['EmailStatus', emailStatus],
    ['Race', raceView],
    ['RaceDistance', raceDistance],
    ['Health', health],
    ['Readiness', readiness],
    ['DeliveryState', deliveryState],
    ['AdminTaskList', adminTaskList],
    ['AdminTask', adminTask],
    ['AdminTaskAttempt', adminTaskAttempt],
    ['TaskReplayed', taskReplayed],
    ['AdminRegistrationList', adminRegistrationList],
    ['AdminRegistration', adminRegistration],
    ['AdminMetrics', adminMetrics],
    ['DevMailList', devMailList],
    ['DevMailMessage', devMailMessage],
    ['OpenApiDocument', openApiSelf],
    ['Error', errorSchema],
  ];
  for (const [id, schema] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // Each is a part of this document, not a document of its own: no dialect, no $id.
  return Object.fromEntries(
    named.map(([id]) => {
      const { $schema: _dialect, $id: _id, ...schema } = schemas[id] as JsonSchema;
      return [id, schema];
    }),
  );
}

// --- responses -------------------------------------------------------------------------------------

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ 'application/json': { schema: ref(name) } });

type HeaderMap = Record<string, { description: string; required?: boolean; schema: JsonSchema }>;

const RETRY_AFTER: HeaderMap = {
  'Retry-After': { description: 'Seconds to wait before trying again', required: true, schema: { type: 'integer' } },
};
const NO_STORE: HeaderMap = {
  'Cache-Control': {
    description: 'About a person or the operation of the service: no cache may keep a copy',
    required: true,
    schema: { type: 'string', const: 'no-store' },
  },
};
const WWW_AUTHENTICATE: HeaderMap = {
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

type ErrorName = keyof typeof ERRORS;

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

function errors(names: ErrorName[], extraHeaders: HeaderMap = {}) {
  return Object.fromEntries(names.map((name) => [ERRORS[name].status, errorResponse(ERRORS[name], extraHeaders)]));
}

/** Every way a sign-up can be refused, in the order the server checks. */
const SIGN_UP_ERRORS: ErrorName[] = [
  'rate_limited',
  'payload_too_large',
  'unsupported_media_type',
  'invalid_json',
  'validation_failed',
  'conflict',
  'internal',
  'unavailable',
];

// --- operations ------------------------------------------------------------------------------------

const PUBLIC: never[] = [];
const ADMIN = [{ adminToken: [] }];

const SEED_ROUTES = [
  [
    '/api/marathon-sequential',
    'registerSequential',
    'sequential',
    '200',
    'Awaits the insert and the email, then answers.',
  ],
  [
    '/api/marathon-fire-and-forget',
    'registerFireAndForget',
    'fire-and-forget',
    '201',
    'Awaits the insert; the email is not awaited.',
  ],
  [
    '/api/marathon-waituntil',
    'registerWaitUntil',
    'wait-until',
    '201',
    'Awaits the insert; the email runs in waitUntil.',
  ],
  [
    '/api/marathon-parallel',
    'registerParallel',
    'parallel',
    '202',
    'Insert and email both in waitUntil; answers at once.',
  ],
  ['/api/marathon-outbox', 'registerOutboxText', 'outbox', '201', 'The outbox, with the seed’s plain-text answer.'],
  [
    '/api/marathon-service-binding',
    'registerServiceBinding',
    'service-binding',
    '201',
    'Awaits the insert; the email Worker sends the email, called over the `EMAIL` Service Binding in waitUntil (Workers only).',
  ],
  [
    '/api/marathon-queue',
    'registerQueue',
    'queue',
    '202',
    'Awaits the insert, then the enqueue of the email on `EMAIL_QUEUE`; the email Worker sends it (Workers only).',
  ],
] as const;

export function openApiDocument(race: Race) {
  const registrationBody = { required: true, content: json('RegistrationInput') };
  const seedPaths = Object.fromEntries(
    SEED_ROUTES.map(([path, operationId, name, status, description]) => [
      path,
      {
        post: {
          tags: ['strategies'],
          operationId,
          summary: `Register (${name} strategy)`,
          description:
            `${description} Kept to compare strategies; see the README. Exists only when \`STRATEGY_ROUTES\` ` +
            'is on (off by default in production, where this path answers 404).',
          security: PUBLIC,
          requestBody: registrationBody,
          responses: {
            [status]: {
              description: 'Registered',
              content: {
                'text/plain': { schema: { type: 'string', const: 'Thanks for registering for our Marathon' } },
              },
            },
            ...errors([
              ...SIGN_UP_ERRORS,
              'not_enabled',
              ...(name === 'sequential' || name === 'queue' ? (['email_failed'] as const) : []),
              ...(name === 'service-binding' || name === 'queue' ? (['strategy_unavailable'] as const) : []),
            ]),
          },
        },
      },
    ]),
  );
  const cursorParams = [
    {
      name: 'limit',
      in: 'query',
      schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
      description: 'Page size',
    },
    { name: 'cursor', in: 'query', schema: { type: 'string' }, description: '`nextCursor` of the previous page' },
  ];
  const registrationFilters = [
    { name: 'distance', in: 'query', schema: { type: 'string', maxLength: 20 }, description: 'Distance id (exact)' },
    {
      name: 'q',
      in: 'query',
      schema: { type: 'string', maxLength: 200 },
      description: 'First name, last name or email contains (case-insensitive)',
    },
    { name: 'strategy', in: 'query', schema: { type: 'string', enum: [...STRATEGIES] }, description: 'Strategy' },
  ];
  const adminErrors = (...names: ErrorName[]) =>
    errors(['unauthorized', 'admin_rate_limited', ...names, 'internal', 'unavailable'], NO_STORE);
  return {
    openapi: '3.1.0',
    info: {
      title: `finishline — ${race.name}`,
      version: '0.1.0',
      description:
        'Marathon sign-ups whose confirmation emails always arrive, exactly once. Every error has the shape ' +
        '`{ "error": { "code", "message", "details"? } }`; any path or method not listed here answers 404 ' +
        '`not_found` in that shape.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // Relative: resolved against wherever this document was fetched from, so the one document is right
    // on Node and on Workers, behind any host name or proxy, without trusting forwarded headers.
    servers: [{ url: '/', description: 'The service that served this document' }],
    tags: [
      { name: 'registrations', description: 'Sign up and follow the confirmation email' },
      { name: 'strategies', description: 'The seed’s background-work strategies, side by side' },
      { name: 'admin', description: 'Tasks, dead letters, registrations, metrics (admin token)' },
      { name: 'health', description: 'Liveness and readiness, for load balancers and orchestrators' },
      { name: 'dev', description: 'Development helpers: exist only in dev mode without a provider key' },
      { name: 'reference', description: 'This description of the API' },
    ],
    paths: {
      '/api/registrations': {
        post: {
          tags: ['registrations'],
          operationId: 'register',
          summary: 'Register a runner',
          description:
            'Stores the registration and its email task in one statement, answers, then sends the email ' +
            'after the response; retried until accepted, never twice.',
          security: PUBLIC,
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
              description:
                'Same key and body → the original answer again, with `Idempotent-Replayed: true`. ' +
                'Same key, other body → 422 `idempotency_key_reused`.',
            },
          ],
          requestBody: registrationBody,
          responses: {
            '201': {
              description: 'Registered; the email is on its way',
              headers: {
                ...NO_STORE,
                Location: {
                  description: 'The registration: `/api/registrations/{id}`',
                  required: true,
                  schema: { type: 'string', pattern: '^/api/registrations/[0-9a-f-]{36}$' },
                },
                'Idempotent-Replayed': {
                  description: '`true` when this is the remembered answer to an earlier request with the same key',
                  schema: { const: 'true' },
                },
              },
              content: json('RegistrationCreated'),
            },
            ...errors(
              SIGN_UP_ERRORS.map((name) => (name === 'validation_failed' ? 'validation_or_key_reused' : name)),
              NO_STORE,
            ),
          },
        },
      },
      '/api/registrations/resend-confirmation': {
        post: {
          tags: ['registrations'],
          operationId: 'resendConfirmation',
          summary: 'Send a runner’s confirmation email again',
          description:
            'Answers 202 whether or not the address is registered, so the answer never tells anyone who is: ' +
            'only the address’s owner learns it, from the email. A registered address gets its confirmation ' +
            'again (the same email, retried until accepted like the first), at most once every ' +
            `${RESEND_WINDOW_MS / 60_000} minutes; asking again within that time sends nothing more and is ` +
            'answered the same.',
          security: PUBLIC,
          requestBody: { required: true, content: json('ResendConfirmationInput') },
          responses: {
            '202': {
              description: 'Accepted: if the address is registered, its confirmation is on its way',
              headers: NO_STORE,
              content: json('ResendAccepted'),
            },
            ...errors(
              [
                'resend_rate_limited',
                'payload_too_large',
                'unsupported_media_type',
                'invalid_json',
                'validation_failed',
                'internal',
                'unavailable',
              ],
              NO_STORE,
            ),
          },
        },
      },
      '/api/registrations/{id}': {
        get: {
          tags: ['registrations'],
          operationId: 'getRegistration',
          summary: 'One registration and its email delivery status',
          security: PUBLIC,
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              schema: { type: 'string', format: 'uuid' },
              description: 'The id from the 201 answer (random, so it is the only way in)',
            },
          ],
          responses: {
            '200': { description: 'Found', headers: NO_STORE, content: json('RegistrationStatus') },
            ...errors(['not_found', 'internal', 'unavailable'], NO_STORE),
          },
        },
      },
      '/api/race': {
        get: {
          tags: ['registrations'],
          operationId: 'getRace',
          summary: 'The race and the places left per distance',
          security: PUBLIC,
          responses: {
            '200': { description: 'The race', content: json('Race') },
            ...errors(['internal', 'unavailable']),
          },
        },
      },
      ...seedPaths,
      '/api/admin/tasks': {
        get: {
          tags: ['admin'],
          operationId: 'listTasks',
          summary: 'Tasks of every kind with their attempts (no payloads), newest first',
          security: ADMIN,
          parameters: [
            {
              name: 'status',
              in: 'query',
              schema: { type: 'string', enum: [...TASK_STATUSES] },
              description: 'Only tasks in this state (`dead`: the dead letters)',
            },
            {
              name: 'kind',
              in: 'query',
              schema: { type: 'string', pattern: TASK_KIND.source },
              description: 'Only tasks of this kind (exact; a kind no task has matches nothing)',
            },
            ...cursorParams,
          ],
          responses: {
            '200': { description: 'A page of tasks', headers: NO_STORE, content: json('AdminTaskList') },
            ...adminErrors('invalid_query'),
          },
        },
      },
      '/api/admin/tasks/{id}/retry': {
        post: {
          tags: ['admin'],
          operationId: 'retryTask',
          summary: 'Replay a dead letter (same task id, so the same Idempotency-Key)',
          description:
            'A task of any kind. It becomes `pending`, due now, with a fresh budget of attempts; its history is ' +
            'kept. Refused (`key_taken`) when a pending or running task of its kind has taken its key since it died.',
          security: ADMIN,
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              schema: { type: 'string', format: 'uuid' },
              description: 'The task id',
            },
          ],
          responses: {
            '200': { description: 'Replayed', headers: NO_STORE, content: json('TaskReplayed') },
            ...adminErrors('not_found', 'not_dead'),
          },
        },
      },
      '/api/admin/registrations': {
        get: {
          tags: ['admin'],
          operationId: 'listRegistrations',
          summary: 'Registrations with their email status, filtered and cursor-paged, newest first',
          security: ADMIN,
          parameters: [...registrationFilters, ...cursorParams],
          responses: {
            '200': {
              description: 'A page of registrations',
              headers: NO_STORE,
              content: json('AdminRegistrationList'),
            },
            ...adminErrors('invalid_query'),
          },
        },
      },
      '/api/admin/registrations.csv': {
        get: {
          tags: ['admin'],
          operationId: 'exportRegistrationsCsv',
          summary: 'All registrations as CSV (same filters, no paging), newest first',
          description: 'At most 50,000 rows; `X-Truncated: true` says there were more (narrow the filters).',
          security: ADMIN,
          parameters: registrationFilters,
          responses: {
            '200': {
              description: 'CSV in UTF-8, starting with a byte order mark, then a header row',
              headers: {
                ...NO_STORE,
                'Content-Disposition': {
                  description: 'A download',
                  required: true,
                  schema: { const: 'attachment; filename="registrations.csv"' },
                },
                'X-Truncated': { description: 'Present when rows were left out', schema: { const: 'true' } },
              },
              content: { 'text/csv': { schema: { type: 'string' } } },
            },
            ...adminErrors('invalid_query'),
          },
        },
      },
      '/api/admin/metrics': {
        get: {
          tags: ['admin'],
          operationId: 'getAdminMetrics',
          summary:
            'Delivery figures: tasks by status and by kind, attempts by outcome, oldest due task, delivery state',
          security: ADMIN,
          responses: {
            '200': { description: 'The figures', headers: NO_STORE, content: json('AdminMetrics') },
            ...adminErrors(),
          },
        },
      },
      '/metrics': {
        get: {
          tags: ['admin'],
          operationId: 'getPrometheusMetrics',
          summary: 'The same figures in Prometheus’ text format, for a scraper',
          security: ADMIN,
          responses: {
            '200': {
              description: 'Prometheus text exposition format 0.0.4',
              headers: NO_STORE,
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
            ...adminErrors(),
          },
        },
      },
      '/healthz': {
        get: {
          tags: ['health'],
          operationId: 'checkLiveness',
          summary: 'Liveness: the process answers (no dependency is checked)',
          security: PUBLIC,
          responses: {
            '200': { description: 'Alive', content: json('Health') },
            ...errors(['internal']),
          },
        },
      },
      '/readyz': {
        get: {
          tags: ['health'],
          operationId: 'checkReadiness',
          summary: 'Readiness: the database answers; says whether email delivery is paused',
          description:
            'Still ready while delivery is paused: registrations are stored and their emails wait. ' +
            '`until` is null when only a configuration change ends the pause (`no_provider`).',
          security: PUBLIC,
          responses: {
            '200': { description: 'Ready', content: json('Readiness') },
            ...errors(['internal', 'unavailable']),
          },
        },
      },
      '/api/dev/mail': {
        get: {
          tags: ['dev'],
          operationId: 'listDevMail',
          summary: 'The dev mailbox: the latest 100 emails, newest first',
          description: 'Exists only in dev mode while no provider key is set; otherwise this path answers 404.',
          security: PUBLIC,
          responses: {
            '200': { description: 'The emails', content: json('DevMailList') },
            ...errors(['not_enabled', 'internal', 'unavailable']),
          },
        },
      },
      '/openapi.json': {
        get: {
          tags: ['reference'],
          operationId: 'getOpenApiDocument',
          summary: 'This document (human-readable at /docs)',
          security: PUBLIC,
          responses: {
            '200': { description: 'OpenAPI 3.1', content: json('OpenApiDocument') },
            ...errors(['internal']),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'The ADMIN_TOKEN configured on the server: `Authorization: Bearer $ADMIN_TOKEN`. (Reads also accept ' +
            'the session cookie of the dashboard at /admin, for browsers.)',
        },
      },
      schemas: componentSchemas(race),
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
