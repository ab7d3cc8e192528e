// The active span and the request's timings follow async work through AsyncLocalStorage: node:async_hooks
// on Node, and in workerd under nodejs_compat. Registered once per process or isolate; the Node service
// may be started many times in one process (the tests do).
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

let registered = false;

export function registerContextManager(): void {
  if (registered) return;
  registered = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}
