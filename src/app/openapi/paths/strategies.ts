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

export const strategyPaths = Object.fromEntries(
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
