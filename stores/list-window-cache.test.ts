import { describe, expect, it } from 'vitest';

import type { MessageSummary } from '@/lib/api/types';

import { MAX_CACHED_ROWS, WINDOW_ROWS, evictFar, positionOf, windowLoaded, windowsFor, withWindow, withoutUids } from './list-window-cache';

const row = (uid: number) => ({ uid }) as MessageSummary;
const cacheOf = (entries: [number, number][]) => new Map(entries.map(([p, uid]) => [p, row(uid)]));

describe('list window cache', () => {
  it('names the aligned windows a range needs, within the list', () => {
    expect(windowsFor(0, 10, 1000)).toEqual([0]);
    expect(windowsFor(45, 120, 1000)).toEqual([0, WINDOW_ROWS, 2 * WINDOW_ROWS]);
    expect(windowsFor(990, 2000, 1000)).toEqual([950]);
    expect(windowsFor(-5, 3, 1000)).toEqual([0]);
    expect(windowsFor(0, 10, 0)).toEqual([]);
  });

  it('knows a window is loaded only when all its rows are (the last one may be short)', () => {
    const rows = withWindow(new Map(), 0, Array.from({ length: 10 }, (_, i) => row(i + 1)));
    expect(windowLoaded(rows, 0, 10)).toBe(true);
    expect(windowLoaded(rows, 0, 11)).toBe(false);
  });

  it('evicts the rows farthest from the viewport but keeps selected ones', () => {
    const rows = cacheOf(Array.from({ length: MAX_CACHED_ROWS + 100 }, (_, i) => [i, i + 1]));
    const kept = evictFar(rows, 0, new Set([MAX_CACHED_ROWS + 100]));
    expect(kept.size).toBe(MAX_CACHED_ROWS);
    expect(kept.has(0)).toBe(true);
    expect(kept.has(MAX_CACHED_ROWS + 99)).toBe(true); // uid MAX+100, selected
    expect(kept.has(MAX_CACHED_ROWS + 98)).toBe(false);
    expect(evictFar(cacheOf([[0, 1]]), 0, new Set())).toEqual(cacheOf([[0, 1]]));
  });

  it('moves later rows up when rows leave', () => {
    const { rows, removedPositions, exact } = withoutUids(cacheOf([[0, 10], [1, 9], [2, 8], [3, 7], [7, 3]]), new Set([9, 8]));
    expect([...rows]).toEqual([[0, row(10)], [1, row(7)], [5, row(3)]]);
    expect(removedPositions).toEqual([1, 2]);
    expect(exact).toBe(true);
    expect(withoutUids(cacheOf([[0, 1]]), new Set([5])).exact).toBe(false);
    expect(positionOf(rows, 3)).toBe(5);
    expect(positionOf(rows, 99)).toBeNull();
  });
});
