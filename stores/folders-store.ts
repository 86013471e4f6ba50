import { createStore } from 'zustand/vanilla';

import { ApiRequestError, api, errorMessage } from '@/lib/api/client';
import type { Folder } from '@/lib/api/types';

export const INBOX = 'INBOX';

export interface FoldersState {
  folders: Folder[];
  /** The open folder's path; the Inbox until the user picks another. */
  selectedPath: string;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  load: () => Promise<void>;
  select: (path: string) => void;
  /** Adjusts a folder's unread count after the user read (-1) or unread (+1) a message. */
  adjustUnread: (path: string, delta: number) => void;
}

interface Deps {
  fetchFolders?: () => Promise<{ folders: Folder[] }>;
  onSessionEnded?: () => void;
}

/** The folder tree and which folder is open. One store per mail view (see MailStoresProvider). */
export function createFoldersStore({ fetchFolders = api.folders, onSessionEnded = () => {} }: Deps = {}) {
  return createStore<FoldersState>()((set, get) => ({
    folders: [],
    selectedPath: INBOX,
    status: 'idle',
    error: null,
    async load() {
      set({ status: 'loading', error: null });
      try {
        const { folders } = await fetchFolders();
        set({ folders, status: 'ready' });
      } catch (e) {
        if (e instanceof ApiRequestError && e.code === 'not-signed-in') onSessionEnded();
        set({ status: 'error', error: errorMessage(e, 'The folders could not be loaded.') });
      }
    },
    adjustUnread(path, delta) {
      set({ folders: get().folders.map((f) => (f.path === path ? { ...f, unread: Math.max(0, f.unread + delta) } : f)) });
    },
    select(path) {
      const folder = get().folders.find((f) => f.path === path);
      // Containers (\Noselect) hold folders, not messages.
      if (folder && !folder.selectable) return;
      set({ selectedPath: path });
    },
  }));
}

export type FoldersStore = ReturnType<typeof createFoldersStore>;
