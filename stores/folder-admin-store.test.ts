import { describe, expect, it } from 'vitest';

import { ApiRequestError } from '@/lib/api/client';
import type { Folder } from '@/lib/api/types';

import { createFoldersStore } from './folders-store';
import { createMessageListStore } from './message-list-store';
import { copyMessages, moveMessages } from './message-transfer';
import { createNoticeStore } from './notice-store';

const folder = (path: string): Folder => ({ path, name: path.split('/').pop()!, delimiter: '/', specialUse: null, selectable: true, unread: 0, total: 0, depth: 0 });

/** A fake server holding a list of folder paths, changed by the admin calls. */
function server(paths: string[]) {
  let current = [...paths];
  const fail = new Map<string, ApiRequestError>();
  return {
    fetchFolders: async () => ({ folders: current.map(folder) }),
    folderApi: {
      createFolder: async (parent: string | null, name: string) => {
        const path = parent ? `${parent}/${name}` : name;
        current.push(path);
        return { path };
      },
      renameFolder: async (path: string, name: string) => {
        const to = path.includes('/') ? `${path.slice(0, path.lastIndexOf('/'))}/${name}` : name;
        current = current.map((p) => (p === path || p.startsWith(`${path}/`) ? to + p.slice(path.length) : p));
        return { path: to };
      },
      deleteFolder: async (path: string) => {
        const err = fail.get(path);
        if (err) throw err;
        current = current.filter((p) => p !== path && !p.startsWith(`${path}/`));
        return { deleted: [path] };
      },
    },
    fail,
  };
}

describe('folders store: folder administration', () => {
  it('keeps the open folder open under its new path after a rename, also when it is a subfolder', async () => {
    const store = createFoldersStore(server(['INBOX', 'Projects', 'Projects/Öl']));
    await store.getState().load();
    store.getState().select('Projects/Öl');
    expect(await store.getState().renameFolder('Projects', 'Work')).toBe('Work');
    expect(store.getState().selectedPath).toBe('Work/Öl');
    expect(store.getState().folders.map((f) => f.path)).toEqual(['INBOX', 'Work', 'Work/Öl']);
  });

  it('opens the Inbox after the open folder (or its parent) was deleted, and keeps another selection', async () => {
    const store = createFoldersStore(server(['INBOX', 'A', 'A/b', 'C']));
    await store.getState().load();
    store.getState().select('C');
    await store.getState().deleteFolder('A', 0);
    expect(store.getState().selectedPath).toBe('C');
    const s2 = createFoldersStore(server(['INBOX', 'A', 'A/b']));
    await s2.getState().load();
    s2.getState().select('A/b');
    await s2.getState().deleteFolder('A', 3);
    expect(s2.getState().selectedPath).toBe('INBOX');
    expect(s2.getState().folders.map((f) => f.path)).toEqual(['INBOX']);
  });

  it('reloads the tree when the server says the folder holds more than confirmed, and keeps everything', async () => {
    const srv = server(['INBOX', 'A']);
    srv.fail.set('A', new ApiRequestError('folder-not-empty', 'more', 409));
    let loads = 0;
    const store = createFoldersStore({ ...srv, fetchFolders: async () => (loads++, srv.fetchFolders()) });
    await store.getState().load();
    store.getState().select('A');
    await expect(store.getState().deleteFolder('A', 1)).rejects.toMatchObject({ code: 'folder-not-empty' });
    expect(loads).toBe(2);
    expect(store.getState().selectedPath).toBe('A');
  });

  it('creates a folder and shows it, keeping the selection', async () => {
    const store = createFoldersStore(server(['INBOX']));
    await store.getState().load();
    expect(await store.getState().createFolder('INBOX', 'Receipts')).toBe('INBOX/Receipts');
    expect(store.getState().folders.map((f) => f.path)).toEqual(['INBOX', 'INBOX/Receipts']);
    expect(store.getState().selectedPath).toBe('INBOX');
  });

  it('falls back to the Inbox when a reload no longer lists the open folder', async () => {
    const srv = server(['INBOX', 'Gone']);
    const store = createFoldersStore(srv);
    await store.getState().load();
    store.getState().select('Gone');
    await srv.folderApi.deleteFolder('Gone');
    await store.getState().load();
    expect(store.getState().selectedPath).toBe('INBOX');
  });
});

describe('message transfer', () => {
  const row = (uid: number) => ({ uid, from: null, to: [], subject: `m${uid}`, date: new Date(0).toISOString(), size: 1, seen: true, flagged: false, hasAttachment: false });

  async function stores() {
    const messageList = createMessageListStore({ fetchPage: async (folder) => ({ folder, total: 3, offset: 0, messages: [row(3), row(2), row(1)] }) });
    await messageList.getState().open('INBOX');
    const folders = createFoldersStore({ fetchFolders: async () => ({ folders: [folder('INBOX'), folder('P')] }) });
    return { messageList, folders, notice: createNoticeStore() };
  }

  it('moves a list of UIDs: rows leave the list and the move can be undone', async () => {
    const s = await stores();
    const calls: unknown[] = [];
    const transferApi = {
      move: async (...args: unknown[]) => (calls.push(args), { destination: 'P', uidMap: [[3, 10], [1, 11]] as [number, number][] }),
      copy: async () => ({ destination: 'P', uidMap: [] }),
    };
    await moveMessages(s, 'INBOX', [3, 1], { path: 'P' }, 'Moved to P.', transferApi);
    expect(calls).toEqual([['INBOX', [3, 1], { path: 'P' }]]);
    expect(s.messageList.getState().messages.map((m) => m.uid)).toEqual([2]);
    expect(s.messageList.getState().lastMove).toEqual({ label: 'Moved to P.', from: 'INBOX', destination: 'P', uidMap: [[3, 10], [1, 11]] });
  });

  it('copies: the rows stay, the outcome is announced, and a refusal changes nothing', async () => {
    const s = await stores();
    const ok = { move: async () => ({ destination: 'P', uidMap: [] }), copy: async () => ({ destination: 'P', uidMap: [] }) };
    await copyMessages(s, 'INBOX', [2], 'P', 'Copied to P.', ok);
    expect(s.messageList.getState().messages).toHaveLength(3);
    expect(s.notice.getState().notice).toEqual({ text: 'Copied to P.', kind: 'info' });
    const refusing = { ...ok, copy: () => Promise.reject(new ApiRequestError('folder-not-found', 'gone', 404)) };
    await expect(copyMessages(s, 'INBOX', [2], 'Q', 'Copied to Q.', refusing)).rejects.toMatchObject({ code: 'folder-not-found' });
    expect(s.messageList.getState().messages).toHaveLength(3);
  });
});
