// Stands in for `@opentelemetry/context-async-hooks` in the Worker bundle (wrangler.jsonc, `alias`): the
// same AsyncLocalStorage context manager (src/runtime/shared/context.ts registers it), as an ES module.
// The package ships CommonJS only, and its `require('@opentelemetry/api')` made esbuild keep every
// export of the API (metrics, propagation, baggage: a module that CommonJS requires cannot be
// tree-shaken); with the package's EventEmitter patching, which no code of ours uses, that was about
// 2.8 KiB gzip. What differs: `bind` binds functions only (the package also patches an EventEmitter's
// listeners). context-manager.test.ts holds both to the same answers. Node keeps the package.
import { AsyncLocalStorage } from 'node:async_hooks';
import { type Context, type ContextManager, ROOT_CONTEXT } from '@opentelemetry/api';

export class AsyncLocalStorageContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const callback = thisArg == null ? fn : fn.bind(thisArg);
    return this.#storage.run(context, callback, ...args);
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const manager = this;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(context, () => target.apply(this, args));
    } as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.#storage.disable();
    return this;
  }
}
