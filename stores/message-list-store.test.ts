import { describe, expect, it } from 'vitest';

import { ApiRequestError } from '@/lib/api/client';
import type { MessageListQuery, MessageSummary, MessageWindow } from '@/lib/api/types';

import { MAX_CACHED_ROWS, WINDOW_ROWS } from './list-window-cache';
import { MAX_SELECTION, createMessageListStore } from './message-list-store';

const row = (uid: number): MessageSummary => ({
  uid,
  from: { name: 'A', address: 'a@x' },
  to: [],
  subject: `m${uid}`,
  date: new Date(uid * 1000).toISOString(),
  size: 1,
  seen: false,
  flagged: false,
  hasAttachment: false,
});

/** A fake server view of `total` messages with uids 1..total, newest (highest) first. */
function folderOf(total: number) {
  const state = { total, version: 1, removed: new Set<number>() };
  const calls: { folder: string; offset: number; limit: number; query: MessageListQuery; refresh: boolean; signal?: AbortSignal }[] = [];
  const order = () => Array.from({ length: state.total }, (_, i) => state.total - i).filter((u) => !state.removed.has(u));
  const fetchWindow = async (folder: string, offset: number, limit: number, query: MessageListQuery, opts: { refresh?: boolean; signal?: AbortSignal }): Promise<MessageWindow> => {
    calls.push({ folder, offset, limit, query, refresh: opts.refresh ?? false, signal: opts.signal });
    if (opts.refresh) state.version++;
    // Only a folder with removals is listed whole (the big ones have none).
    if (state.removed.size === 0) {
      const uids = Array.from({ length: Math.max(0, Math.min(limit, state.total - offset)) }, (_, i) => state.total - offset - i);
      return { folder, total: state.total, offset, version: state.version, sortFallback: false, messages: uids.map(row) };
    }
    const uids = order();
    return { folder, total: uids.length, offset, version: state.version, sortFallback: false, messages: uids.slice(offset, offset + limit).map(row) };
  };
  return { fetchWindow, calls, state };
}

const uidsAt = (store: ReturnType<typeof createMessageListStore>, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => store.getState().rows.get(from + i)?.uid);

describe('message list store: windows', () => {
  it('opens a view with its first window only', async () => {
    const { fetchWindow, calls } = folderOf(100_000);
    const store = createMessageListStore({ fetchWindow });
    await store.getState().open('INBOX');
    expect(store.getState()).toMatchObject({ folder: 'INBOX', total: 100_000, status: 'ready' });
    expect(store.getState().rows.size).toBe(WINDOW_ROWS);
    expect(store.getState().rows.get(0)?.uid).toBe(100_000);
    expect(calls.map((c) => c.offset)).toEqual([0]);
  });

  it('fetches the windows of a jump to the middle, and nothing already cached', async () => {
    const { fetchWindow, calls } = folderOf(100_000);
    const store = createMessageListStore({ fetchWindow });
    await store.getState().open('INBOX');
    await store.getState().ensureRange(50_010, 50_030);
    expect(calls.map((c) => c.offset)).toEqual([0, 50_000]);
    expect(uidsAt(store, 50_010, 50_012)).toEqual([49_990, 49_989, 49_988]);
    await store.getState().ensureRange(50_010, 50_030);
    expect(calls).toHaveLength(2);
  });

  it('fetches adjacent missing windows in one request', async () => {
    const { fetchWindow, calls } = folderOf(100_000);
    const store = createMessageListStore({ fetchWindow });
    await store.getState().open('INBOX');
    await store.getState().ensureRange(50_040, 50_060);
    expect(calls.slice(1).map((c) => [c.offset, c.limit])).toEqual([[50_000, 2 * WINDOW_ROWS]]);
    expect(uidsAt(store, 50_049, 50_050)).toEqual([49_951, 49_950]);
  });

  it('cancels requests for windows the user scrolled past', async () => {
    const { fetchWindow } = folderOf(10_000);
    const signals: AbortSignal[] = [];
    let hold = true;
    const slow: typeof fetchWindow = (f, o, l, q, opts) => {
      if (opts.signal) signals.push(opts.signal);
      return hold && o === 5000 ? new Promise(() => {}) : fetchWindow(f, o, l, q, opts);
    };
    const store = createMessageListStore({ fetchWindow: slow });
    await store.getState().open('INBOX');
    void store.getState().ensureRange(5000, 5010);
    hold = false;
    await store.getState().ensureRange(9000, 9010);
    expect(signals.find((s, i) => i === 1)?.aborted).toBe(true);
    expect(store.getState().rows.has(9000)).toBe(true);
  });

  it('keeps at most MAX_CACHED_ROWS rows, dropping those far from the viewport', async () => {
    const { fetchWindow } = folderOf(100_000);
    const store = createMessageListStore({ fetchWindow });
    await store.getState().open('INBOX');
    for (let start = 0; start < 100_000; start += 2_500) await store.getState().ensureRange(start, start + 120);
    expect(store.getState().rows.size).toBeLessThanOrEqual(MAX_CACHED_ROWS);
    expect(store.getState().rows.has(97_500)).toBe(true);
    expect(store.getState().rows.has(0)).toBe(false);
  });

  it('ignores a late answer for a folder the user has left', async () => {
    let release: (p: MessageWindow) => void = () => {};
    const other = folderOf(3);
    const fetchWindow = (folder: string, ...rest: [number, number, MessageListQuery, { refresh?: boolean }]) =>
      folder === 'Slow' ? new Promise<MessageWindow>((r) => (release = r)) : other.fetchWindow(folder, ...rest);
    const store = createMessageListStore({ fetchWindow });
    const slow = store.getState().open('Slow');
    await store.getState().open('Sent');
    release({ folder: 'Slow', total: 1, offset: 0, version: 9, sortFallback: false, messages: [row(99)] });
    await slow;
    expect(store.getState().folder).toBe('Sent');
    expect(uidsAt(store, 0, 2)).toEqual([3, 2, 1]);
  });

  it('sends the order and search, and a new query starts over', async () => {
    const { fetchWindow, calls } = folderOf(10);
    const store = createMessageListStore({ fetchWindow });
    await store.getState().open('INBOX');
    await store.getState().setQuery({ sort: 'size', descending: false, search: { text: '  invoice ', unread: true } });
    expect(calls.at(-1)?.query).toEqual({ sort: 'size', descending: false, search: { text: 'invoice', unread: true } });
    await store.getState().setQuery({ sort: 'size' }); // unchanged: no request
    expect(calls).toHaveLength(2);
    await store.getState().setQuery({ search: { text: '   ' } }); // empty search is no search
    expect(calls.at(-1)?.query.search).toBeNull();
  });

  it('shows the server message on failure and reports an ended session', async () => {
    let ended = false;
    const store = createMessageListStore({
      fetchWindow: () => Promise.reject(new ApiRequestError('not-signed-in', 'Your session has ended. Please sign in again.', 401)),
      onSessionEnded: () => (ended = true),
    });
    await store.getState().open('INBOX');
    expect(store.getState()).toMatchObject({ status: 'error', error: 'Your session has ended. Please sign in again.' });
    expect(ended).toBe(true);
  });
});

