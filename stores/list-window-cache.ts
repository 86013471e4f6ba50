// The browser's sparse cache of message list rows by position in the server's view order: which
// windows of rows a viewport needs, and which rows to drop when the cache is over its bound.
import type { MessageSummary } from '@/lib/api/types';

/** Rows per request: windows start at multiples of this. */
export const WINDOW_ROWS = 50;
/** Rows the cache keeps at most (a few screens around the viewport, plus the selection). */
export const MAX_CACHED_ROWS = 1500;

export type RowCache = ReadonlyMap<number, MessageSummary>;

/** Start positions of the windows covering positions start..end (inclusive) of a list of `total`. */
export function windowsFor(start: number, end: number, total: number): number[] {
  if (total <= 0 || end < start) return [];
  const first = Math.floor(Math.max(0, start) / WINDOW_ROWS);
  const last = Math.floor(Math.min(total - 1, end) / WINDOW_ROWS);
  const out: number[] = [];
  for (let w = first; w <= last; w++) out.push(w * WINDOW_ROWS);
  return out;
}

/** True when every row of the window at `offset` is cached. */
export function windowLoaded(rows: RowCache, offset: number, total: number): boolean {
  const end = Math.min(total, offset + WINDOW_ROWS);
  for (let i = offset; i < end; i++) if (!rows.has(i)) return false;
  return true;
}

/** The cache with a window's rows put in at their positions. */
export function withWindow(rows: RowCache, offset: number, messages: MessageSummary[]): Map<number, MessageSummary> {
  const next = new Map(rows);
  messages.forEach((m, i) => next.set(offset + i, m));
  return next;
}

/**
 * Drops the rows farthest from `center` until at most `max` are left; rows whose UID is in
 * `keep` (the selection) stay.
 */
export function evictFar(rows: RowCache, center: number, keep: ReadonlySet<number>, max = MAX_CACHED_ROWS): RowCache {
  if (rows.size <= max) return rows;
  const positions = [...rows.keys()].filter((p) => !keep.has(rows.get(p)!.uid));
  positions.sort((a, b) => Math.abs(b - center) - Math.abs(a - center));
  const next = new Map(rows);
  for (const p of positions) {
    if (next.size <= max) break;
    next.delete(p);
  }
  return next;
}

/**
 * The cache after rows with these UIDs left the list: later rows move up by the number of
 * removed rows before them. Only exact when every removed row was cached; `exact` says so.
 */
export function withoutUids(rows: RowCache, uids: ReadonlySet<number>): { rows: Map<number, MessageSummary>; removedPositions: number[]; exact: boolean } {
  const removedPositions = [...rows.entries()].filter(([, m]) => uids.has(m.uid)).map(([p]) => p).sort((a, b) => a - b);
  const next = new Map<number, MessageSummary>();
  for (const [p, m] of rows) {
    if (uids.has(m.uid)) continue;
    let before = 0;
    while (before < removedPositions.length && removedPositions[before]! < p) before++;
    next.set(p - before, m);
  }
  return { rows: next, removedPositions, exact: removedPositions.length === uids.size };
}

/** The position of a UID in the cache, or null. */
export function positionOf(rows: RowCache, uid: number): number | null {
  for (const [p, m] of rows) if (m.uid === uid) return p;
  return null;
}
