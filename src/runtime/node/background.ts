// Node has no waitUntil of its own: this ExecutionContext keeps the promises handed to it, so that
// shutdown can wait for background work (the fast-path attempts) before closing the database.
import type { ExecutionContext } from 'hono';

export class BackgroundWork implements ExecutionContext {
  readonly #pending = new Set<Promise<unknown>>();
  props = {};

  waitUntil(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => {}).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  passThroughOnException(): void {}

  get size(): number {
    return this.#pending.size;
  }

  /** Resolves when all work is done, including work started meanwhile. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }
}
