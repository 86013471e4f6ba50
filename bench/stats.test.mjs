import { describe, expect, it } from 'vitest';

import { benchPages, pageAt, ratio, summarize, verdict } from './stats.mjs';

describe('summarize', () => {
  it('gives median, min and max, ignoring missing samples', () => {
    expect(summarize([30, 10, 20])).toEqual({ n: 3, median: 20, min: 10, max: 30 });
    expect(summarize([4, 1, 3, 2, null, NaN])).toEqual({ n: 4, median: 2.5, min: 1, max: 4 });
    expect(summarize([])).toEqual({ n: 0, median: null, min: null, max: null });
  });
});

describe('ratio and verdict', () => {
  it('divides only real figures', () => {
    expect(ratio(300, 60)).toBe(5);
    expect(ratio(null, 60)).toBeNull();
    expect(ratio(300, 0)).toBeNull();
  });
  it('passes only under the target', () => {
    expect(verdict(499, 500)).toBe('PASS');
    expect(verdict(500, 500)).toBe('MISS');
    expect(verdict(null, 500)).toBe('MISS');
  });
});

describe('pages', () => {
  it('counts from the newest message, as the app does', () => {
    expect(pageAt(100000, 0, 100)).toEqual({ offset: 0, seqFrom: 99901, seqTo: 100000 });
    expect(benchPages(100000).middle).toEqual({ offset: 49999, seqFrom: 49902, seqTo: 50001 });
    expect(pageAt(50, 0, 100)).toEqual({ offset: 0, seqFrom: 1, seqTo: 50 });
  });
});
