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

/** Where services come from when they are opened on first use: `services` opens them (once). */
export interface ServicesSource {
  readonly services: RequestServices;
}

/**
 * One request's view of services its `source` opens on first use (Workers: the invocation, with its
 * database), each part only when asked for.
 */
class OpenedOnUse implements RequestServices {
  readonly #source: ServicesSource;
  readonly #timings: RequestTimings;
  #store: Store | undefined;
  #mailer: Mailer | undefined;
  constructor(source: ServicesSource, timings: RequestTimings) {
    this.#source = source;
    this.#timings = timings;
  }
  get store(): Store {
    this.#store ??= timedViews(this.#source.services.store, 'db')(this.#timings);
    return this.#store;
  }
  get mailer(): Mailer {
    this.#mailer ??= timedViews(this.#source.services.mailer, 'provider')(this.#timings);
    return this.#mailer;
  }
  get admin(): AdminStore {
    return this.#source.services.admin;
  }
  get engine(): TaskEngine {
    return this.#source.services.engine;
  }
}

export function openedOnUse(source: ServicesSource, timings: RequestTimings): RequestServices {
  return new OpenedOnUse(source, timings);
}

/** Runs after `tracing`, which sets the request's collector. */
export function requestServices(servicesFor: ServicesFor): MiddlewareHandler {
  return (c, next) => {
    // A collector of its own when none was set (an app built without `tracing`): counted, never shown.
    c.set('services', servicesFor(c, c.get('timings') ?? newTimings()));
    return next();
  };
}
