// The conversation view's rows on screen: the server's view has one position per thread; an
// expanded thread's messages are inserted as child rows below it. Display index <-> (thread
// position, child index), by walking the few expanded threads in position order.
import type { MessageSummary } from '@/lib/api/types';

import type { RowCache } from './list-window-cache';

/** Threads the user may have open at once; opening one more closes the oldest. */
export const MAX_EXPANDED_THREADS = 20;

export interface Expansion {
  /** The thread's position in the server's view. */
  position: number;
  headUid: number;
  children: MessageSummary[];
}

export interface DisplayRow {
  position: number;
  /** Index among the thread's children, or null for the thread row itself. */
  child: number | null;
}

/** The expanded threads whose rows are cached, in position order. */
export function expansionsOf(rows: RowCache, expanded: ReadonlyMap<number, MessageSummary[]>): Expansion[] {
  const out: Expansion[] = [];
  if (expanded.size === 0) return out;
  for (const [position, m] of rows) {
    const children = expanded.get(m.uid);
    if (children) out.push({ position, headUid: m.uid, children });
  }
  return out.sort((a, b) => a.position - b.position);
}

/** Rows on screen: the view's positions plus the expanded threads' children. */
export function displayTotal(total: number, expansions: readonly Expansion[]): number {
  return expansions.reduce((n, e) => n + e.children.length, total);
}

/** What is drawn at a display index. */
export function rowAt(display: number, expansions: readonly Expansion[]): DisplayRow {
  let shift = 0;
  for (const e of expansions) {
    const at = e.position + shift;
    if (display <= at) break;
    if (display <= at + e.children.length) return { position: e.position, child: display - at - 1 };
    shift += e.children.length;
  }
  return { position: display - shift, child: null };
}

/** The display index of a thread row (child null) or of one of its children. */
export function displayIndexOf(position: number, child: number | null, expansions: readonly Expansion[]): number {
  let shift = 0;
  for (const e of expansions) {
    if (e.position >= position) break;
    shift += e.children.length;
  }
  return position + shift + (child === null ? 0 : child + 1);
}
