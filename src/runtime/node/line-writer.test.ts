import { describe, expect, it } from 'vitest';
import { createLineWriter } from './line-writer.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('createLineWriter', () => {
  it('writes the lines of one turn in one write, in order, each with its newline', async () => {
    const writes: string[] = [];
    const writer = createLineWriter((chunk) => writes.push(chunk));
    writer.line('a');
    writer.line('b');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['a\nb\n']);
    writer.line('c');
    await nextTurn();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });

  it('flush writes what is queued at once, and nothing when nothing is', async () => {
    const writes: string[] = [];
    const writer = createLineWriter((chunk) => writes.push(chunk));
    writer.flush();
    writer.line('last words');
    writer.flush();
    expect(writes).toEqual(['last words\n']);
    await nextTurn();
    expect(writes).toEqual(['last words\n']);
  });
});
