import { createStore } from 'zustand/vanilla';

import { ApiRequestError, api, errorMessage } from '@/lib/api/client';
import type { MessageListQuery, MessageSummary, MessageWindow } from '@/lib/api/types';
import { DEFAULT_LIST_QUERY, listQueryKey, normalizeSearch } from '@/lib/mail/list-query';

import { type RowCache, WINDOW_ROWS, evictFar, positionOf, windowLoaded, windowsFor, withWindow, withoutUids } from './list-window-cache';

/** Windows fetched in one request (the server serves up to 200 rows at once). */
const MAX_WINDOWS_PER_REQUEST = 4;

/** Most messages one selection (and so one batch action) holds: the server's MAX_MOVE. */
export const MAX_SELECTION = 1000;

/** A move the user may take back (Delete is a move to Trash). */
export interface UndoableMove {
  label: string;
  from: string;
  destination: string;
  uidMap: [number, number][];
}

export interface MessageListState {
  folder: string | null;
  /** The view: order and search. */
  query: MessageListQuery;
  /** Messages in the view on the server; the cache holds only some of them. */
  total: number;
  /** The server's version of the view's order; positions of another version are void. */
  version: number;
  /** True when the server cannot sort (no IMAP SORT) and lists in arrival order. */
  sortFallback: boolean;
  /** Sparse cache: position in the view → row. */
  rows: RowCache;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** Position of the focused row (keyboard focus; may be a row not loaded yet). */
  focusIndex: number | null;
  /** The focused message, shown in the reading pane. */
  selectedUid: number | null;
  /** All selected messages (the focused one among them), for batch actions. */
  selectedUids: number[];
  /** Where a Shift range starts. */
  anchorIndex: number | null;
  /** Said to the user when a selection was cut to MAX_SELECTION. */
  selectionNote: string | null;
  open: (folder: string) => Promise<void>;
  /** Changes the order or search and reloads the view from its start. */
  setQuery: (query: Partial<MessageListQuery>) => Promise<void>;
  /** Fetches the windows covering positions start..end that are not cached (the viewport). */
  ensureRange: (start: number, end: number) => Promise<void>;
  /** Re-reads the view (new mail, expunges), keeping the selection and the scroll position. */
  refresh: () => Promise<void>;
  /** Focuses the row at a position; `extend` selects the range from the anchor, `toggle` adds/removes it. */
  focusAt: (index: number, opts?: { extend?: boolean; toggle?: boolean }) => void;
  /** Selects one message only (a plain click). */
  select: (uid: number) => void;
  /** Selects every message of the view, up to MAX_SELECTION. */
  selectAll: () => Promise<void>;
  findMessage: (uid: number) => MessageSummary | undefined;
  /** Records a read state the server has accepted. */
  setSeen: (uid: number, seen: boolean) => void;
  setFlagged: (uid: number, flagged: boolean) => void;
  /** Drops rows the server has moved away; the next row becomes focused, then the view is re-read. */
  removeMessages: (uids: number[]) => void;
  /** The last move, offered for undo until the next one (or until undone). */
  lastMove: UndoableMove | null;
  setLastMove: (move: UndoableMove | null) => void;
}

export type FetchWindow = (
  folder: string,
  offset: number,
  limit: number,
  query: MessageListQuery,
  opts: { refresh?: boolean; signal?: AbortSignal },
) => Promise<MessageWindow>;

interface Deps {
  fetchWindow?: FetchWindow;
  onSessionEnded?: () => void;
}

