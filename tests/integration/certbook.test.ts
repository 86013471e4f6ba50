import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { importedRecord, planImport } from '@/lib/certbook/import-plan';
import { decodeBook, encodeEntry } from '@/lib/certbook/certbook-entry';
import type { CertbookListing } from '@/lib/api/types';

import { stubAppEnv } from '../support/app-env';
import { withImapUser } from '../support/imap-user';
import { pkiManifest, stack } from '../support/stack';

// The certificate address book on the real Dovecot: one message per entry in the user's
// "Sealpost Certificates" folder. Uses the demo user erin (no other test writes her book).

type Mailbox = typeof import('@/server/certbook/certbook-mailbox');
type Sessions = typeof import('@/server/session/sessions');
type Session = import('@/server/session/session-store').Session;

const USER = 'erin';
const FOLDER = 'Sealpost Certificates';
const devstack = path.resolve(__dirname, '../../scripts/devstack.mjs');

let book: Mailbox;
let sessions: Sessions;
let limits: typeof import('@/server/certbook/certbook-limits');
let listFolders: typeof import('@/server/imap/folders').listFolders;
const opened: Session[] = [];
/** The session cookie the mocked next/headers hands to the route handlers. */
let cookie: string | undefined;

const signIn = () => {
  const session = sessions.sessionStore().create(USER, `${USER}@sealpost.test`, `${USER}-pass`, '127.0.0.1');
  opened.push(session);
  return session;
};

const fingerprint = () => crypto.randomBytes(32).toString('hex');

async function failure(p: Promise<unknown>): Promise<{ code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string };
  }
  throw new Error('expected a failure');
}

/** The book folder's messages as the IMAP server holds them. */
async function stored(): Promise<{ uid: number; subject: string }[]> {
  return withImapUser(USER, async (client) => {
    const lock = await client.getMailboxLock(FOLDER, { readOnly: true });
    try {
      if (!client.mailbox || client.mailbox.exists === 0) return [];
      return (await client.fetchAll('1:*', { uid: true, envelope: true })).map((m) => ({ uid: m.uid, subject: m.envelope?.subject ?? '' }));
    } finally {
      lock.release();
    }
  });
}

async function removeBook(): Promise<void> {
  await withImapUser(USER, (client) => client.mailboxDelete(FOLDER).catch(() => {}));
}

/** Puts `count` messages into the book folder directly (a full book, strays). */
async function appendRaw(messages: Buffer[]): Promise<void> {
  await withImapUser(USER, async (client) => {
    await client.mailboxCreate(FOLDER).catch(() => {});
    for (const m of messages) await client.append(FOLDER, m, ['\\Seen']);
  });
}

beforeAll(async () => {
  // The routes read their session from the request's cookies, which Next.js provides.
  vi.doMock('next/headers', () => ({
    cookies: async () => ({ get: (name: string) => (cookie && name === 'sealpost_session' ? { value: cookie } : undefined) }),
    headers: async () => new Headers(),
  }));
  stubAppEnv();
  book = await import('@/server/certbook/certbook-mailbox');
  sessions = await import('@/server/session/sessions');
  limits = await import('@/server/certbook/certbook-limits');
  ({ listFolders } = await import('@/server/imap/folders'));
});

beforeEach(removeBook);

afterAll(async () => {
  for (const s of opened) sessions.sessionStore().destroy(s.id);
  await removeBook();
  vi.doUnmock('next/headers');
  vi.unstubAllEnvs();
});

