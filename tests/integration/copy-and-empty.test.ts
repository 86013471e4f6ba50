import crypto from 'node:crypto';

import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { removeOwnFolders, subjects, testMessage, withImapUser } from '../support/imap-user';
import { stubAppEnv } from '../support/app-env';

// Copying messages and emptying Trash/Junk through the session's IMAP connection against the
// real Dovecot, as grace (a mailbox-only test user).

type Session = import('@/server/session/session-store').Session;
let sessions: typeof import('@/server/session/sessions');
let copy: typeof import('@/server/imap/copy-messages');
let empty: typeof import('@/server/imap/empty-folder');
const opened: Session[] = [];
const USER = 'grace';

beforeAll(async () => {
  stubAppEnv();
  sessions = await import('@/server/session/sessions');
  copy = await import('@/server/imap/copy-messages');
  empty = await import('@/server/imap/empty-folder');
});

async function clear(folder: string) {
  await withImapUser(USER, async (c) => {
    const lock = await c.getMailboxLock(folder);
    try {
      if (c.mailbox && c.mailbox.exists > 0) await c.messageDelete('1:*');
    } finally {
      lock.release();
    }
  });
}

beforeEach(async () => {
  await removeOwnFolders(USER);
  for (const f of ['INBOX', 'Trash', 'Junk']) await clear(f);
});

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

/** Appends messages and answers their UIDs. */
async function put(folder: string, ...subjectList: string[]): Promise<number[]> {
  return withImapUser(USER, async (c) => {
    const uids: number[] = [];
    for (const s of subjectList) {
      const r = await c.append(folder, testMessage(s));
      if (!r || !r.uid) throw new Error('APPEND without APPENDUID');
      uids.push(r.uid);
    }
    return uids;
  });
}

describe('copyMessages', () => {
  it('copies to another folder, keeps the originals and reports the new UIDs', async () => {
    const session = signIn();
    await withImapUser(USER, (c) => c.mailboxCreate('Kopien Ü'));
    const [a, b] = await put('INBOX', 'first', 'second');
    const result = await copy.copyMessages(session, 'INBOX', [a!, b!], 'Kopien Ü');
    expect(result.destination).toBe('Kopien Ü');
    expect(result.uidMap.map(([from]) => from)).toEqual([a, b]);
    expect(await subjects(USER, 'INBOX')).toEqual(['first', 'second']);
    expect(await subjects(USER, 'Kopien Ü')).toEqual(['first', 'second']);
  });

  it('refuses a missing destination and the same folder', async () => {
    const session = signIn();
    const [a] = await put('INBOX', 'x');
    expect(await code(copy.copyMessages(session, 'INBOX', [a!], 'Nowhere'))).toBe('folder-not-found');
    expect(await code(copy.copyMessages(session, 'INBOX', [a!], 'INBOX'))).toBe('bad-request');
    expect(await code(copy.copyMessages(session, 'Nowhere', [a!], 'Trash'))).toBe('folder-not-found');
  });

  it('never copies twice when the connection drops after COPY was sent', async () => {
    const session = signIn();
    const [a] = await put('INBOX', 'once');
    await copy.copyMessages(session, 'INBOX', [a!], 'Archive');
    const client = session.imap!;
    const real = client.messageCopy.bind(client);
    client.messageCopy = (async (...args: Parameters<typeof real>) => {
      await real(...args);
      client.close();
      return false;
    }) as typeof client.messageCopy;
    expect(await code(copy.copyMessages(session, 'INBOX', [a!], 'Junk'))).toBe('imap-unavailable');
    expect(await subjects(USER, 'Junk')).toEqual(['once']);
    await clear('Archive');
  });
});

describe('folderSnapshot and emptyFolder', () => {
  it('deletes exactly the messages there at the snapshot, not mail that arrived since', async () => {
    const session = signIn();
    await put('Trash', 'old 1', 'old 2', 'old 3');
    const snap = await empty.folderSnapshot(session, 'Trash');
    expect(snap).toMatchObject({ folder: 'Trash', total: 3 });
    const late = `late ${crypto.randomUUID()}`;
    await put('Trash', late);
    expect(await empty.emptyFolder(session, snap)).toEqual({ deleted: 3 });
    expect(await subjects(USER, 'Trash')).toEqual([late]);
    // Doing it again removes nothing more.
    expect(await empty.emptyFolder(session, snap)).toEqual({ deleted: 0 });
    expect(await subjects(USER, 'Trash')).toEqual([late]);
  });

  it('empties Junk too, and refuses other folders and a changed UIDVALIDITY', async () => {
    const session = signIn();
    await put('Junk', 'spam');
    const snap = await empty.folderSnapshot(session, 'Junk');
    expect(await code(empty.emptyFolder(session, { ...snap, uidValidity: snap.uidValidity + 1 }))).toBe('folder-changed');
    expect(await empty.emptyFolder(session, snap)).toEqual({ deleted: 1 });
    const inbox = await empty.folderSnapshot(session, 'INBOX');
    expect(await code(empty.emptyFolder(session, inbox))).toBe('bad-request');
    expect(await code(empty.folderSnapshot(session, 'Nowhere'))).toBe('folder-not-found');
  });

  it('an empty folder stays as it is', async () => {
    const session = signIn();
    const snap = await empty.folderSnapshot(session, 'Trash');
    expect(snap.total).toBe(0);
    expect(await empty.emptyFolder(session, snap)).toEqual({ deleted: 0 });
  });
});
