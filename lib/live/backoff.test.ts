import { describe, expect, it } from 'vitest';

import { BACKOFF_MAX_MS, backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles from one second and stops at the cap', () => {
    const noJitter = () => 1;
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, noJitter))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(backoffDelay(10_000, noJitter)).toBe(BACKOFF_MAX_MS);
  });

  it('jitters downwards by at most a fifth', () => {
    expect(backoffDelay(2, () => 0)).toBe(3200);
    expect(backoffDelay(-3, () => 0.5)).toBe(900);
  });
});
