'use client';

import { type ReactNode, createContext, useCallback, useContext, useState } from 'react';
import { useStore } from 'zustand';

import { api } from '@/lib/api/client';
import type { MessageListQuery, MoveTarget } from '@/lib/api/types';

import { type ComposeState, type ComposeStore, createComposeStore } from './compose-store';
import { type FoldersState, type FoldersStore, createFoldersStore } from './folders-store';
import { type LiveState, type LiveStore, createLiveStore } from './live-store';
import { type MessageListState, type MessageListStore, createMessageListStore } from './message-list-store';
import { copyMessages, moveMessages } from './message-transfer';
import { type NoticeState, type NoticeStore, createNoticeStore } from './notice-store';
import { type ReaderState, type ReaderStore, createReaderStore } from './reader-store';
import { type SessionState, type SessionStore, createSessionStore } from './session-store';
import { useSecurityStores } from './security-stores-provider';
import { type ShortcutsHelpState, type ShortcutsHelpStore, createShortcutsHelpStore } from './shortcuts-help-store';

// The mail view's stores, created per provider instance, never as module singletons: two views
// (or two tests, or two users of one server process during SSR) never share state.
export interface MailStores {
  session: SessionStore;
  folders: FoldersStore;
  messageList: MessageListStore;
  reader: ReaderStore;
  compose: ComposeStore;
  notice: NoticeStore;
  live: LiveStore;
  shortcutsHelp: ShortcutsHelpStore;
}

const MailStoresContext = createContext<MailStores | null>(null);

export function MailStoresProvider({ email, children }: { email: string; children: ReactNode }) {
  const security = useSecurityStores();
  const [stores] = useState<MailStores>(() => {
    const session = createSessionStore(email);
    const onSessionEnded = () => session.getState().sessionEnded();
    // Every read the stores make also tells the live store when the mail server is unreachable
    // (the banner and its reconnect probing, stores/live-store.ts).
    const late: { live?: LiveStore } = {};
    const reported =
      <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> =>
        fn(...args).catch((e: unknown) => {
          late.live?.getState().reportApiError(e);
          throw e;
        });
    // Reads started while a live event is handled are the page's own, not the user's activity:
    // they carry the background mark, so new mail does not keep an unattended session alive.
    // (The stores call their fetcher synchronously when load()/refresh() starts.)
    let backgroundDepth = 0;
    const inBackground = (work: () => unknown) => {
      backgroundDepth++;
      try {
        work();
      } finally {
        backgroundDepth--;
      }
    };
    const folders = createFoldersStore({ onSessionEnded, fetchFolders: reported(() => api.folders({ background: backgroundDepth > 0 })) });
    const messageList = createMessageListStore({
      onSessionEnded,
      fetchWindow: reported((folder: string, offset: number, limit: number, query: MessageListQuery, opts: { refresh?: boolean; signal?: AbortSignal }) =>
        api.messageWindow(folder, offset, limit, query, { ...opts, background: backgroundDepth > 0 }),
      ),
    });
    const reader = createReaderStore({
      onSessionEnded,
      fetchSource: reported(api.messageSource),
      fetchStructure: reported(api.messageStructure),
      fetchPart: reported(api.messagePart),
      smime: { ...security.sources, read: (raw, context) => security.sources.smime.readMessage(raw, context) },
    });
    const live = (late.live = createLiveStore({
      probe: () => api.folders({ background: true }),
      onMailbox: () => inBackground(() => messageList.getState().refresh()),
      onFolders: () => inBackground(() => folders.getState().load()),
      onRecovered: () => {
        inBackground(() => folders.getState().load());
        inBackground(() => messageList.getState().refresh());
        // A message that failed to load while the server was away is fetched again.
        const { folder, uid, status } = reader.getState();
        if (status === 'error' && folder !== null && uid !== null) void reader.getState().open(folder, uid);
      },
      onSessionEnded,
    }));
    return { session, folders, messageList, reader, compose: createComposeStore(), notice: createNoticeStore(), live, shortcutsHelp: createShortcutsHelpStore() };
  });
  return <MailStoresContext.Provider value={stores}>{children}</MailStoresContext.Provider>;
}

function useStores(): MailStores {
  const stores = useContext(MailStoresContext);
  if (!stores) throw new Error('MailStoresProvider is missing');
  return stores;
}

export function useSession<T>(selector: (s: SessionState) => T): T {
  return useStore(useStores().session, selector);
}

export function useFolders<T>(selector: (s: FoldersState) => T): T {
  return useStore(useStores().folders, selector);
}

export function useMessageList<T>(selector: (s: MessageListState) => T): T {
  return useStore(useStores().messageList, selector);
}

