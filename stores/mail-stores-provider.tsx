'use client';

import { type ReactNode, createContext, useContext, useState } from 'react';
import { useStore } from 'zustand';

import { type FoldersState, type FoldersStore, createFoldersStore } from './folders-store';
import { type MessageListState, type MessageListStore, createMessageListStore } from './message-list-store';

// Stores are created per provider instance, never as module singletons, so two views (or two
// tests) never share state.
interface MailStores {
  folders: FoldersStore;
  messageList: MessageListStore;
}

const MailStoresContext = createContext<MailStores | null>(null);

export function MailStoresProvider({ children }: { children: ReactNode }) {
  const [stores] = useState<MailStores>(() => ({ folders: createFoldersStore(), messageList: createMessageListStore() }));
  return <MailStoresContext.Provider value={stores}>{children}</MailStoresContext.Provider>;
}

function useStores(): MailStores {
  const stores = useContext(MailStoresContext);
  if (!stores) throw new Error('MailStoresProvider is missing');
  return stores;
}

export function useFolders<T>(selector: (s: FoldersState) => T): T {
  return useStore(useStores().folders, selector);
}

export function useMessageList<T>(selector: (s: MessageListState) => T): T {
  return useStore(useStores().messageList, selector);
}
