// The API described as OpenAPI 3.1. Request bodies come from the SAME Zod schemas that validate
// requests (z.toJSONSchema), so the description cannot drift from what the server accepts.
import * as z from 'zod';
import type { Race } from '../domain/race.js';
import { registrationInputSchema } from '../domain/registration.js';

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

const errorSchema = z.strictObject({
  error: z.strictObject({
    code: z.string().meta({ examples: ['validation_failed'] }),
    message: z.string(),
    details: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  }),
});

const emailStatus = z.enum(['sending', 'pending', 'sent', 'failed', 'not_tracked']);

const registrationCreated = z.strictObject({
  id: z.uuid(),
  status: z.literal('registered'),
  distance: z.string(),
  email: z.strictObject({ status: emailStatus }),
});

const registrationStatus = z.strictObject({
  id: z.uuid(),
  status: z.literal('registered'),
  firstName: z.string(),
  lastName: z.string(),
  distance: z.string(),
  strategy: z.enum(['sequential', 'fire-and-forget', 'wait-until', 'parallel', 'outbox']),
  createdAt: z.iso.datetime(),
  email: z.strictObject({ status: emailStatus, attempts: z.int(), sentAt: z.iso.datetime().nullable() }),
});

const raceView = z.strictObject({
  id: z.string(),
  name: z.string(),
  date: z.iso.date(),
  place: z.string(),
  timeZone: z.string(),
  distances: z.array(
    z.strictObject({ id: z.string(), label: z.string(), startTime: z.string(), cap: z.int(), spotsLeft: z.int() }),
  ),
});

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const problem = (description: string) => ({ description, content: json('Error') });

const ERRORS = {
  invalid_json: ['400', 'Body is not valid JSON (or not UTF-8, or repeats a key): `invalid_json`'],
  payload_too_large: ['413', 'Body over 16 KiB: `payload_too_large`'],
  unsupported_media_type: ['415', 'Content type is not JSON: `unsupported_media_type`'],
  validation_failed: ['422', 'A field is missing, of the wrong type, too long, unknown or has control characters'],
  conflict: ['409', '`already_registered` (this email, this race) or `distance_full`'],
  rate_limited: ['429', 'Too many registrations from this client: `rate_limited`, with `Retry-After`'],
  unavailable: ['503', 'Database unreachable: `unavailable`, with `Retry-After`'],
  unauthorized: ['401', 'Missing or wrong `Authorization: Bearer $ADMIN_TOKEN`: `unauthorized`'],
  not_found: ['404', 'Unknown id: `not_found`'],
} as const;

function errors(...names: (keyof typeof ERRORS)[]) {
  return Object.fromEntries(names.map((name) => [ERRORS[name][0], problem(ERRORS[name][1])]));
}

const SEED_ROUTES = [
  ['/api/marathon-sequential', 'sequential', '200', 'Awaits the insert and the email, then answers.'],
  ['/api/marathon-fire-and-forget', 'fire-and-forget', '201', 'Awaits the insert; the email is not awaited.'],
  ['/api/marathon-waituntil', 'wait-until', '201', 'Awaits the insert; the email runs in waitUntil.'],
  ['/api/marathon-parallel', 'parallel', '202', 'Insert and email both in waitUntil; answers at once.'],
  ['/api/marathon-outbox', 'outbox', '201', 'The outbox, with the seed’s plain-text answer.'],
] as const;

