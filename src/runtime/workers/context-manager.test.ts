// The Worker's context manager (context-manager.ts) answers as the package's it stands in for, case by
// case: the active context inside `with` and after its awaits, nesting, concurrent work, `this` and
// arguments, and functions bound to a context.

import { type ContextManager, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager as PackageManager } from '@opentelemetry/context-async-hooks';
import { describe, expect, it } from 'vitest';
import { AsyncLocalStorageContextManager as WorkerManager } from './context-manager.js';

const KEY = createContextKey('test');
const named = (name: string) => ROOT_CONTEXT.setValue(KEY, name);
const nameOf = (manager: ContextManager) => manager.active().getValue(KEY) ?? 'root';
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe.each([
  ['the package', () => new PackageManager().enable()],
  ['the Worker stand-in', () => new WorkerManager().enable()],
])('AsyncLocalStorage context manager: %s', (_name, make) => {
  it('is the root context outside `with`, the given one inside, across awaits, and again after', async () => {
    const manager = make();
    expect(manager.active()).toBe(ROOT_CONTEXT);
    const seen = await manager.with(named('a'), async () => {
      const before = nameOf(manager);
      await tick();
      return [before, nameOf(manager)];
    });
    expect(seen).toEqual(['a', 'a']);
    expect(nameOf(manager)).toBe('root');
    manager.disable();
  });

  it('nests, and keeps concurrent work apart', async () => {
    const manager = make();
    const run = (name: string) =>
      manager.with(named(name), async () => {
        await tick();
        const inner = manager.with(named(`${name}/inner`), () => nameOf(manager));
        await tick();
        return [inner, nameOf(manager)];
      });
    expect(await Promise.all([run('a'), run('b')])).toEqual([
      ['a/inner', 'a'],
      ['b/inner', 'b'],
    ]);
    manager.disable();
  });

  it('passes `this` and the arguments, and returns what the function returns', () => {
    const manager = make();
    const self = { base: 10 };
    const result = manager.with(
      named('a'),
      function (this: typeof self, x: number, y: number) {
        return [this.base + x + y, nameOf(manager)];
      },
      self,
      1,
      2,
    );
    expect(result).toEqual([13, 'a']);
    manager.disable();
  });

  it('binds a function to a context, whenever it is called; anything else comes back as it is', async () => {
    const manager = make();
    const bound = manager.bind(named('a'), function (this: { tag: string }, suffix: string) {
      return `${this.tag}:${nameOf(manager)}${suffix}`;
    });
    await tick();
    expect(manager.with(named('b'), () => bound.call({ tag: 't' }, '!'))).toBe('t:a!');
    expect(bound.call({ tag: 'u' }, '?')).toBe('u:a?');
    const plain = { value: 1 };
    expect(manager.bind(named('a'), plain)).toBe(plain);
    manager.disable();
  });
});
