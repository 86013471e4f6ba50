import { createStore } from 'zustand/vanilla';

import { ApiRequestError, api } from '@/lib/api/client';
import type { Folder } from '@/lib/api/types';

export interface FoldersState {
  folders: Folder[];
  selectedPath: string;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  load: () => Promise<void>;
  select: (path: string) => void;
}

/** The folder tree and which folder is open. One store per mail view (see MailStoresProvider). */
export function createFoldersStore(fetchFolders = api.folders) {
  return createStore<FoldersState>()((set) => ({
    folders: [],
    selectedPath: 'INBOX',
    status: 'idle',
    error: null,
    async load() {
      set({ status: 'loading', error: null });
      try {
        const { folders } = await fetchFolders();
        set({ folders, status: 'ready' });
      } catch (e) {
        set({ status: 'error', error: e instanceof ApiRequestError ? e.message : 'The folders could not be loaded.' });
      }
    },
    select(path) {
      set({ selectedPath: path });
    },
  }));
}

export type FoldersStore = ReturnType<typeof createFoldersStore>;
