import { createStore } from 'zustand/vanilla';

import { ApiRequestError, api, errorMessage } from '@/lib/api/client';
import type { MessageStructure } from '@/lib/api/types';
import { parseMessage } from '@/lib/mail/parse-message';
import {
  LARGE_MESSAGE_BYTES,
  type ReaderAttachment,
  type ReaderMessage,
  decodeAttachment,
  fromParsed,
  inlineImagesToFetch,
  readPartByPart,
  readPartial,
} from '@/lib/mail/partial-message';

export interface ReaderState {
  folder: string | null;
  uid: number | null;
  message: ReaderMessage | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** The user's per-message choice to load remote images (never remembered across messages). */
  remoteImagesAllowed: boolean;
  /** The open message fills the window instead of the reading pane (Enter, or its button; Esc leaves). */
  fullWindow: boolean;
  setFullWindow: (fullWindow: boolean) => void;
  /**
   * Opens a message. `hint.size` (RFC822.SIZE from the list) lets a small message skip the
   * structure request; without it the structure is asked first.
   */
  open: (folder: string, uid: number, hint?: { size?: number }) => Promise<ReaderMessage | null>;
  /** An attachment's decoded bytes: at hand for a message read whole, else fetched (once) now. */
  loadAttachment: (attachment: ReaderAttachment) => Promise<Uint8Array>;
  allowRemoteImages: () => void;
  close: () => void;
}

interface Deps {
  fetchSource?: (folder: string, uid: number) => Promise<Uint8Array>;
  fetchStructure?: (folder: string, uid: number) => Promise<MessageStructure>;
  fetchPart?: (folder: string, uid: number, part: string, max?: number) => Promise<Uint8Array>;
  onSessionEnded?: () => void;
}

/**
 * The message open in the reading pane. Small messages (and S/MIME ones, which are checked over
 * their exact bytes) are fetched whole and parsed in the browser; large ones part by part: the
 * structure, the header and the text, while attachments wait until they are downloaded or previewed.
 */
export function createReaderStore({
  fetchSource = api.messageSource,
  fetchStructure = api.messageStructure,
  fetchPart = api.messagePart,
  onSessionEnded = () => {},
}: Deps = {}) {
  // Decoded attachment bytes of the open message, by part number; dropped when another opens.
  let fetched = new Map<string, Promise<Uint8Array>>();

  return createStore<ReaderState>()((set, get) => {
    const load = async (folder: string, uid: number, hint: { size?: number }): Promise<ReaderMessage> => {
      if (hint.size !== undefined && hint.size <= LARGE_MESSAGE_BYTES) return fromParsed(await parseMessage(await fetchSource(folder, uid)));
      const structure = await fetchStructure(folder, uid);
      if (!readPartByPart(structure)) return fromParsed(await parseMessage(await fetchSource(folder, uid)));
      return readPartial(structure, (section, max) => fetchPart(folder, uid, section, max));
    };

    const fetchAttachment = (a: ReaderAttachment): Promise<Uint8Array> => {
      const { folder, uid } = get();
      if (a.content) return Promise.resolve(a.content);
      if (!a.part || folder === null || uid === null) return Promise.reject(new Error('The attachment is not available.'));
      let p = fetched.get(a.part);
      if (!p) {
        p = fetchPart(folder, uid, a.part).then((raw) => decodeAttachment(a, raw));
        // A failed fetch may be tried again.
        p.catch(() => fetched.delete(a.part!));
        fetched.set(a.part, p);
      }
      return p;
    };

    /** Fetches the cid: images the HTML shows, after the text is already on screen. */
    const fillInlineImages = async (folder: string, uid: number, message: ReaderMessage) => {
      const wanted = inlineImagesToFetch(message);
      if (wanted.length === 0) return;
      const loaded = await Promise.all(wanted.map((a) => fetchAttachment(a).catch(() => null)));
      const current = get();
      if (current.folder !== folder || current.uid !== uid || !current.message) return;
      const byPart = new Map(wanted.map((a, i) => [a.part, loaded[i]]));
      set({
        message: {
          ...current.message,
          attachments: current.message.attachments.map((a) => {
            const content = byPart.get(a.part);
            return content ? { ...a, content, size: content.length, sizeExact: true } : a;
          }),
        },
      });
    };

    return {
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
      async open(folder, uid, hint = {}) {
        fetched = new Map();
        set({ folder, uid, message: null, status: 'loading', error: null, remoteImagesAllowed: false });
        const current = () => get().folder === folder && get().uid === uid;
        try {
          const message = await load(folder, uid, hint);
          if (!current()) return null;
          set({ message, status: 'ready' });
          if (message.partial) void fillInlineImages(folder, uid, message);
          return message;
        } catch (e) {
          if (e instanceof ApiRequestError && e.code === 'not-signed-in') onSessionEnded();
          if (current()) set({ status: 'error', error: errorMessage(e, 'The message could not be loaded.') });
          return null;
        }
      },
      loadAttachment(attachment) {
        return fetchAttachment(attachment).catch((e: unknown) => {
          if (e instanceof ApiRequestError && e.code === 'not-signed-in') onSessionEnded();
          throw e;
        });
      },
      allowRemoteImages() {
        set({ remoteImagesAllowed: true });
      },
      close() {
        fetched = new Map();
        set({ folder: null, uid: null, message: null, status: 'idle', error: null, remoteImagesAllowed: false, fullWindow: false });
      },
    };
  });
}

export type ReaderStore = ReturnType<typeof createReaderStore>;
