// Paths of the seed's strategies, kept to compare them (only when STRATEGY_ROUTES is on).
import { errors, SIGN_UP_ERRORS } from '../errors.js';
import { registrationBody } from '../refs.js';
import { PUBLIC } from '../security.js';

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

const SWITCHED_OFF =
  'Kept to compare strategies; see the README. Exists only when `STRATEGY_ROUTES` is on (off by default in ' +
  'production, where this path answers 404).';

/** The workflow strategy (Workers only): the instance's id, then its status. */
const workflowPaths = {
  '/api/marathon-workflow': {
    post: {
      tags: ['strategies'],
      operationId: 'registerWorkflow',
      summary: 'Register (workflow strategy)',
      description:
        'Creates a Workflow instance (`REGISTRATION_WORKFLOW`, Workers only), its id the new registration’s: it ' +
        'stores the registration, then sends the email, each a retried step. A duplicate or a full distance ends ' +
        `the instance (see GET). 503: the instance could not be created. ${SWITCHED_OFF}`,
      security: PUBLIC,
      requestBody: registrationBody,
      responses: {
        '202': {
          description: 'The instance was created',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['id'],
                additionalProperties: false,
                properties: {
                  id: { type: 'string', format: 'uuid' },
                },
              },
            },
          },
        },
        ...errors([...SIGN_UP_ERRORS.filter((name) => name !== 'conflict'), 'not_enabled', 'strategy_unavailable']),
      },
    },
  },
  '/api/marathon-workflow/{id}': {
    get: {
      tags: ['strategies'],
      operationId: 'workflowStatus',
      summary: 'A workflow-strategy instance’s status',
      description:
        '`instance.status()`: `complete` once the email was accepted; `errored`, with the error, for a duplicate ' +
        `(\`already_registered\`), a full distance (\`distance_full\`) or an email refused for good. ${SWITCHED_OFF}`,
      security: PUBLIC,
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'The id POST answered' },
      ],
      responses: {
        '200': {
          description: 'The instance’s status',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['id', 'status'],
                additionalProperties: false,
                properties: {
                  id: { type: 'string', format: 'uuid' },
                  status: {
                    enum: [
                      'queued',
                      'running',
                      'paused',
                      'errored',
                      'terminated',
                      'complete',
                      'waiting',
                      'waitingForPause',
                      'unknown',
                    ],
                  },
                  error: {
                    type: 'object',
                    required: ['name', 'message'],
                    additionalProperties: false,
                    properties: { name: { type: 'string' }, message: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
        ...errors(['unknown_instance', 'internal', 'strategy_unavailable']),
      },
    },
  },
};

export const strategyPaths = {
  ...Object.fromEntries(
    SEED_ROUTES.map(([path, operationId, name, status, description]) => [
      path,
      {
        post: {
          tags: ['strategies'],
          operationId,
          summary: `Register (${name} strategy)`,
          description: `${description} ${SWITCHED_OFF}`,
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
  ),
  ...workflowPaths,
};
