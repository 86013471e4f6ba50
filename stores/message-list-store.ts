import { createStore } from 'zustand/vanilla';

import { ApiRequestError, api } from '@/lib/api/client';
import type { MessageSummary } from '@/lib/api/types';

export const PAGE_SIZE = 100;

export interface MessageListState {
  folder: string | null;
  total: number;
  messages: MessageSummary[];
  selectedUid: number | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  open: (folder: string) => Promise<void>;
  loadMore: () => Promise<void>;
  select: (uid: number) => void;
}

/** The open folder's message list, fetched a page at a time, newest first. */
export function createMessageListStore(fetchPage = api.messages) {
  return createStore<MessageListState>()((set, get) => ({
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
        // A later open() wins: ignore answers for a folder the user has left.
        if (get().folder !== folder) return;
        set({ total: page.total, messages: page.messages, status: 'ready' });
      } catch (e) {
        if (get().folder !== folder) return;
        set({ status: 'error', error: e instanceof ApiRequestError ? e.message : 'The messages could not be loaded.' });
      }
    },
    async loadMore() {
      const { folder, messages, total, status } = get();
      if (!folder || status === 'loading' || messages.length >= total) return;
      set({ status: 'loading' });
      try {
        const page = await fetchPage(folder, messages.length, PAGE_SIZE);
        if (get().folder !== folder) return;
        set({ messages: [...messages, ...page.messages], total: page.total, status: 'ready' });
      } catch (e) {
        set({ status: 'error', error: e instanceof ApiRequestError ? e.message : 'The messages could not be loaded.' });
      }
    },
    select(uid) {
      set({ selectedUid: uid });
    },
  }));
}

export type MessageListStore = ReturnType<typeof createMessageListStore>;
