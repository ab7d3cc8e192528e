// A request's services for a route module tested on its own (app.request): the app's own middleware,
// handing every request the parts a test gives (only those its routes use).
import type { MiddlewareHandler } from 'hono';
import { type RequestServices, requestServices } from '../../src/app/request-services.js';

export function givenServices(
  services: { [K in keyof RequestServices]?: Partial<RequestServices[K]> },
): MiddlewareHandler {
  return requestServices(() => services as RequestServices);
}