describe('the certificate address book in IMAP', () => {
  it('is empty before the first write, and the first write creates a hidden, unsubscribed folder', async () => {
    const session = signIn();
    expect(await book.listCertbook(session)).toEqual({ entries: [], skipped: 0 });
    const fp = fingerprint();
    expect(await book.putCertbookEntry(session, fp, '{"v":1,"x":"Ødegård"}')).toEqual({ replaced: 0 });
    expect(await book.listCertbook(session)).toEqual({ entries: [{ fingerprint: fp, entry: '{"v":1,"x":"Ødegård"}' }], skipped: 0 });
    expect(await stored()).toEqual([{ uid: expect.any(Number), subject: fp }]);
    expect((await listFolders(session)).map((f) => f.path)).not.toContain(FOLDER);
    const subscribed = await withImapUser(USER, async (client) => (await client.list()).map((m) => [m.path, m.subscribed === true]));
    expect(subscribed).toContainEqual([FOLDER, false]);
    expect(subscribed).toContainEqual(['INBOX', true]);
  });

  it('replaces the entry of the same fingerprint, keeping one copy', async () => {
    const session = signIn();
    const [a, b] = [fingerprint(), fingerprint()];
    await book.putCertbookEntry(session, a, 'a1');
    await book.putCertbookEntry(session, b, 'b1');
    expect(await book.putCertbookEntry(session, a, 'a2')).toEqual({ replaced: 1 });
    const listed = await book.listCertbook(session);
    expect(listed.entries.map((e) => [e.fingerprint, e.entry]).sort()).toEqual([[a, 'a2'], [b, 'b1']].sort());
    expect((await stored()).map((m) => m.subject).sort()).toEqual([a, b].sort());
  });

  it('deletes an entry; deleting it again, or from a book that does not exist, is no error', async () => {
    const session = signIn();
    expect(await book.deleteCertbookEntry(session, fingerprint())).toEqual({ deleted: 0 });
    const [a, b] = [fingerprint(), fingerprint()];
    await book.putCertbookEntry(session, a, 'a');
    await book.putCertbookEntry(session, b, 'b');
    expect(await book.deleteCertbookEntry(session, a)).toEqual({ deleted: 1 });
    expect(await book.deleteCertbookEntry(session, a)).toEqual({ deleted: 0 });
    expect((await book.listCertbook(session)).entries.map((e) => e.fingerprint)).toEqual([b]);
  });

  it('two sessions (two browsers) see the same book', async () => {
    const [first, second] = [signIn(), signIn()];
    const fp = fingerprint();
    await book.putCertbookEntry(first, fp, 'from the first browser');
    expect((await book.listCertbook(second)).entries).toEqual([{ fingerprint: fp, entry: 'from the first browser' }]);
    await book.deleteCertbookEntry(second, fp);
    expect((await book.listCertbook(first)).entries).toEqual([]);
  });

  it('lists the newest copy when two copies of an entry exist, and counts strays as skipped', async () => {
    const session = signIn();
    const fp = fingerprint();
    const { entryMessage } = await import('@/server/certbook/certbook-message');
    await appendRaw([
      entryMessage(fp, 'old'),
      entryMessage(fp, 'new'),
      Buffer.from('Subject: hello\r\n\r\nnot an entry\r\n'),
      Buffer.from(`Subject: ${fingerprint()}\r\n\r\nno marker\r\n`),
    ]);
    expect(await book.listCertbook(session)).toEqual({ entries: [{ fingerprint: fp, entry: 'new' }], skipped: 2 });
  });

  it('refuses an entry over 64 kB, and a new entry in a full book (a replacement still goes in)', async () => {
    const session = signIn();
    const big = 'x'.repeat(limits.MAX_CERTBOOK_ENTRY_BYTES + 1);
    expect((await failure(book.putCertbookEntry(session, fingerprint(), big))).code).toBe('certbook-entry-too-large');
    const { entryMessage } = await import('@/server/certbook/certbook-message');
    const fps = Array.from({ length: limits.MAX_CERTBOOK_ENTRIES }, fingerprint);
    await appendRaw(fps.map((fp) => entryMessage(fp, 'e')));
    expect((await failure(book.putCertbookEntry(session, fingerprint(), 'one too many'))).code).toBe('certbook-full');
    expect(await book.putCertbookEntry(session, fps[0]!, 'replaced')).toEqual({ replaced: 1 });
    const listed = await book.listCertbook(session);
    expect(listed.entries).toHaveLength(limits.MAX_CERTBOOK_ENTRIES);
    expect(listed.entries.find((e) => e.fingerprint === fps[0])?.entry).toBe('replaced');
  });

  it("stores an entry the browser made from bob's real certificate, and reads it back", async () => {
    const session = signIn();
    const der = new Uint8Array(fs.readFileSync(pkiManifest().users.bob!.certDer));
    const record = importedRecord((await planImport(der, [])).add[0]!);
    await book.putCertbookEntry(session, record.entry.fingerprint, encodeEntry(record.entry));
    const listed = await book.listCertbook(session);
    const decoded = await decodeBook(listed.entries, listed.skipped);
    expect(decoded.skipped).toBe(0);
    expect(decoded.records.map((r) => r.entry)).toEqual([record.entry]);
  });

  it('answers imap-unavailable while Dovecot is stopped, and works again once it is back', async () => {
    const session = signIn();
    await book.listCertbook(session);
    try {
      execFileSync(process.execPath, [devstack, 'stop', '--instance', stack.name, '--only', 'dovecot'], { stdio: 'pipe' });
      expect((await failure(book.listCertbook(session))).code).toBe('imap-unavailable');
      expect((await failure(book.putCertbookEntry(session, fingerprint(), 'e'))).code).toBe('imap-unavailable');
      expect((await failure(book.deleteCertbookEntry(session, fingerprint()))).code).toBe('imap-unavailable');
    } finally {
      execFileSync(process.execPath, [devstack, 'start', '--instance', stack.name, '--no-seed'], { stdio: 'pipe' });
    }
    expect(await book.listCertbook(session)).toEqual({ entries: [], skipped: 0 });
  });
});

