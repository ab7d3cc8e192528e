// A request's services (`c.get('services')`): the store, the admin store, the task engine and the
// mailer — the database and what works through it. Handlers reach them only from there, never from the
// deps their routes were built with (src/app/deps.ts): on Workers they belong to one invocation, whose
// database is opened when a route first uses it (GET /healthz never does), and everywhere the request's
// store and mailer add their calls' time to its Server-Timing (`db`, `provider`; src/tracing/timing.ts).
// The collector is handed over explicitly, not carried in an AsyncLocalStorage context (docs/design.md,
// Architecture).
import type { Context, MiddlewareHandler } from 'hono';
import type { AdminStore } from '../ports/admin-store.js';
import type { Mailer } from '../ports/mailer.js';
import type { Store } from '../ports/store.js';
import type { TaskEngine } from '../tasks/engine.js';
import { newTimings, type RequestTimings, timedViews } from '../tracing/timing.js';

export interface RequestServices {
  store: Store;
  admin: AdminStore;
  engine: TaskEngine;
  mailer: Mailer;
}

declare module 'hono' {
  interface ContextVariableMap {
    services: RequestServices;
  }
}

/** How the app gets one request's services: the entry's choice (`sharedServices`, or `openedOnUse`). */
export type ServicesFor = (c: Context, timings: RequestTimings) => RequestServices;

/** The same services for every request (Node: one database pool for the process), seen per request. */
export function sharedServices(services: RequestServices): ServicesFor {
  const storeFor = timedViews(services.store, 'db');
  const mailerFor = timedViews(services.mailer, 'provider');
  return (_c, timings) => ({
    store: storeFor(timings),
    mailer: mailerFor(timings),
    admin: services.admin,
    engine: services.engine,
  });
}

/**
 * One request's view of services that `open` makes on first use (Workers: the invocation's database),
 * each part only when asked for.
 */
class OpenedOnUse implements RequestServices {
  #store: Store | undefined;
  #mailer: Mailer | undefined;
  constructor(
    private readonly open: () => RequestServices,
    private readonly timings: RequestTimings,
  ) {}
  get store(): Store {
    this.#store ??= timedViews(this.open().store, 'db')(this.timings);
    return this.#store;
  }
  get mailer(): Mailer {
    this.#mailer ??= timedViews(this.open().mailer, 'provider')(this.timings);
    return this.#mailer;
  }
  get admin(): AdminStore {
    return this.open().admin;
  }
  get engine(): TaskEngine {
    return this.open().engine;
  }
}

export function openedOnUse(open: () => RequestServices, timings: RequestTimings): RequestServices {
  return new OpenedOnUse(open, timings);
}

/** Runs after `tracing`, which sets the request's collector. */
export function requestServices(servicesFor: ServicesFor): MiddlewareHandler {
  return (c, next) => {
    // A collector of its own when none was set (an app built without `tracing`): counted, never shown.
    c.set('services', servicesFor(c, c.get('timings') ?? newTimings()));
    return next();
  };
}
