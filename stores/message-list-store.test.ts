import { describe, expect, it } from 'vitest';

import { ApiRequestError } from '@/lib/api/client';
import type { MessagePage, MessageSummary } from '@/lib/api/types';

import { PAGE_SIZE, createMessageListStore } from './message-list-store';

const row = (uid: number): MessageSummary => ({
  uid,
  from: { name: 'A', address: 'a@x' },
  to: [],
  subject: `m${uid}`,
  date: new Date(uid * 1000).toISOString(),
  size: 1,
  seen: false,
  flagged: false,
  hasAttachment: false,
});

/** A fake folder of `total` messages with uids 1..total, served newest first. */
function folderOf(total: number) {
  const calls: [string, number, number][] = [];
  const fetchPage = async (folder: string, offset: number, limit: number): Promise<MessagePage> => {
    calls.push([folder, offset, limit]);
    const uids = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => total - offset - i);
    return { folder, total, offset, messages: uids.map(row) };
  };
  return { fetchPage, calls };
}

describe('message list store', () => {
  it('opens a folder with its newest page, then loads older pages on demand', async () => {
    const { fetchPage, calls } = folderOf(250);
    const store = createMessageListStore({ fetchPage });
    await store.getState().open('INBOX');
    expect(store.getState()).toMatchObject({ folder: 'INBOX', total: 250, status: 'ready' });
    expect(store.getState().messages[0]?.uid).toBe(250);
    expect(store.getState().messages).toHaveLength(PAGE_SIZE);
    await store.getState().loadMore();
    await store.getState().loadMore();
    await store.getState().loadMore(); // nothing left: no request
    expect(store.getState().messages).toHaveLength(250);
    expect(store.getState().messages.at(-1)?.uid).toBe(1);
    expect(calls.map((c) => c[1])).toEqual([0, 100, 200]);
  });

  it('ignores a late answer for a folder the user has left', async () => {
    let release: (p: MessagePage) => void = () => {};
    const fetchPage = (folder: string) =>
      folder === 'Slow' ? new Promise<MessagePage>((r) => (release = r)) : folderOf(3).fetchPage(folder, 0, 100);
    const store = createMessageListStore({ fetchPage });
    const slow = store.getState().open('Slow');
    await store.getState().open('Sent');
    release({ folder: 'Slow', total: 1, offset: 0, messages: [row(99)] });
    await slow;
    expect(store.getState().folder).toBe('Sent');
    expect(store.getState().messages.map((m) => m.uid)).toEqual([3, 2, 1]);
  });

  it('shows the server message on failure and reports an ended session', async () => {
    let ended = false;
    const store = createMessageListStore({
      fetchPage: () => Promise.reject(new ApiRequestError('not-signed-in', 'Your session has ended. Please sign in again.', 401)),
      onSessionEnded: () => (ended = true),
    });
    await store.getState().open('INBOX');
    expect(store.getState()).toMatchObject({ status: 'error', error: 'Your session has ended. Please sign in again.' });
    expect(ended).toBe(true);
  });
});

describe('message list refresh (live updates)', () => {
  it('adds new mail at the top, keeps the selection and the older rows, and drops expunged ones', async () => {
    let uids = Array.from({ length: 150 }, (_, i) => 150 - i);
    const fetchPage = async (folder: string, offset: number, limit: number): Promise<MessagePage> => ({
      folder,
      total: uids.length,
      offset,
      messages: uids.slice(offset, offset + limit).map(row),
    });
    const store = createMessageListStore({ fetchPage });
    await store.getState().open('INBOX');
    await store.getState().loadMore();
    store.getState().select(20);
    uids = [152, 151, ...uids.filter((u) => u !== 149)];
    await store.getState().refresh();
    const shown = store.getState().messages.map((m) => m.uid);
    expect(shown.slice(0, 3)).toEqual([152, 151, 150]);
    expect(shown).not.toContain(149);
    expect(shown).toHaveLength(151);
    expect(store.getState()).toMatchObject({ total: 151, selectedUid: 20, status: 'ready' });
  });

  it('leaves the list as it was when the server cannot be reached', async () => {
    let down = false;
    const { fetchPage: base } = folderOf(3);
    const store = createMessageListStore({
      fetchPage: (f, o, l) => (down ? Promise.reject(new ApiRequestError('imap-unavailable', 'down', 503)) : base(f, o, l)),
    });
    await store.getState().open('INBOX');
    store.getState().select(2);
    down = true;
    await store.getState().refresh();
    expect(store.getState()).toMatchObject({ status: 'ready', selectedUid: 2, error: null });
    expect(store.getState().messages.map((m) => m.uid)).toEqual([3, 2, 1]);
  });
});
