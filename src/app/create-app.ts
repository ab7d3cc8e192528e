// createApp(deps): the whole HTTP surface, the same in workerd and Node. Imports nothing runtime-specific.
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps } from './deps.js';
import { errorBody, handleError } from './errors.js';
import { requestLog } from './middleware/request-log.js';
import { adminRoutes } from './routes/admin.js';
import { devMailRoutes } from './routes/dev-mail.js';
import { healthRoutes } from './routes/health.js';
import { raceRoutes } from './routes/race.js';
import { registrationRoutes } from './routes/registrations.js';
import { strategyRoutes } from './routes/strategies.js';

export type { AppDeps };

export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.use(requestLog(deps.logger));
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    }),
  );
  app.route('/', healthRoutes(deps));
  app.route('/', raceRoutes(deps));
  app.route('/', registrationRoutes(deps));
  app.route('/', strategyRoutes(deps));
  app.route('/', devMailRoutes(deps));
  app.route('/', adminRoutes(deps));
  app.get('/', (c) =>
    c.json({
      name: deps.race.name,
      links: { race: '/api/race', register: '/api/registrations', mailbox: deps.devMailbox ? '/dev/mail' : null },
    }),
  );
  app.notFound((c) => c.json(errorBody('not_found', 'route not found'), 404));
  app.onError(handleError(deps.logger));
  return app;
}
