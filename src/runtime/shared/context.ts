// The active span follows async work through AsyncLocalStorage: node:async_hooks on Node, registered
// only when spans are recorded (there it costs promise hooks on every promise), and workerd's own under
// nodejs_compat, registered by the Worker entries. Registered once per process or isolate; the Node
// service may be started many times in one process (the tests do).
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

let registered = false;

export function registerContextManager(): void {
  if (registered) return;
  registered = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}
