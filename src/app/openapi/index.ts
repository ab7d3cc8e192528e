// The API described as OpenAPI 3.1, built from its parts: component schemas (components.ts), error
// answers (errors.ts), who may call what (security.ts) and the paths by part (paths/).
import type { Race } from '../../domain/race.js';
import { componentSchemas } from './components.js';
import { adminPaths } from './paths/admin.js';
import { managePaths } from './paths/manage.js';
import { registrationPaths } from './paths/registrations.js';
import { servicePaths } from './paths/service.js';
import { strategyPaths } from './paths/strategies.js';
import { webhookPaths } from './paths/webhooks.js';
import { securitySchemes } from './security.js';

export function openApiDocument(race: Race) {
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
      {
        name: 'manage',
        description:
          'A runner’s own registration through the manage link in every email: withdraw, take up or decline an offer',
      },
      { name: 'strategies', description: 'The seed’s background-work strategies, side by side' },
      { name: 'admin', description: 'Tasks, dead letters, registrations, metrics (admin token)' },
      { name: 'webhooks', description: 'What the email provider tells us: delivery events (signed)' },
      { name: 'health', description: 'Liveness and readiness, for load balancers and orchestrators' },
      { name: 'dev', description: 'Development helpers: exist only in dev mode without a provider key' },
      { name: 'reference', description: 'This description of the API' },
    ],
    // In this order on /docs.
    paths: { ...registrationPaths, ...managePaths, ...strategyPaths, ...adminPaths, ...webhookPaths, ...servicePaths },
    components: {
      securitySchemes,
      schemas: componentSchemas(race),
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
