import crypto from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { removeOwnFolders, testMessage, withImapUser } from '../support/imap-user';
import { stubAppEnv } from '../support/app-env';

// Flag changes for a batch of messages in one STORE per flag, against the real Dovecot, as walter
// (a mailbox-only test user), in a folder of this test's own.

type Session = import('@/server/session/session-store').Session;
let sessions: typeof import('@/server/session/sessions');
let flags: typeof import('@/server/imap/message-source');
let session: Session;
const USER = 'walter';
const FOLDER = `Flags ${crypto.randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  stubAppEnv();
  sessions = await import('@/server/session/sessions');
  flags = await import('@/server/imap/message-source');
  session = sessions.sessionStore().create(USER, `${USER}@sealpost.test`, `${USER}-pass`, '127.0.0.1');
  await removeOwnFolders(USER);
  await withImapUser(USER, async (c) => {
    await c.mailboxCreate(FOLDER);
    for (let i = 0; i < 4; i++) await c.append(FOLDER, testMessage(`flag ${i}`), []);
  });
});

afterAll(async () => {
  sessions.sessionStore().destroy(session.id);
  await removeOwnFolders(USER);
  vi.unstubAllEnvs();
});

async function flagsByUid(): Promise<Map<number, string[]>> {
  return withImapUser(USER, async (c) => {
    const lock = await c.getMailboxLock(FOLDER, { readOnly: true });
    try {
      const out = new Map<number, string[]>();
      for await (const m of c.fetch('1:*', { uid: true, flags: true })) out.set(m.uid, [...(m.flags ?? [])].sort());
      return out;
    } finally {
      lock.release();
    }
  });
}

describe('updateFlags', () => {
  it('flags and marks read exactly the named messages, and clears again', async () => {
    const uids = [...(await flagsByUid()).keys()];
    const [a, b, c, d] = uids as [number, number, number, number];
    await flags.updateFlags(session, FOLDER, [a, c], { flagged: true, seen: true });
    let now = await flagsByUid();
    expect(now.get(a)).toEqual(['\\Flagged', '\\Seen']);
    expect(now.get(c)).toEqual(['\\Flagged', '\\Seen']);
    expect(now.get(b)).toEqual([]);
    expect(now.get(d)).toEqual([]);

    await flags.updateFlags(session, FOLDER, [a, b, c], { seen: false });
    now = await flagsByUid();
    expect(now.get(a)).toEqual(['\\Flagged']);
    expect(now.get(b)).toEqual([]);
  });

  it('refuses an empty or over-long batch before talking to the server', async () => {
    await expect(flags.updateFlags(session, FOLDER, [], { seen: true })).rejects.toMatchObject({ code: 'bad-request' });
    const tooMany = Array.from({ length: flags.MAX_FLAG_UIDS + 1 }, (_, i) => i + 1);
    await expect(flags.updateFlags(session, FOLDER, tooMany, { seen: true })).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('names a missing folder', async () => {
    await expect(flags.updateFlags(session, `${FOLDER} gone`, [1], { seen: true })).rejects.toMatchObject({ code: 'folder-not-found' });
  });
});
