import { createStore } from 'zustand/vanilla';

import { ApiRequestError, api, errorMessage } from '@/lib/api/client';
import type { MessageListQuery, MessageSummary, MessageWindow } from '@/lib/api/types';
import { DEFAULT_LIST_QUERY, listQueryKey, normalizeSearch } from '@/lib/mail/list-query';

import { MAX_EXPANDED_THREADS } from './thread-layout';
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
  /** The server can group conversations (THREAD=REFERENCES). */
  canThread: boolean;
  /** What the server did with a request for conversations (see MessageWindow.threading). */
  threading: MessageWindow['threading'] | null;
  /** Expanded conversations: the newest message's UID → the thread's messages, newest first. */
  expanded: ReadonlyMap<number, MessageSummary[]>;
  /** The focused child row of an expanded conversation (its UID), or null for a list row. */
  focusedChild: number | null;
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
  /** Expands or collapses the conversation whose newest message is `headUid` (loads its messages). */
  toggleThread: (headUid: number, expand?: boolean) => Promise<void>;
  /** Focuses and selects one message of an expanded conversation. */
  focusChild: (uid: number) => void;
  /** The UIDs an action works on: the selection, a selected conversation row standing for all its messages. */
  actionUids: () => number[];
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

export type FetchSummaries = (folder: string, uids: number[]) => Promise<{ messages: MessageSummary[] }>;

export type FetchWindow = (
  folder: string,
  offset: number,
  limit: number,
  query: MessageListQuery,
  opts: { refresh?: boolean; signal?: AbortSignal },
) => Promise<MessageWindow>;

/** Where the Conversations choice is remembered across reloads (a preference, not mail). */
export interface ThreadsPreference {
  load: () => boolean;
  save: (on: boolean) => void;
}

const PREFERENCE_KEY = 'sealpost.conversations';

const localPreference: ThreadsPreference = {
  load: () => {
    try {
      return globalThis.localStorage?.getItem(PREFERENCE_KEY) === '1';
    } catch {
      return false;
    }
  },
  save: (on) => {
    try {
      globalThis.localStorage?.setItem(PREFERENCE_KEY, on ? '1' : '0');
    } catch {
      // Storage off (private mode): the choice lasts for this page only.
    }
  },
};

interface Deps {
  threadsPreference?: ThreadsPreference;
  fetchWindow?: FetchWindow;
  fetchSummaries?: FetchSummaries;
  onSessionEnded?: () => void;
}

