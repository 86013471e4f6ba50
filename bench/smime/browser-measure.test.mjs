import { describe, expect, it } from 'vitest';

import { grownRenderer } from './browser-measure.mjs';

describe('grownRenderer', () => {
  const before = new Map([
    [10, 100],
    [11, 120],
  ]);
  it('finds the one renderer that grew by the marker', () => {
    expect(grownRenderer(before, new Map([[10, 104], [11, 190], [12, 30]]), 64)).toBe(11);
  });
  it('counts a renderer that was not there before from zero', () => {
    expect(grownRenderer(before, new Map([[10, 100], [11, 120], [12, 80]]), 64)).toBe(12);
  });
  it('refuses to guess between none or several', () => {
    expect(() => grownRenderer(before, new Map([[10, 100], [11, 121]]), 64)).toThrow(/0 renderer/);
    expect(() => grownRenderer(before, new Map([[10, 200], [11, 220]]), 64)).toThrow(/2 renderer/);
  });
});