export function openApiDocument(race: Race) {
  const registrationBody = { required: true, content: json('RegistrationInput') };
  const seedPaths = Object.fromEntries(
    SEED_ROUTES.map(([path, strategy, status, description]) => [
      path,
      {
        post: {
          tags: ['strategies'],
          summary: `Register (${strategy} strategy)`,
          description: `${description} Kept to compare strategies; see the README.`,
          requestBody: registrationBody,
          responses: {
            [status]: {
              description: 'Registered',
              content: {
                'text/plain': { schema: { type: 'string', const: 'Thanks for registering for our Marathon' } },
              },
            },
            ...errors('invalid_json', 'conflict', 'payload_too_large', 'unsupported_media_type', 'validation_failed'),
            ...errors('rate_limited', 'unavailable'),
          },
        },
      },
    ]),
  );
  const bearer = [{ adminToken: [] }];
  const cursorParams = [
    { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
    { name: 'cursor', in: 'query', schema: { type: 'string' }, description: '`nextCursor` of the previous page' },
  ];
  return {
    openapi: '3.1.0',
    info: {
      title: `finishline — ${race.name}`,
      version: '0.1.0',
      description:
        'Marathon sign-ups whose confirmation emails always arrive, exactly once. Every error has the shape ' +
        '`{ "error": { "code", "message", "details"? } }`.',
    },
    tags: [
      { name: 'registrations', description: 'Sign up and follow the confirmation email' },
      { name: 'strategies', description: 'The seed’s background-work strategies, side by side' },
      { name: 'admin', description: 'Tasks, dead letters, exports' },
      { name: 'health' },
    ],
    paths: {
      '/api/registrations': {
        post: {
          tags: ['registrations'],
          summary: 'Register a runner',
          description:
            'Stores the registration and its email task in one statement, answers, then sends the email ' +
            'after the response; retried until accepted, never twice.',
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
              headers: { Location: { schema: { type: 'string' } } },
              content: json('RegistrationCreated'),
            },
            ...errors('invalid_json', 'conflict', 'payload_too_large', 'unsupported_media_type', 'validation_failed'),
            ...errors('rate_limited', 'unavailable'),
          },
        },
      },
      '/api/registrations/{id}': {
        get: {
          tags: ['registrations'],
          summary: 'One registration and its email delivery status',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { '200': { description: 'Found', content: json('RegistrationStatus') }, ...errors('not_found') },
        },
      },
      '/api/race': {
        get: {
          tags: ['registrations'],
          summary: 'The race and the places left per distance',
          responses: { '200': { description: 'The race', content: json('Race') } },
        },
      },
      ...seedPaths,
      '/api/admin/tasks': {
        get: {
          tags: ['admin'],
          summary: 'Tasks with their attempts (no payloads), newest first',
          security: bearer,
          parameters: [
            {
              name: 'status',
              in: 'query',
              schema: { type: 'string', enum: ['pending', 'running', 'succeeded', 'dead'] },
            },
            ...cursorParams,
          ],
          responses: {
            '200': { description: '`{ tasks, nextCursor }`' },
            ...errors('unauthorized', 'validation_failed'),
          },
        },
      },
      '/api/admin/tasks/{id}/retry': {
        post: {
          tags: ['admin'],
          summary: 'Replay a dead letter (same task id, so the same Idempotency-Key)',
          security: bearer,
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: {
            '200': { description: '`{ id, status: "pending" }`' },
            '409': problem('The task is not a dead letter: `not_dead`'),
            ...errors('unauthorized', 'not_found'),
          },
        },
      },
      '/api/admin/registrations': {
        get: {
          tags: ['admin'],
          summary: 'Registrations with their email status, filtered and cursor-paged',
          security: bearer,
          parameters: [
            { name: 'distance', in: 'query', schema: { type: 'string' } },
            { name: 'q', in: 'query', schema: { type: 'string' }, description: 'name or email contains' },
            { name: 'strategy', in: 'query', schema: { type: 'string' } },
            ...cursorParams,
          ],
          responses: {
            '200': { description: '`{ registrations, nextCursor }`' },
            ...errors('unauthorized', 'validation_failed'),
          },
        },
      },
      '/api/admin/registrations.csv': {
        get: {
          tags: ['admin'],
          summary: 'All registrations as CSV (same filters)',
          security: bearer,
          responses: { '200': { description: 'CSV', content: { 'text/csv': {} } }, ...errors('unauthorized') },
        },
      },
      '/healthz': { get: { tags: ['health'], summary: 'Liveness', responses: { '200': { description: 'Alive' } } } },
      '/readyz': {
        get: {
          tags: ['health'],
          summary: 'Readiness: the database answers; says whether email delivery is paused',
          responses: { '200': { description: 'Ready' }, ...errors('unavailable') },
        },
      },
    },
    components: {
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' } },
      schemas: {
        RegistrationInput: schemaOf(registrationInputSchema(race)),
        RegistrationCreated: schemaOf(registrationCreated),
        RegistrationStatus: schemaOf(registrationStatus),
        Race: schemaOf(raceView),
        Error: schemaOf(errorSchema),
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
