import { createStore } from 'zustand/vanilla';

import { ApiRequestError, api, errorMessage } from '@/lib/api/client';
import type { MessagePage, MessageSummary } from '@/lib/api/types';

/** Rows fetched per request; more follow as the user scrolls. */
export const PAGE_SIZE = 100;

/** A move the user may take back (Delete is a move to Trash). */
export interface UndoableMove {
  label: string;
  from: string;
  destination: string;
  uidMap: [number, number][];
}

export interface MessageListState {
  folder: string | null;
  /** Messages in the folder on the server (the list may hold fewer: it loads page by page). */
  total: number;
  messages: MessageSummary[];
  selectedUid: number | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  open: (folder: string) => Promise<void>;
  loadMore: () => Promise<void>;
  /**
   * Re-reads the open folder (new mail, another client's changes) keeping the selection and the
   * rows already loaded. A failure leaves the list as it was. (Minimal version from the live-updates
   * work: re-reads the newest page and merges; the virtualized list store replaces it.)
   */
  refresh: () => Promise<void>;
  select: (uid: number) => void;
  /** Records a read state the server has accepted. */
  setSeen: (uid: number, seen: boolean) => void;
  setFlagged: (uid: number, flagged: boolean) => void;
  /** Drops rows the server has moved away; the next row (or the previous) becomes selected. */
  removeMessages: (uids: number[]) => void;
  /** The last move, offered for undo until the next one (or until undone). */
  lastMove: UndoableMove | null;
  setLastMove: (move: UndoableMove | null) => void;
}

interface Deps {
  fetchPage?: (folder: string, offset: number, limit: number) => Promise<MessagePage>;
  onSessionEnded?: () => void;
}

/** The open folder's message list, fetched a page at a time, newest first. */
export function createMessageListStore({ fetchPage = api.messages, onSessionEnded = () => {} }: Deps = {}) {
  return createStore<MessageListState>()((set, get) => {
    function fail(folder: string, e: unknown) {
      if (e instanceof ApiRequestError && e.code === 'not-signed-in') onSessionEnded();
      // A later open() wins: ignore answers for a folder the user has left.
      if (get().folder !== folder) return;
      set({ status: 'error', error: errorMessage(e, 'The messages could not be loaded.') });
    }

    return {
      folder: null,
      total: 0,
      messages: [],
      selectedUid: null,
      status: 'idle',
      error: null,
      async open(folder) {
        set({ folder, messages: [], total: 0, selectedUid: null, status: 'loading', error: null });
        try {
          const page = await fetchPage(folder, 0, PAGE_SIZE);
          if (get().folder !== folder) return;
          set({ total: page.total, messages: page.messages, status: 'ready' });
        } catch (e) {
          fail(folder, e);
        }
      },
      async loadMore() {
        const { folder, messages, total, status } = get();
        if (!folder || status !== 'ready' || messages.length >= total) return;
        set({ status: 'loading', error: null });
        try {
          const page = await fetchPage(folder, messages.length, PAGE_SIZE);
          if (get().folder !== folder) return;
          // Messages that arrived since the first page shift the offsets: skip rows already shown.
          const known = new Set(get().messages.map((m) => m.uid));
          set({ messages: [...get().messages, ...page.messages.filter((m) => !known.has(m.uid))], total: page.total, status: 'ready' });
        } catch (e) {
          fail(folder, e);
        }
      },
      async refresh() {
        const { folder } = get();
        if (!folder || get().status === 'loading') return;
        let page: MessagePage;
        try {
          page = await fetchPage(folder, 0, Math.max(PAGE_SIZE, Math.min(get().messages.length, PAGE_SIZE * 2)));
        } catch (e) {
          if (e instanceof ApiRequestError && e.code === 'not-signed-in') onSessionEnded();
          return;
        }
        if (get().folder !== folder) return;
        // Newest first by arrival, so UIDs fall down the list: rows older than the page re-read
        // stay as loaded; rows inside its range that it no longer holds were expunged.
        const fresh = page.messages;
        const oldest = fresh.at(-1)?.uid ?? Infinity;
        const older = fresh.length < page.total ? get().messages.filter((m) => m.uid < oldest) : [];
        const messages = [...fresh, ...older];
        const { selectedUid } = get();
        const keep = selectedUid !== null && messages.some((m) => m.uid === selectedUid);
        set({ messages, total: page.total, status: 'ready', error: null, selectedUid: keep ? selectedUid : null });
      },
      setSeen(uid, seen) {
        set({ messages: get().messages.map((m) => (m.uid === uid ? { ...m, seen } : m)) });
      },
      lastMove: null,
      setLastMove(move) {
        set({ lastMove: move });
      },
      setFlagged(uid, flagged) {
        set({ messages: get().messages.map((m) => (m.uid === uid ? { ...m, flagged } : m)) });
      },
      removeMessages(uids) {
        const gone = new Set(uids);
        const { messages, selectedUid, total } = get();
        const index = messages.findIndex((m) => m.uid === selectedUid);
        const rest = messages.filter((m) => !gone.has(m.uid));
        const keepSelection = selectedUid !== null && !gone.has(selectedUid);
        const next = keepSelection ? selectedUid : (rest[Math.min(Math.max(index, 0), rest.length - 1)]?.uid ?? null);
        set({ messages: rest, total: Math.max(0, total - (messages.length - rest.length)), selectedUid: next });
      },
      select(uid) {
        set({ selectedUid: uid });
      },
    };
  });
}

export type MessageListStore = ReturnType<typeof createMessageListStore>;
