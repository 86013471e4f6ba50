import { describe, expect, it } from 'vitest';

import type { MessageListQuery, MessageSummary, MessageWindow } from '@/lib/api/types';

import { createMessageListStore } from './message-list-store';

const row = (uid: number, thread?: number[]): MessageSummary => ({
  uid,
  from: null,
  to: [],
  subject: `m${uid}`,
  date: new Date(uid * 1000).toISOString(),
  size: 1,
  seen: false,
  flagged: false,
  hasAttachment: false,
  ...(thread ? { thread: { count: thread.length, unread: thread.length, uids: thread } } : {}),
});

// Threads, newest first: (9 5 2), (8), (7 3).
const THREADS = [[9, 5, 2], [8], [7, 3]];

function server() {
  const queries: MessageListQuery[] = [];
  const fetchWindow = async (folder: string, offset: number, _limit: number, query: MessageListQuery): Promise<MessageWindow> => {
    queries.push(query);
    const messages = query.threads ? THREADS.map((t) => row(t[0]!, t)) : [9, 8, 7, 5, 3, 2].map((u) => row(u));
    return { folder, total: messages.length, offset, version: 1, sortFallback: false, canThread: true, ...(query.threads ? { threading: 'on' as const } : {}), messages: messages.slice(offset) };
  };
  const fetchSummaries = async (_folder: string, uids: number[]) => ({ messages: uids.map((u) => row(u)) });
  let saved: boolean | null = null;
  const threadsPreference = { load: () => saved ?? false, save: (on: boolean) => void (saved = on) };
  return { queries, store: createMessageListStore({ fetchWindow, fetchSummaries, threadsPreference }), saved: () => saved };
}

describe('message list store: conversations', () => {
  it('asks for threads, remembers the choice, and keeps it for the next folder', async () => {
    const { store, queries, saved } = server();
    await store.getState().open('INBOX');
    await store.getState().setQuery({ threads: true });
    expect(queries.at(-1)?.threads).toBe(true);
    expect(store.getState()).toMatchObject({ total: 3, threading: 'on' });
    expect(saved()).toBe(true);
    await store.getState().open('Other');
    expect(queries.at(-1)).toMatchObject({ threads: true, search: null });
  });

  it('takes the remembered choice on the first open', async () => {
    const queries: MessageListQuery[] = [];
    const fetchWindow = async (folder: string, offset: number, _l: number, query: MessageListQuery): Promise<MessageWindow> => {
      queries.push(query);
      return { folder, total: 0, offset, version: 1, sortFallback: false, messages: [] };
    };
    const store = createMessageListStore({ fetchWindow, threadsPreference: { load: () => true, save: () => {} } });
    await store.getState().open('INBOX');
    expect(queries[0]?.threads).toBe(true);
  });

  it('expands a thread with its messages and collapses it again', async () => {
    const { store } = server();
    await store.getState().open('INBOX');
    await store.getState().setQuery({ threads: true });
    await store.getState().toggleThread(9);
    expect(store.getState().expanded.get(9)?.map((m) => m.uid)).toEqual([9, 5, 2]);
    // A single message has nothing to expand.
    await store.getState().toggleThread(8);
    expect(store.getState().expanded.has(8)).toBe(false);
    store.getState().focusChild(5);
    expect(store.getState()).toMatchObject({ focusedChild: 5, selectedUid: 5, focusIndex: 0 });
    expect(store.getState().findMessage(5)?.uid).toBe(5);
    await store.getState().toggleThread(9, false);
    expect(store.getState()).toMatchObject({ focusedChild: null, selectedUid: 9, focusIndex: 0 });
    expect(store.getState().expanded.size).toBe(0);
  });

  it('acts on all messages of a selected thread row, and on one child only', async () => {
    const { store } = server();
    await store.getState().open('INBOX');
    await store.getState().setQuery({ threads: true });
    store.getState().focusAt(0);
    store.getState().focusAt(2, { toggle: true });
    expect(store.getState().actionUids().sort()).toEqual([2, 3, 5, 7, 9]);
    await store.getState().toggleThread(9);
    store.getState().focusChild(2);
    expect(store.getState().actionUids()).toEqual([2]);
  });

  it('counts a read message out of its thread’s unread', async () => {
    const { store } = server();
    await store.getState().open('INBOX');
    await store.getState().setQuery({ threads: true });
    await store.getState().toggleThread(9);
    store.getState().setSeen(5, true);
    expect(store.getState().rows.get(0)?.thread?.unread).toBe(2);
    expect(store.getState().expanded.get(9)?.find((m) => m.uid === 5)?.seen).toBe(true);
  });

  it('removes a moved thread as one row', async () => {
    const { store } = server();
    await store.getState().open('INBOX');
    await store.getState().setQuery({ threads: true });
    store.getState().focusAt(0);
    store.getState().removeMessages([9, 5, 2]);
    expect(store.getState().total).toBe(2);
    expect(store.getState().rows.get(0)?.uid).toBe(8);
  });
});
