import { describe, expect, it } from 'vitest';

import { ApiRequestError } from '@/lib/api/client';
import type { Folder } from '@/lib/api/types';

import { createFoldersStore } from './folders-store';
import { createSessionStore } from './session-store';

const folder = (path: string, selectable = true): Folder => ({
  path,
  name: path,
  delimiter: '/',
  specialUse: null,
  selectable,
  unread: 0,
  total: 0,
  depth: 0,
});

describe('folders store', () => {
  it('starts on the Inbox, loads the tree and opens selectable folders only', async () => {
    const store = createFoldersStore({ fetchFolders: async () => ({ folders: [folder('INBOX'), folder('Lists', false), folder('Sent')] }) });
    expect(store.getState().selectedPath).toBe('INBOX');
    await store.getState().load();
    expect(store.getState().status).toBe('ready');
    store.getState().select('Lists');
    expect(store.getState().selectedPath).toBe('INBOX');
    store.getState().select('Sent');
    expect(store.getState().selectedPath).toBe('Sent');
  });

  it('shows why the folders failed to load', async () => {
    const store = createFoldersStore({
      fetchFolders: () => Promise.reject(new ApiRequestError('imap-unavailable', 'The mail server cannot be reached. Try again later.', 503)),
    });
    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: 'error', error: 'The mail server cannot be reached. Try again later.' });
  });

  it('stores are independent per instance', async () => {
    const a = createFoldersStore({ fetchFolders: async () => ({ folders: [folder('INBOX'), folder('Sent')] }) });
    const b = createFoldersStore({ fetchFolders: async () => ({ folders: [] }) });
    await a.getState().load();
    a.getState().select('Sent');
    expect(b.getState().selectedPath).toBe('INBOX');
  });
});

describe('session store', () => {
  it('signs out once, and ends even when the server does not answer', async () => {
    let calls = 0;
    const store = createSessionStore('alice@sealpost.test', async () => {
      calls++;
      throw new Error('offline');
    });
    await Promise.all([store.getState().signOut(), store.getState().signOut()]);
    expect(calls).toBe(1);
    expect(store.getState().status).toBe('ended');
  });
});
