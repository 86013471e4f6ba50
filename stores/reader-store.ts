import { createStore } from 'zustand/vanilla';

import { ApiRequestError, api, errorMessage } from '@/lib/api/client';
import { MessageParseError, type ParsedMessage, parseMessage } from '@/lib/mail/parse-message';

export interface ReaderState {
  folder: string | null;
  uid: number | null;
  message: ParsedMessage | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** The user's per-message choice to load remote images (never remembered across messages). */
  remoteImagesAllowed: boolean;
  /** The open message fills the window instead of the reading pane (Enter, or its button; Esc leaves). */
  fullWindow: boolean;
  setFullWindow: (fullWindow: boolean) => void;
  open: (folder: string, uid: number) => Promise<ParsedMessage | null>;
  allowRemoteImages: () => void;
  close: () => void;
}

interface Deps {
  fetchSource?: (folder: string, uid: number) => Promise<Uint8Array>;
  onSessionEnded?: () => void;
}

/** The message open in the reading pane: its raw bytes fetched and parsed in the browser. */
export function createReaderStore({ fetchSource = api.messageSource, onSessionEnded = () => {} }: Deps = {}) {
  return createStore<ReaderState>()((set, get) => ({
    folder: null,
    uid: null,
    message: null,
    status: 'idle',
    error: null,
    remoteImagesAllowed: false,
    fullWindow: false,
    setFullWindow(fullWindow) {
      set({ fullWindow: fullWindow && get().uid !== null });
    },
    async open(folder, uid) {
      set({ folder, uid, message: null, status: 'loading', error: null, remoteImagesAllowed: false });
      const current = () => get().folder === folder && get().uid === uid;
      try {
        const message = await parseMessage(await fetchSource(folder, uid));
        if (!current()) return null;
        set({ message, status: 'ready' });
        return message;
      } catch (e) {
        if (e instanceof ApiRequestError && e.code === 'not-signed-in') onSessionEnded();
        if (current()) {
          set({ status: 'error', error: e instanceof MessageParseError ? e.message : errorMessage(e, 'The message could not be loaded.') });
        }
        return null;
      }
    },
    allowRemoteImages() {
      set({ remoteImagesAllowed: true });
    },
    close() {
      set({ folder: null, uid: null, message: null, status: 'idle', error: null, remoteImagesAllowed: false, fullWindow: false });
    },
  }));
}

export type ReaderStore = ReturnType<typeof createReaderStore>;