export function useReader<T>(selector: (s: ReaderState) => T): T {
  return useStore(useStores().reader, selector);
}

export function useCompose<T>(selector: (s: ComposeState) => T): T {
  return useStore(useStores().compose, selector);
}

export function useNotice<T>(selector: (s: NoticeState) => T): T {
  return useStore(useStores().notice, selector);
}

export function useLive<T>(selector: (s: LiveState) => T): T {
  return useStore(useStores().live, selector);
}

export function useShortcutsHelp<T>(selector: (s: ShortcutsHelpState) => T): T {
  return useStore(useStores().shortcutsHelp, selector);
}

/** The mail view's stores for imperative use in event handlers (keyboard shortcuts). */
export function useMailStores(): MailStores {
  return useStores();
}

/**
 * Actions on the selected messages (all of a multi-selection, else the focused one). Each
 * changes the server first and the lists after it agreed; a move (of the whole batch) can be
 * undone once, moved back by the UIDs the server reported.
 */
export function useMessageActions() {
  const stores = useStores();
  const { messageList, folders } = stores;
  const selected = () => {
    const { folder, actionUids } = messageList.getState();
    // A selected conversation row stands for all its messages.
    const uids = actionUids();
    return folder && uids.length ? { folder, uids } : null;
  };
  return {
    /** Moves a list of messages of `folder` (selection or drag), with one-step undo. */
    moveMessages: (folder: string, uids: number[], to: MoveTarget, label: string) => moveMessages(stores, folder, uids, to, label),
    /** Copies a list of messages of `folder` to the folder at path `to`; `label` is announced. */
    copyMessages: (folder: string, uids: number[], to: string, label: string) => copyMessages(stores, folder, uids, to, label),
    async move(to: MoveTarget, label: string): Promise<void> {
      const s = selected();
      if (!s) return;
      const result = await api.move(s.folder, s.uids, to);
      messageList.getState().removeMessages(s.uids);
      messageList.getState().setLastMove({ label, from: s.folder, destination: result.destination, uidMap: result.uidMap });
      void folders.getState().load();
    },
    async undo(): Promise<void> {
      const move = messageList.getState().lastMove;
      if (!move) return;
      messageList.getState().setLastMove(null);
      const uids = move.uidMap.map(([, moved]) => moved);
      if (uids.length === 0) throw new Error('The server did not report where the message went, so it cannot be moved back.');
      await api.move(move.destination, uids, { path: move.from });
      void folders.getState().load();
      if (messageList.getState().folder === move.from) await messageList.getState().refresh();
    },
    /** Flags the selection, or unflags it when the focused message is flagged. */
    async toggleFlag(): Promise<void> {
      const s = selected();
      if (!s) return;
      const list = messageList.getState();
      const focused = list.selectedUid !== null ? list.findMessage(list.selectedUid) : list.findMessage(s.uids[0]!);
      const flagged = !(focused?.flagged ?? false);
      await api.setFlags({ folder: s.folder, uids: s.uids, flagged });
      for (const uid of s.uids) messageList.getState().setFlagged(uid, flagged);
    },
    async markUnread(): Promise<void> {
      const s = selected();
      if (!s) return;
      const list = messageList.getState();
      // Rows not in the cache are marked too; only cached read rows count for the folder's number.
      const targets = s.uids.filter((uid) => list.findMessage(uid)?.seen !== false);
      if (targets.length === 0) return;
      await api.setFlags({ folder: s.folder, uids: targets, seen: false });
      for (const uid of targets) {
        const wasSeen = messageList.getState().findMessage(uid)?.seen;
        messageList.getState().setSeen(uid, false);
        if (wasSeen) folders.getState().adjustUnread(s.folder, 1);
      }
    },
  };
}

/** Opening a message: fetch and parse it, then mark it read on the server and in the lists. */
export function useOpenMessage(): (folder: string, uid: number) => Promise<void> {
  const { reader, messageList, folders } = useStores();
  // The stores live as long as the provider, so this function is stable across renders.
  return useCallback(async (folder: string, uid: number) => {
    // The list's size lets a small message skip the structure request.
    const summary = messageList.getState().findMessage(uid);
    const message = await reader.getState().open(folder, uid, { size: summary?.size });
    if (!message || !summary || summary.seen) return;
    try {
      await api.setFlags({ folder, uids: [uid], seen: true });
      messageList.getState().setSeen(uid, true);
      folders.getState().adjustUnread(folder, -1);
    } catch {
      // Reading still worked; the mark stays unread and the next open tries again.
    }
  }, [reader, messageList, folders]);
}