/** The open folder's view, fetched window by window around what the user looks at. */
export function createMessageListStore({ fetchWindow = api.messageWindow, fetchSummaries = (f, u) => api.messageSummaries(f, u), threadsPreference = localPreference, onSessionEnded = () => {} }: Deps = {}) {
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
      // Expanded conversations stay cached: their children are drawn below them.
      const keep = new Set([...s.selectedUids, ...s.expanded.keys()]);
      rows = evictFar(rows, (lastRange[0] + lastRange[1]) / 2, keep);
      const next: Partial<MessageListState> = {
        rows,
        total: page.total,
        version: page.version,
        sortFallback: page.sortFallback,
        canThread: page.canThread ?? true,
        threading: page.threading ?? null,
        status: 'ready',
        error: null,
      };
      if (!sameVersion && s.expanded.size) {
        // A new order: threads whose newest message changed (a reply arrived) close.
        const heads = new Set([...rows.values()].map((m) => m.uid));
        next.expanded = new Map([...s.expanded].filter(([uid]) => heads.has(uid)));
      }
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
      set({ folder, query, rows: new Map(), total: 0, version: 0, sortFallback: false, threading: null, expanded: new Map(), focusedChild: null, focusIndex: null, selectedUid: null, selectedUids: [], anchorIndex: null, selectionNote: null, status: 'loading', error: null });
      // The server re-reads the folder: a view it kept from earlier may miss new mail.
      await load([0], { refresh: true });
    }

    function patchRow(uid: number, patch: Partial<MessageSummary>) {
      const { rows, expanded } = get();
      const before = findIn(rows, expanded, uid);
      const next = new Map(rows);
      for (const [pos, m] of rows) {
        let row = m.uid === uid ? { ...m, ...patch } : m;
        // A conversation row counts its unread messages.
        if (patch.seen !== undefined && before && before.seen !== patch.seen && row.thread?.uids.includes(uid)) {
          row = { ...row, thread: { ...row.thread, unread: Math.max(0, row.thread.unread + (patch.seen ? -1 : 1)) } };
        }
        if (row !== m) next.set(pos, row);
      }
      let nextExpanded = expanded;
      for (const [head, children] of expanded) {
        if (children.some((c) => c.uid === uid)) {
          nextExpanded = new Map(nextExpanded);
          (nextExpanded as Map<number, MessageSummary[]>).set(head, children.map((c) => (c.uid === uid ? { ...c, ...patch } : c)));
        }
      }
      set({ rows: next, expanded: nextExpanded });
    }

    return {
      folder: null,
      query: DEFAULT_LIST_QUERY,
      total: 0,
      version: 0,
      sortFallback: false,
      canThread: true,
      threading: null,
      expanded: new Map(),
      focusedChild: null,
      rows: new Map(),
      status: 'idle',
      error: null,
      focusIndex: null,
      selectedUid: null,
      selectedUids: [],
      anchorIndex: null,
      selectionNote: null,
      async open(folder) {
        // Another folder starts with the default order and no search; conversations stay on.
        const { query } = get();
        // The first folder of the page takes the remembered Conversations choice.
        const threads = get().folder === null ? threadsPreference.load() : Boolean(query.threads);
        await reopen(folder, get().folder === folder ? query : { ...DEFAULT_LIST_QUERY, ...(threads ? { threads: true } : {}) });
      },
      async setQuery(change) {
        const { folder, query } = get();
        const next = { ...query, ...change };
        next.search = normalizeSearch(next.search);
        if (!next.threads) delete next.threads;
        if (Boolean(next.threads) !== Boolean(query.threads)) threadsPreference.save(Boolean(next.threads));
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
          set({ focusIndex: i, focusedChild: null, selectedUid: row?.uid ?? null, selectedUids: uids, anchorIndex: anchorIndex ?? i, selectionNote: null });
          return;
        }
        if (toggle && row) {
          const has = selectedUids.includes(row.uid);
          const uids = has ? selectedUids.filter((u) => u !== row.uid) : [...selectedUids, row.uid].slice(0, MAX_SELECTION);
          set({ focusIndex: i, focusedChild: null, selectedUid: has ? (uids.at(-1) ?? null) : row.uid, selectedUids: uids, anchorIndex: i, selectionNote: null });
          return;
        }
        set({ focusIndex: i, focusedChild: null, selectedUid: row?.uid ?? null, selectedUids: row ? [row.uid] : [], anchorIndex: i, selectionNote: null });
      },
      select(uid) {
        const pos = positionOf(get().rows, uid);
        if (pos === null && findIn(new Map(), get().expanded, uid)) {
          get().focusChild(uid);
          return;
        }
        set({ selectedUid: uid, selectedUids: [uid], focusIndex: pos, focusedChild: null, anchorIndex: pos, selectionNote: null });
      },
      async toggleThread(headUid, expand) {
        const { folder, rows, expanded, focusedChild } = get();
        const open = expanded.has(headUid);
        if (expand === open || !folder) return;
        if (open) {
          const next = new Map(expanded);
          const children = next.get(headUid)!;
          next.delete(headUid);
          // Focus inside the closing thread goes back to the thread row.
          const inside = focusedChild !== null && children.some((c) => c.uid === focusedChild);
          set({ expanded: next, ...(inside ? { focusedChild: null, selectedUid: headUid, selectedUids: [headUid], focusIndex: positionOf(rows, headUid) } : {}) });
          return;
        }
        const pos = positionOf(rows, headUid);
        const thread = pos !== null ? rows.get(pos)?.thread : undefined;
        if (!thread || thread.count < 2) return;
        const token = viewToken;
        try {
          const { messages } = await fetchSummaries(folder, thread.uids.slice(0, 200));
          if (token !== viewToken) return;
          const next = new Map(get().expanded);
          next.set(headUid, messages);
          // The oldest expansion closes past the bound (a Map keeps insertion order).
          while (next.size > MAX_EXPANDED_THREADS) next.delete(next.keys().next().value!);
          set({ expanded: next });
        } catch (e) {
          fail(token, e);
        }
      },
      focusChild(uid) {
        const { rows, expanded } = get();
        const head = [...expanded].find(([, children]) => children.some((c) => c.uid === uid))?.[0];
        const pos = head !== undefined ? positionOf(rows, head) : null;
        set({ focusedChild: uid, focusIndex: pos, anchorIndex: pos, selectedUid: uid, selectedUids: [uid], selectionNote: null });
      },
      actionUids() {
        const { rows, selectedUid, selectedUids, focusedChild } = get();
        const chosen = selectedUids.length ? selectedUids : selectedUid !== null ? [selectedUid] : [];
        if (focusedChild !== null) return chosen;
        const heads = new Map<number, number[]>();
        for (const m of rows.values()) if (m.thread) heads.set(m.uid, m.thread.uids);
        const out = new Set<number>();
        for (const uid of chosen) for (const u of heads.get(uid) ?? [uid]) if (out.size < MAX_SELECTION) out.add(u);
        return [...out];
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
        return findIn(get().rows, get().expanded, uid);
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
        // A conversation row goes with its messages: one position for several UIDs.
        const threaded = [...rows.values()].some((m) => m.thread);
        const newTotal = Math.max(0, total - (threaded ? removedPositions.length : gone.size));
        const expanded = new Map([...get().expanded].filter(([head]) => !gone.has(head)).map(([head, c]) => [head, c.filter((m) => !gone.has(m.uid))]));
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
          expanded,
          focusedChild: keepFocus ? get().focusedChild : null,
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

/** A message among the cached rows or an expanded conversation's children. */
function findIn(rows: RowCache, expanded: ReadonlyMap<number, MessageSummary[]>, uid: number): MessageSummary | undefined {
  for (const m of rows.values()) if (m.uid === uid) return m;
  for (const children of expanded.values()) for (const m of children) if (m.uid === uid) return m;
  return undefined;
}