/** The open folder's view, fetched window by window around what the user looks at. */
export function createMessageListStore({ fetchWindow = api.messageWindow, onSessionEnded = () => {} }: Deps = {}) {
  return createStore<MessageListState>()((set, get) => {
    // Requests belong to one view (folder + query); opening another aborts them all.
    let viewToken = 0;
    const inFlight = new Map<number, AbortController>();
    let lastRange: [number, number] = [0, WINDOW_ROWS - 1];

    const abortAll = () => {
      for (const c of inFlight.values()) c.abort();
      inFlight.clear();
    };

    function fail(token: number, e: unknown) {
      if (e instanceof ApiRequestError && e.code === 'not-signed-in') onSessionEnded();
      // A later open() wins: ignore answers for a view the user has left.
      if (token !== viewToken) return;
      set({ status: 'error', error: errorMessage(e, 'The messages could not be loaded.') });
    }

    /** Puts a window's answer into the cache (a new version of the view voids the old rows). */
    function accept(page: MessageWindow, base?: RowCache) {
      const s = get();
      const sameVersion = page.version === s.version;
      let rows: RowCache = withWindow(base ?? (sameVersion ? s.rows : new Map()), page.offset, page.messages);
      const keep = new Set(s.selectedUids);
      rows = evictFar(rows, (lastRange[0] + lastRange[1]) / 2, keep);
      const next: Partial<MessageListState> = { rows, total: page.total, version: page.version, sortFallback: page.sortFallback, status: 'ready', error: null };
      // The focused message keeps its focus where the new order put it; a focus on a row that
      // was not loaded yet takes the row when it arrives.
      const pos = s.selectedUid !== null ? positionOf(rows, s.selectedUid) : null;
      if (pos !== null) next.focusIndex = pos;
      else if (s.focusIndex !== null && s.selectedUid === null) {
        const row = rows.get(s.focusIndex);
        if (row) {
          next.selectedUid = row.uid;
          next.selectedUids = [row.uid];
        }
      }
      if (page.total > 0 && s.focusIndex !== null && s.focusIndex >= page.total) next.focusIndex = page.total - 1;
      set(next);
    }

    /** Fetches `windows` (adjacent window offsets) in one request. */
    async function load(windows: number[], opts: { refresh?: boolean } = {}): Promise<void> {
      const { folder, query } = get();
      const offset = windows[0];
      if (!folder || offset === undefined || windows.some((w) => inFlight.has(w))) return;
      const token = viewToken;
      const controller = new AbortController();
      for (const w of windows) inFlight.set(w, controller);
      try {
        const page = await fetchWindow(folder, offset, windows.length * WINDOW_ROWS, query, { ...opts, signal: controller.signal });
        if (token !== viewToken || controller.signal.aborted) return;
        accept(page);
      } catch (e) {
        if (!controller.signal.aborted) fail(token, e);
      } finally {
        for (const w of windows) if (inFlight.get(w) === controller) inFlight.delete(w);
      }
    }

    async function reopen(folder: string, query: MessageListQuery) {
      abortAll();
      viewToken++;
      lastRange = [0, WINDOW_ROWS - 1];
      set({ folder, query, rows: new Map(), total: 0, version: 0, sortFallback: false, focusIndex: null, selectedUid: null, selectedUids: [], anchorIndex: null, selectionNote: null, status: 'loading', error: null });
      // The server re-reads the folder: a view it kept from earlier may miss new mail.
      await load([0], { refresh: true });
    }

    function patchRow(uid: number, patch: Partial<MessageSummary>) {
      const rows = get().rows;
      const pos = positionOf(rows, uid);
      if (pos === null) return;
      const next = new Map(rows);
      next.set(pos, { ...rows.get(pos)!, ...patch });
      set({ rows: next });
    }

    return {
      folder: null,
      query: DEFAULT_LIST_QUERY,
      total: 0,
      version: 0,
      sortFallback: false,
      rows: new Map(),
      status: 'idle',
      error: null,
      focusIndex: null,
      selectedUid: null,
      selectedUids: [],
      anchorIndex: null,
      selectionNote: null,
      async open(folder) {
        // Another folder starts with the default order and no search.
        await reopen(folder, get().folder === folder ? get().query : DEFAULT_LIST_QUERY);
      },
      async setQuery(change) {
        const { folder, query } = get();
        const next = { ...query, ...change };
        next.search = normalizeSearch(next.search);
        if (!folder || listQueryKey(next) === listQueryKey(query)) return;
        await reopen(folder, next);
      },
      async ensureRange(start, end) {
        const { total, rows, status } = get();
        lastRange = [start, end];
        if (status === 'loading' || status === 'idle') return;
        const wanted = windowsFor(start, end, total);
        // Requests for windows the user scrolled past are cancelled.
        for (const [offset, c] of inFlight) {
          const offsets = [...inFlight].filter(([, other]) => other === c).map(([o]) => o);
          if (!offsets.some((o) => wanted.includes(o))) {
            c.abort();
            inFlight.delete(offset);
          }
        }
        // Adjacent missing windows go in one request (one IMAP FETCH), up to MAX_WINDOWS_PER_REQUEST.
        const missing = wanted.filter((w) => !windowLoaded(rows, w, total) && !inFlight.has(w));
        const runs: number[][] = [];
        for (const w of missing) {
          const run = runs.at(-1);
          if (run && run.at(-1)! + WINDOW_ROWS === w && run.length < MAX_WINDOWS_PER_REQUEST) run.push(w);
          else runs.push([w]);
        }
        await Promise.all(runs.map((run) => load(run)));
      },
      async refresh() {
        const { folder, query } = get();
        if (!folder) return;
        const token = viewToken;
        abortAll();
        try {
          // The first window makes the server re-read the folder; the others use its new order.
          // The rows are swapped in at once, so nothing flickers.
          const [first, ...rest] = windowsFor(lastRange[0], lastRange[1], Math.max(get().total, 1));
          const head = await fetchWindow(folder, first ?? 0, WINDOW_ROWS, query, { refresh: true });
          const tail = await Promise.all(rest.filter((w) => w < head.total).map((w) => fetchWindow(folder, w, WINDOW_ROWS, query, {})));
          if (token !== viewToken) return;
          let rows: RowCache = withWindow(head.version === get().version ? get().rows : new Map(), head.offset, head.messages);
          for (const page of tail) if (page.version === head.version) rows = withWindow(rows, page.offset, page.messages);
          accept({ ...head, messages: [] }, rows);
        } catch (e) {
          fail(token, e);
          return;
        }
        // Windows aborted above (or shifted by the new order) are fetched again.
        await get().ensureRange(lastRange[0], lastRange[1]);
      },
      focusAt(index, { extend = false, toggle = false } = {}) {
        const { total, rows, anchorIndex, selectedUids } = get();
        if (total === 0) return;
        const i = Math.max(0, Math.min(total - 1, index));
        const row = rows.get(i);
        if (extend) {
          const from = Math.min(anchorIndex ?? i, i);
          const to = Math.max(anchorIndex ?? i, i);
          const uids: number[] = [];
          // Only cached rows can be selected by range: a range reaches as far as the loaded rows.
          for (let p = from; p <= to && uids.length < MAX_SELECTION; p++) {
            const r = rows.get(p);
            if (r) uids.push(r.uid);
          }
          set({ focusIndex: i, selectedUid: row?.uid ?? null, selectedUids: uids, anchorIndex: anchorIndex ?? i, selectionNote: null });
          return;
        }
        if (toggle && row) {
          const has = selectedUids.includes(row.uid);
          const uids = has ? selectedUids.filter((u) => u !== row.uid) : [...selectedUids, row.uid].slice(0, MAX_SELECTION);
          set({ focusIndex: i, selectedUid: has ? (uids.at(-1) ?? null) : row.uid, selectedUids: uids, anchorIndex: i, selectionNote: null });
          return;
        }
        set({ focusIndex: i, selectedUid: row?.uid ?? null, selectedUids: row ? [row.uid] : [], anchorIndex: i, selectionNote: null });
      },
      select(uid) {
        const pos = positionOf(get().rows, uid);
        set({ selectedUid: uid, selectedUids: [uid], focusIndex: pos, anchorIndex: pos, selectionNote: null });
      },
      async selectAll() {
        const { folder, query, total, selectedUid } = get();
        if (!folder || total === 0) return;
        const token = viewToken;
        const count = Math.min(total, MAX_SELECTION);
        try {
          const uids: number[] = [];
          for (let offset = 0; offset < count; offset += 200) {
            const page = await fetchWindow(folder, offset, Math.min(200, count - offset), query, {});
            if (token !== viewToken) return;
            uids.push(...page.messages.map((m) => m.uid));
            set({ rows: withWindow(get().rows, page.offset, page.messages) });
          }
          set({
            selectedUids: uids,
            selectedUid: selectedUid ?? uids[0] ?? null,
            selectionNote: total > MAX_SELECTION ? `Selected the first ${MAX_SELECTION} of ${total} messages.` : null,
          });
        } catch (e) {
          fail(token, e);
        }
      },
      findMessage(uid) {
        for (const m of get().rows.values()) if (m.uid === uid) return m;
        return undefined;
      },
      setSeen(uid, seen) {
        patchRow(uid, { seen });
      },
      setFlagged(uid, flagged) {
        patchRow(uid, { flagged });
      },
      lastMove: null,
      setLastMove(move) {
        set({ lastMove: move });
      },
      removeMessages(uids) {
        const gone = new Set(uids);
        const { rows, total, focusIndex, selectedUid } = get();
        const { rows: rest, removedPositions } = withoutUids(rows, gone);
        const newTotal = Math.max(0, total - gone.size);
        const keepFocus = selectedUid !== null && !gone.has(selectedUid);
        // The row after the removed ones takes the focus (or the last row).
        const first = removedPositions[0] ?? focusIndex ?? 0;
        const index = keepFocus ? positionOf(rest, selectedUid) : newTotal === 0 ? null : Math.min(first, newTotal - 1);
        const row = index !== null ? rest.get(index) : undefined;
        set({
          rows: rest,
          total: newTotal,
          focusIndex: index,
          selectedUid: keepFocus ? selectedUid : (row?.uid ?? null),
          selectedUids: keepFocus ? [selectedUid] : row ? [row.uid] : [],
          anchorIndex: index,
          selectionNote: null,
        });
        // The server's order is the truth: re-read it (positions of uncached rows are unknown here).
        void get().refresh();
      },
    };
  });
}

export type MessageListStore = ReturnType<typeof createMessageListStore>;
