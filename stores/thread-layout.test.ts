import { describe, expect, it } from 'vitest';

import type { MessageSummary } from '@/lib/api/types';

import { displayIndexOf, displayTotal, expansionsOf, rowAt } from './thread-layout';

const row = (uid: number): MessageSummary => ({ uid, from: null, to: [], subject: '', date: '', size: 0, seen: true, flagged: false, hasAttachment: false });

describe('thread layout', () => {
  // Threads at positions 0..4 (heads 50..10); 40 (position 1) and 20 (position 3) are expanded.
  const rows = new Map([0, 1, 2, 3, 4].map((p) => [p, row(50 - p * 10)]));
  const expanded = new Map([
    [40, [row(40), row(39), row(38)]],
    [20, [row(20), row(19)]],
  ]);
  const ex = expansionsOf(rows, expanded);

  it('finds the cached expanded threads in position order', () => {
    expect(ex.map((e) => [e.position, e.headUid])).toEqual([
      [1, 40],
      [3, 20],
    ]);
    expect(displayTotal(5, ex)).toBe(10);
  });

  it('maps display indices to threads and children and back', () => {
    const all = Array.from({ length: 10 }, (_, d) => rowAt(d, ex));
    expect(all).toEqual([
      { position: 0, child: null },
      { position: 1, child: null },
      { position: 1, child: 0 },
      { position: 1, child: 1 },
      { position: 1, child: 2 },
      { position: 2, child: null },
      { position: 3, child: null },
      { position: 3, child: 0 },
      { position: 3, child: 1 },
      { position: 4, child: null },
    ]);
    all.forEach((r, d) => expect(displayIndexOf(r.position, r.child, ex)).toBe(d));
  });

  it('is the identity with nothing expanded', () => {
    expect(rowAt(7, [])).toEqual({ position: 7, child: null });
    expect(displayIndexOf(7, null, [])).toBe(7);
  });
});
