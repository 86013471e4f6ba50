import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { folderPaths, removeOwnFolders, testMessage, withImapUser } from '../support/imap-user';
import { stubAppEnv } from '../support/app-env';

// Creating, renaming and deleting folders through the session's IMAP connection against the
// real Dovecot, as frank (a mailbox-only test user). Dropped connections are simulated by
// letting a command go through and then closing the socket, as a NAT timeout would.

type Session = import('@/server/session/session-store').Session;
let sessions: typeof import('@/server/session/sessions');
let create: typeof import('@/server/imap/create-folder');
let rename: typeof import('@/server/imap/rename-folder');
let del: typeof import('@/server/imap/delete-folder');
let folders: typeof import('@/server/imap/folders');
const opened: Session[] = [];
const USER = 'frank';

beforeAll(async () => {
  stubAppEnv();
  sessions = await import('@/server/session/sessions');
  create = await import('@/server/imap/create-folder');
  rename = await import('@/server/imap/rename-folder');
  del = await import('@/server/imap/delete-folder');
  folders = await import('@/server/imap/folders');
});

beforeEach(() => removeOwnFolders(USER));

afterAll(async () => {
  for (const s of opened) sessions.sessionStore().destroy(s.id);
  await removeOwnFolders(USER);
  vi.unstubAllEnvs();
});

function signIn(): Session {
  const session = sessions.sessionStore().create(USER, `${USER}@sealpost.test`, `${USER}-pass`, '127.0.0.1');
  opened.push(session);
  return session;
}

async function code(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (e: { code?: string }) => e.code ?? 'no code',
  );
}

/** Makes the session's next `method` call do its work on the server, then lose the connection. */
async function dropAfter(session: Session, method: 'mailboxCreate' | 'mailboxRename' | 'mailboxDelete') {
  await folders.listFolders(session);
  const client = session.imap!;
  const real = client[method].bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    await real(...args);
    client.close();
    throw Object.assign(new Error('Connection not available'), { code: 'NoConnection' });
  };
}

describe('createFolder', () => {
  it('creates top-level folders and subfolders with Unicode names (modified UTF-7 on the wire)', async () => {
    const session = signIn();
    expect(await create.createFolder(session, null, 'Öffentlich 山田')).toEqual({ path: 'Öffentlich 山田' });
    expect(await create.createFolder(session, 'Öffentlich 山田', 'Entwürfe')).toEqual({ path: 'Öffentlich 山田/Entwürfe' });
    expect(await folderPaths(USER)).toEqual(expect.arrayContaining(['Öffentlich 山田', 'Öffentlich 山田/Entwürfe']));
    const tree = await folders.listFolders(session);
    expect(tree.find((f) => f.path === 'Öffentlich 山田/Entwürfe')).toMatchObject({ name: 'Entwürfe', depth: 1, selectable: true });
  });

  it('refuses an existing name, the delimiter, "inbox", and names the server refuses', async () => {
    const session = signIn();
    await create.createFolder(session, null, 'Projects');
    expect(await code(create.createFolder(session, null, 'Projects'))).toBe('folder-exists');
    expect(await code(create.createFolder(session, null, 'inbox'))).toBe('folder-exists');
    expect(await code(create.createFolder(session, null, 'a/b'))).toBe('invalid-folder-name');
    expect(await code(create.createFolder(session, null, ' '))).toBe('invalid-folder-name');
    // Dovecot's Maildir++ layout refuses "." in names: NO [CANNOT].
    expect(await code(create.createFolder(session, null, 'a.b'))).toBe('invalid-folder-name');
    expect(await code(create.createFolder(session, 'Nowhere', 'x'))).toBe('folder-not-found');
  });

  it('succeeds once when the connection drops after CREATE went through', async () => {
    const session = signIn();
    await dropAfter(session, 'mailboxCreate');
    expect(await create.createFolder(session, null, 'Dropped')).toEqual({ path: 'Dropped' });
    expect((await folderPaths(USER)).filter((p) => p === 'Dropped')).toHaveLength(1);
  });
});

describe('renameFolder', () => {
  it('renames in place; subfolders and messages move along', async () => {
    const session = signIn();
    await create.createFolder(session, null, 'Old');
    await create.createFolder(session, 'Old', 'Child');
    await withImapUser(USER, (c) => c.append('Old/Child', testMessage('kept')));
    expect(await rename.renameFolder(session, 'Old', 'Neu Ü')).toEqual({ path: 'Neu Ü' });
    const paths = await folderPaths(USER);
    expect(paths).toEqual(expect.arrayContaining(['Neu Ü', 'Neu Ü/Child']));
    expect(paths).not.toContain('Old');
    expect(await withImapUser(USER, (c) => c.status('Neu Ü/Child', { messages: true }))).toMatchObject({ messages: 1 });
  });

  it('refuses INBOX, special-use folders, an existing name and the delimiter', async () => {
    const session = signIn();
    await create.createFolder(session, null, 'A');
    await create.createFolder(session, null, 'B');
    expect(await code(rename.renameFolder(session, 'INBOX', 'Post'))).toBe('folder-protected');
    expect(await code(rename.renameFolder(session, 'Trash', 'Bin'))).toBe('folder-protected');
    expect(await code(rename.renameFolder(session, 'A', 'B'))).toBe('folder-exists');
    expect(await code(rename.renameFolder(session, 'A', 'x/y'))).toBe('invalid-folder-name');
    expect(await code(rename.renameFolder(session, 'Gone', 'C'))).toBe('folder-not-found');
  });

  it('succeeds when the connection drops after RENAME went through', async () => {
    const session = signIn();
    await create.createFolder(session, null, 'Before');
    await dropAfter(session, 'mailboxRename');
    expect(await rename.renameFolder(session, 'Before', 'After')).toEqual({ path: 'After' });
    const paths = await folderPaths(USER);
    expect(paths).toContain('After');
    expect(paths).not.toContain('Before');
  });
});

describe('deleteFolder', () => {
  it('deletes a folder with its subfolders when the user confirmed their messages', async () => {
    const session = signIn();
    await create.createFolder(session, null, 'Box');
    await create.createFolder(session, 'Box', 'Inner');
    await withImapUser(USER, async (c) => {
      await c.append('Box', testMessage('one'));
      await c.append('Box/Inner', testMessage('two'));
    });
    expect(await code(del.deleteFolder(session, 'Box', 1))).toBe('folder-not-empty');
    expect(await folderPaths(USER)).toContain('Box/Inner');
    expect(await del.deleteFolder(session, 'Box', 2)).toEqual({ deleted: ['Box/Inner', 'Box'] });
    const paths = await folderPaths(USER);
    expect(paths.filter((p) => p.startsWith('Box'))).toEqual([]);
  });

  it('refuses INBOX, special-use folders and folders that do not exist', async () => {
    const session = signIn();
    expect(await code(del.deleteFolder(session, 'INBOX', 1e6))).toBe('folder-protected');
    expect(await code(del.deleteFolder(session, 'Junk', 1e6))).toBe('folder-protected');
    expect(await code(del.deleteFolder(session, 'Gone', 0))).toBe('folder-not-found');
  });

  it('succeeds when the connection drops after a DELETE went through', async () => {
    const session = signIn();
    await create.createFolder(session, null, 'Drop');
    await create.createFolder(session, 'Drop', 'Sub');
    await dropAfter(session, 'mailboxDelete');
    expect((await del.deleteFolder(session, 'Drop', 0)).deleted).toEqual(['Drop/Sub', 'Drop']);
    expect((await folderPaths(USER)).filter((p) => p.startsWith('Drop'))).toEqual([]);
  });
});
