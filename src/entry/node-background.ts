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

  /** Resolves when all work is done (including work started meanwhile) or `timeoutMs` passed. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#pending.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(this.#pending),
        new Promise((resolve) => {
          timer = setTimeout(resolve, left);
        }),
      ]);
      clearTimeout(timer);
    }
    return true;
  }
}
