import crypto from 'node:crypto';

import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { stack } from '../support/stack';
import { stubAppEnv } from '../support/app-env';

// saveDraft/deleteDraft against the real Dovecot: each save leaves exactly one copy in Drafts.
// Uses the compose area's mailbox-only user "mallory".

type DraftsModule = typeof import('@/server/imap/drafts');
type SessionsModule = typeof import('@/server/session/sessions');
type Session = import('@/server/session/session-store').Session;

let drafts: DraftsModule;
let sessions: SessionsModule;
let session: Session;

beforeAll(async () => {
  stubAppEnv();
  drafts = await import('@/server/imap/drafts');
  sessions = await import('@/server/session/sessions');
  session = sessions.sessionStore().create('mallory', 'mallory@sealpost.test', 'mallory-pass', '127.0.0.1');
});

afterAll(() => {
  sessions.sessionStore().destroy(session.id);
  vi.unstubAllEnvs();
});

const draft = (id: string, version: number) =>
  Buffer.from(`From: mallory@sealpost.test\r\nSubject: draft ${id}\r\nMessage-ID: <${id}.${version}@sealpost.test>\r\n\r\nversion ${version}\r\n`);

/** Every message in mallory's Drafts whose subject names this draft. */
async function copies(id: string): Promise<{ uid: number; source: string; flags: Set<string> }[]> {
  const client = new ImapFlow({ host: stack.host, port: stack.ports.imap, secure: false, auth: { user: 'mallory', pass: 'mallory-pass' }, logger: false });
  await client.connect();
  try {
    const lock = await client.getMailboxLock('Drafts', { readOnly: true });
    try {
      const uids = await client.search({ subject: `draft ${id}` }, { uid: true });
      if (!uids || uids.length === 0) return [];
      const out: { uid: number; source: string; flags: Set<string> }[] = [];
      for await (const m of client.fetch(uids, { source: true, flags: true }, { uid: true })) {
        out.push({ uid: m.uid, source: m.source?.toString('latin1') ?? '', flags: m.flags ?? new Set() });
      }
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

describe('drafts on the real stack', () => {
  it('keeps one copy: each save replaces the previous version, flagged \\Draft \\Seen', async () => {
    const id = crypto.randomUUID();
    const first = await drafts.saveDraft(session, draft(id, 1));
    expect(first.folder).toBe('Drafts');
    expect(first.uid).toBeGreaterThan(0);
    const second = await drafts.saveDraft(session, draft(id, 2), first.uid!);
    const third = await drafts.saveDraft(session, draft(id, 3), second.uid!);
    const left = await copies(id);
    expect(left.map((c) => c.uid)).toEqual([third.uid]);
    expect(left[0]!.source).toBe(draft(id, 3).toString('latin1'));
    expect([...left[0]!.flags].sort()).toEqual(['\\Draft', '\\Seen']);
  });

  it('deletes a draft, and deleting it again is no error', async () => {
    const id = crypto.randomUUID();
    const saved = await drafts.saveDraft(session, draft(id, 1));
    await drafts.deleteDraft(session, saved.uid!);
    await drafts.deleteDraft(session, saved.uid!);
    expect(await copies(id)).toHaveLength(0);
  });
});
