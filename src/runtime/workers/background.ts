// The Workers runtime keeps an invocation alive for its waitUntil work, but does not say when that work
// is done. This context hands each promise on and keeps it, so the invocation's pool closes only after
// all of them (service.ts, Invocation).
import type { ExecutionContext } from 'hono';

export function trackingContext(ctx: ExecutionContext) {
  const pending: Promise<unknown>[] = [];
  const tracked: ExecutionContext = {
    waitUntil: (promise) => {
      pending.push(promise);
      ctx.waitUntil(promise);
    },
    passThroughOnException: () => ctx.passThroughOnException(),
    props: ctx.props,
  };
  return {
    tracked,
    /** How many promises were handed on so far. */
    pending: () => pending.length,
    settled: async () => void (await Promise.allSettled(pending)),
  };
}
