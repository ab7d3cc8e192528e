// Paths of the service itself: health, the dev mailbox, this document.
import { errors } from '../errors.js';
import { json } from '../refs.js';
import { PUBLIC } from '../security.js';

export const servicePaths = {
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
};