describe('message list store: selection and refresh', () => {
  it('focuses a row not loaded yet, and selects it when its window arrives', async () => {
    const { fetchWindow } = folderOf(1000);
    const store = createMessageListStore({ fetchWindow });
    await store.getState().open('INBOX');
    store.getState().focusAt(999);
    expect(store.getState()).toMatchObject({ focusIndex: 999, selectedUid: null });
    await store.getState().ensureRange(990, 999);
    expect(store.getState()).toMatchObject({ focusIndex: 999, selectedUid: 1, selectedUids: [1] });
  });

  it('selects ranges with Shift and single rows with Ctrl', async () => {
    const { fetchWindow } = folderOf(100);
    const store = createMessageListStore({ fetchWindow });
    await store.getState().open('INBOX');
    store.getState().focusAt(2);
    store.getState().focusAt(5, { extend: true });
    expect(store.getState().selectedUids).toEqual([98, 97, 96, 95]);
    expect(store.getState().selectedUid).toBe(95);
    store.getState().focusAt(10, { toggle: true });
    expect(store.getState().selectedUids).toEqual([98, 97, 96, 95, 90]);
    store.getState().focusAt(10, { toggle: true });
    expect(store.getState().selectedUids).toEqual([98, 97, 96, 95]);
  });

  it('Select all takes the whole view, up to MAX_SELECTION', async () => {
    const { fetchWindow } = folderOf(MAX_SELECTION + 500);
    const store = createMessageListStore({ fetchWindow });
    await store.getState().open('INBOX');
    await store.getState().selectAll();
    expect(store.getState().selectedUids).toHaveLength(MAX_SELECTION);
    expect(store.getState().selectionNote).toMatch(/first 1000 of 1500/);
  });

  it('refresh re-reads the view and keeps the focused message', async () => {
    const { fetchWindow, state, calls } = folderOf(100);
    const store = createMessageListStore({ fetchWindow });
    await store.getState().open('INBOX');
    store.getState().focusAt(3); // uid 97
    state.total = 102; // two new messages on top
    await store.getState().refresh();
    expect(calls.at(-1)?.refresh).toBe(true);
    expect(store.getState()).toMatchObject({ total: 102, selectedUid: 97, focusIndex: 5 });
    expect(store.getState().rows.get(0)?.uid).toBe(102);
  });

  it('refresh fetches again the windows in view that an abort left empty', async () => {
    const { fetchWindow } = folderOf(1000);
    let hold = true;
    const slow: typeof fetchWindow = (f, o, l, q, opts) => (hold && o === 500 ? new Promise(() => {}) : fetchWindow(f, o, l, q, opts));
    const store = createMessageListStore({ fetchWindow: slow });
    await store.getState().open('INBOX');
    void store.getState().ensureRange(500, 520); // hangs, then aborted by the refresh
    hold = false;
    await store.getState().refresh();
    expect(store.getState().rows.get(500)?.uid).toBe(500);
  });

  it('removing messages focuses the next one and re-reads the view', async () => {
    const { fetchWindow, state } = folderOf(10);
    const store = createMessageListStore({ fetchWindow });
    await store.getState().open('INBOX');
    store.getState().focusAt(2); // uid 8
    store.getState().focusAt(3, { extend: true }); // uids 8, 7
    state.removed = new Set([8, 7]);
    store.getState().removeMessages([8, 7]);
    expect(store.getState()).toMatchObject({ total: 8, focusIndex: 2, selectedUid: 6, selectedUids: [6] });
    expect(uidsAt(store, 0, 3)).toEqual([10, 9, 6, 5]);
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().total).toBe(8);
  });

  it('patches the read and flag marks of a cached row', async () => {
    const { fetchWindow } = folderOf(10);
    const store = createMessageListStore({ fetchWindow });
    await store.getState().open('INBOX');
    store.getState().setSeen(9, true);
    store.getState().setFlagged(9, true);
    expect(store.getState().findMessage(9)).toMatchObject({ seen: true, flagged: true });
  });
});
