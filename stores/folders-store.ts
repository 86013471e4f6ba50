import { createStore } from 'zustand/vanilla';

import { type Api, ApiRequestError, api, errorMessage } from '@/lib/api/client';
import type { Folder } from '@/lib/api/types';
import { isWithin, pathAfterRename } from '@/lib/mail/folder-name';

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
  /** Creates a folder (`parent` null: top level) and reloads the tree; answers its path. */
  createFolder: (parent: string | null, name: string) => Promise<string>;
  /** Renames a folder; the open folder stays open under its new path (also when inside it). */
  renameFolder: (path: string, name: string) => Promise<string>;
  /** Deletes a folder and its subfolders with `messages` messages; the open one falls back to the Inbox. */
  deleteFolder: (path: string, messages: number) => Promise<void>;
}

type FolderAdminApi = Pick<Api, 'createFolder' | 'renameFolder' | 'deleteFolder'>;

interface Deps {
  fetchFolders?: () => Promise<{ folders: Folder[] }>;
  folderApi?: FolderAdminApi;
  onSessionEnded?: () => void;
}

/** The folder tree and which folder is open. One store per mail view (see MailStoresProvider). */
export function createFoldersStore({ fetchFolders = api.folders, folderApi = api, onSessionEnded = () => {} }: Deps = {}) {
  /** Failures go to the caller (the dialog shows them); an ended session ends the view. */
  const guard = <T>(p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => {
      if (e instanceof ApiRequestError && e.code === 'not-signed-in') onSessionEnded();
      throw e;
    });
  return createStore<FoldersState>()((set, get) => ({
    folders: [],
    selectedPath: INBOX,
    status: 'idle',
    error: null,
    async load() {
      set({ status: 'loading', error: null });
      try {
        const { folders } = await fetchFolders();
        // The open folder was deleted or renamed elsewhere: fall back to the Inbox.
        const gone = folders.length > 0 && !folders.some((f) => f.path === get().selectedPath && f.selectable);
        set({ folders, status: 'ready', ...(gone ? { selectedPath: INBOX } : {}) });
      } catch (e) {
        if (e instanceof ApiRequestError && e.code === 'not-signed-in') onSessionEnded();
        set({ status: 'error', error: errorMessage(e, 'The folders could not be loaded.') });
      }
    },
    adjustUnread(path, delta) {
      set({ folders: get().folders.map((f) => (f.path === path ? { ...f, unread: Math.max(0, f.unread + delta) } : f)) });
    },
    async createFolder(parent, name) {
      const { path } = await guard(folderApi.createFolder(parent, name));
      await get().load();
      return path;
    },
    async renameFolder(path, name) {
      const delimiter = get().folders.find((f) => f.path === path)?.delimiter ?? '';
      const renamed = await guard(folderApi.renameFolder(path, name));
      set({ selectedPath: pathAfterRename(get().selectedPath, path, renamed.path, delimiter) });
      await get().load();
      return renamed.path;
    },
    async deleteFolder(path, messages) {
      const delimiter = get().folders.find((f) => f.path === path)?.delimiter ?? '';
      try {
        await guard(folderApi.deleteFolder(path, messages));
      } catch (e) {
        // New mail since the count: reload so the dialog shows the new one.
        if (e instanceof ApiRequestError && e.code === 'folder-not-empty') await get().load();
        throw e;
      }
      if (isWithin(get().selectedPath, path, delimiter)) set({ selectedPath: INBOX });
      await get().load();
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