describe('/api/certificates/book', () => {
  let route: typeof import('@/app/api/certificates/book/route');

  beforeAll(async () => {
    route = await import('@/app/api/certificates/book/route');
  });

  const url = 'http://localhost/api/certificates/book';
  const post = (body: unknown) => route.POST(new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it('refuses requests without a session (401)', async () => {
    cookie = undefined;
    expect((await route.GET()).status).toBe(401);
    expect((await post({ fingerprint: fingerprint(), entry: '{}' })).status).toBe(401);
    expect((await route.DELETE(new Request(`${url}?fingerprint=${fingerprint()}`, { method: 'DELETE' }))).status).toBe(401);
  });

  it('adds, lists and deletes for a signed-in user; refuses bad input with coded errors', async () => {
    cookie = signIn().id;
    const fp = fingerprint();
    expect((await post({ fingerprint: fp, entry: '{"v":1}' })).status).toBe(200);
    const listed = (await (await route.GET()).json()) as CertbookListing;
    expect(listed).toEqual({ entries: [{ fingerprint: fp, entry: '{"v":1}' }], skipped: 0 });

    const bad = await post({ fingerprint: 'ABC', entry: '{}' });
    expect([bad.status, await errorCode(bad)]).toEqual([400, 'bad-request']);
    expect((await post({ fingerprint: fp, entry: '{}', extra: 1 })).status).toBe(400);
    const large = await post({ fingerprint: fp, entry: 'é'.repeat(limits.MAX_CERTBOOK_ENTRY_BYTES / 2 + 1) });
    expect([large.status, await errorCode(large)]).toEqual([413, 'certbook-entry-too-large']);
    const huge = await post({ fingerprint: fp, entry: 'x'.repeat(7 * limits.MAX_CERTBOOK_ENTRY_BYTES) });
    expect([huge.status, await errorCode(huge)]).toEqual([413, 'certbook-entry-too-large']);

    expect((await route.DELETE(new Request(`${url}?fingerprint=nope`, { method: 'DELETE' }))).status).toBe(400);
    const deleted = await route.DELETE(new Request(`${url}?fingerprint=${fp}`, { method: 'DELETE' }));
    expect(await deleted.json()).toEqual({ deleted: 1 });
  });
});
