import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { estimateEntropyBits } from './token-strength.js';

const random = (format: () => string, count = 500) => Array.from({ length: count }, format);

describe('estimateEntropyBits', () => {
  it('counts a repeat of earlier text as one character, and runs or sequences as a bit each', () => {
    expect(estimateEntropyBits('abcdefghijklabcdefghijkl')).toBeLessThan(30);
    expect(estimateEntropyBits('a'.repeat(64))).toBeLessThan(10);
    expect(estimateEntropyBits('passwordpassword')).toBeLessThan(45);
    expect(estimateEntropyBits('0123456789'.repeat(5))).toBeLessThan(20);
    expect(estimateEntropyBits('zyxwvutsrqponmlk')).toBeLessThan(25);
    // A pattern repeated is worth little more than the pattern once.
    const once = estimateEntropyBits('k3Q!x9Lp');
    expect(estimateEntropyBits('k3Q!x9Lp'.repeat(8))).toBeLessThan(once + 7);
  });

  it('judges random tokens near their true entropy (hex 4 bits a character, base64url 6)', () => {
    for (const token of random(() => randomBytes(32).toString('hex'))) {
      expect(estimateEntropyBits(token)).toBeGreaterThan(200);
    }
    for (const token of random(() => randomBytes(16).toString('hex'))) {
      expect(estimateEntropyBits(token)).toBeGreaterThan(96);
      expect(estimateEntropyBits(token)).toBeLessThanOrEqual(128);
    }
    for (const token of random(() => randomBytes(32).toString('base64url'))) {
      expect(estimateEntropyBits(token)).toBeGreaterThan(200);
    }
  });

  it('looks at the first 256 characters at most', () => {
    const token = randomBytes(512).toString('hex');
    expect(estimateEntropyBits(token)).toBe(estimateEntropyBits(token.slice(0, 256)));
  });
});
