import { describe, expect, it } from 'vitest';
import { apiErrors, MAX_DETAILS } from './errors.js';

describe('apiErrors.validationFailed: at most MAX_DETAILS problems', () => {
  it('lists every problem when there are few', () => {
    const error = apiErrors.validationFailed([
      { path: 'email', message: 'must be a valid address' },
      { path: '', message: 'body must be a JSON object' },
    ]);
    expect(error.details).toHaveLength(2);
    expect(error.message).toBe('email: must be a valid address; body must be a JSON object');
  });

  it('keeps the first 20 and says how many more there were', () => {
    const details = Array.from({ length: 1000 }, (_, i) => ({ path: `key${i}`, message: 'unknown field' }));
    const error = apiErrors.validationFailed(details);
    expect(MAX_DETAILS).toBe(20);
    expect(error.details).toEqual(details.slice(0, 20));
    expect(error.message).toMatch(/^key0: unknown field; .*key19: unknown field; and 980 more$/);
    expect(error.message).not.toContain('key20');
  });

  it('cuts a very long path (an unknown key echoed back) to 64 characters', () => {
    const [detail] = apiErrors.validationFailed([{ path: 'k'.repeat(10_000), message: 'unknown field' }]).details!;
    expect(detail).toEqual({ path: `${'k'.repeat(64)}…`, message: 'unknown field' });
  });
});
