// The deps one request works with (`c.get('deps')`): the app's, except that its store and mailer calls
// add their time to this request's Server-Timing (`db`, `provider`; src/tracing/timing.ts). Handlers
// take the store and the mailer from here, not from the deps their route was built with, so
// that their calls are counted; everything else in it is the app's own.
import type { MiddlewareHandler } from 'hono';
import { newTimings, timedViews } from '../tracing/timing.js';
import type { AppDeps } from './deps.js';

declare module 'hono' {
  interface ContextVariableMap {
    deps: AppDeps;
  }
}

/** Runs after `tracing`, which sets the request's collector. */
export function requestDeps(deps: AppDeps): MiddlewareHandler {
  const storeFor = timedViews(deps.store, 'db');
  const mailerFor = timedViews(deps.mailer, 'provider');
  return (c, next) => {
    // A collector of its own when none was set (an app built without `tracing`): counted, never shown.
    const timings = c.get('timings') ?? newTimings();
    c.set('deps', { ...deps, store: storeFor(timings), mailer: mailerFor(timings) });
    return next();
  };
}
