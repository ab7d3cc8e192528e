// The Workers runtime keeps an invocation alive for its waitUntil work, but does not say when that work
// is done. This context hands each promise on and keeps it, so the invocation's pool closes only after
// all of them (service.ts, Invocation).
import type { ExecutionContext } from 'hono';

export class TrackingContext implements ExecutionContext {
  readonly #ctx: ExecutionContext;
  readonly #pending: Promise<unknown>[] = [];

  constructor(ctx: ExecutionContext) {
    this.#ctx = ctx;
  }

  waitUntil(promise: Promise<unknown>): void {
    this.#pending.push(promise);
    this.#ctx.waitUntil(promise);
  }

  passThroughOnException(): void {
    this.#ctx.passThroughOnException();
  }

  get props(): unknown {
    return this.#ctx.props;
  }

  /** Whether any work was handed on. */
  get tracking(): boolean {
    return this.#pending.length > 0;
  }

  /** When the work handed on so far has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.#pending);
  }
}
