import crypto from 'node:crypto';

import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { stack } from '../support/stack';
import { stubAppEnv } from '../support/app-env';

// The message list engine against the real Dovecot: views built with SEARCH/SORT (ESEARCH,
// ESORT), windows by position, searches with UTF-8 literals, rebuilds after changes, the
// per-session bound, and the fallback for a server without SORT. User ivan, a fresh folder.

type MessagesModule = typeof import('@/server/imap/messages');
type ViewModule = typeof import('@/server/imap/list-view');
type SessionsModule = typeof import('@/server/session/sessions');
type Session = import('@/server/session/session-store').Session;

let messages: MessagesModule;
let views: ViewModule;
let sessions: SessionsModule;
let session: Session;
const folder = `List IT ${crypto.randomUUID().slice(0, 8)}`;
const other = `${folder} other`;

const imap = () =>
  new ImapFlow({ host: stack.host, port: stack.ports.imap, secure: false, doSTARTTLS: false, auth: { user: 'ivan', pass: 'ivan-pass' }, logger: false });

function raw(from: string, subject: string, date: string, body: string, mixed = false): Buffer {
  const head = [`From: ${from}`, 'To: ivan@sealpost.test', `Subject: ${subject}`, `Date: ${date}`, 'MIME-Version: 1.0'];
  const lines = mixed
    ? [...head, 'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain; charset=utf-8', '', body, '--b', 'Content-Type: text/csv; name="a.csv"', 'Content-Disposition: attachment; filename="a.csv"', '', 'a,b', '--b--', '']
    : [...head, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', body, ''];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

// Appended in this order: UIDs 1..5.
const MAIL = [
  { raw: raw('Carla <carla@x.example>', 'Gamma notes', 'Fri, 05 Jan 2024 10:00:00 +0000', 'a kiwi here', true), flags: ['\\Seen'] },
  { raw: raw('Anna <anna@x.example>', 'Beta report', 'Sun, 10 Mar 2024 10:00:00 +0000', 'short'), flags: ['\\Flagged'] },
  { raw: raw('Bruno <bruno@x.example>', '=?UTF-8?Q?Alpha_Gr=C3=B6=C3=9Fe?=', 'Mon, 20 May 2024 10:00:00 +0000', 'x'.repeat(5000)), flags: ['\\Seen'] },
  { raw: raw('Dora <dora@x.example>', 'Delta invoice', 'Tue, 21 May 2024 10:00:00 +0000', 'Grüße im Text'), flags: ['\\Seen'] },
  { raw: raw('Emil <emil@x.example>', 'Epsilon', 'Wed, 22 May 2024 10:00:00 +0000', 'last'), flags: [] as string[] },
];

beforeAll(async () => {
  stubAppEnv();
  messages = await import('@/server/imap/messages');
  views = await import('@/server/imap/list-view');
  sessions = await import('@/server/session/sessions');
  const client = imap();
  await client.connect();
  await client.mailboxCreate(folder);
  await client.mailboxCreate(other);
  for (const m of MAIL) await client.append(folder, m.raw, m.flags);
  await client.logout();
  session = sessions.sessionStore().create('ivan', 'ivan@sealpost.test', 'ivan-pass', '127.0.0.1');
});

afterAll(async () => {
  sessions.sessionStore().destroy(session.id);
  const client = imap();
  await client.connect();
  await client.mailboxDelete(folder).catch(() => {});
  await client.mailboxDelete(other).catch(() => {});
  await client.logout();
  vi.unstubAllEnvs();
});

const base = { sort: 'date' as const, descending: true, search: null };
const subjects = async (query: Parameters<MessagesModule['listMessages']>[4], offset = 0, limit = 50) =>
  (await messages.listMessages(session, folder, offset, limit, query)).messages.map((m) => m.subject.split(' ')[0]);

describe('message list views against Dovecot', () => {
  it('lists newest (last arrived) first, by position', async () => {
    const page = await messages.listMessages(session, folder, 0, 50, base);
    expect(page.total).toBe(5);
    expect(page.sortFallback).toBe(false);
    expect(page.messages.map((m) => m.subject.split(' ')[0])).toEqual(['Epsilon', 'Delta', 'Alpha', 'Beta', 'Gamma']);
    expect(await subjects(base, 2, 2)).toEqual(['Alpha', 'Beta']);
    expect(await subjects({ ...base, descending: false }, 0, 2)).toEqual(['Gamma', 'Beta']);
    expect(await subjects(base, 5, 10)).toEqual([]);
  });

  it('sorts by sender, subject and size with SORT', async () => {
    expect(await subjects({ ...base, sort: 'from', descending: false })).toEqual(['Beta', 'Alpha', 'Gamma', 'Delta', 'Epsilon']);
    expect(await subjects({ ...base, sort: 'subject', descending: false })).toEqual(['Alpha', 'Beta', 'Delta', 'Epsilon', 'Gamma']);
    expect((await subjects({ ...base, sort: 'size', descending: true }))[0]).toBe('Alpha');
  });

  it('searches with quoted and UTF-8 literal terms, flags, attachment and dates', async () => {
    const s = (search: object) => subjects({ ...base, search });
    expect(await s({ text: 'invoice' })).toEqual(['Delta']);
    expect(await s({ subject: 'Größe' })).toEqual(['Alpha']);
    expect(await s({ body: 'Grüße' })).toEqual(['Delta']);
    expect(await s({ text: 'kiwi' })).toEqual(['Gamma']);
    expect(await s({ unread: true })).toEqual(['Epsilon', 'Beta']);
    expect(await s({ flagged: true })).toEqual(['Beta']);
    expect(await s({ hasAttachment: true })).toEqual(['Gamma']);
    expect(await s({ since: '2024-03-01', until: '2024-05-20' })).toEqual(['Alpha', 'Beta']);
    expect(await s({ from: 'a "quoted" \\ term' })).toEqual([]);
    expect(await subjects({ ...base, sort: 'from', descending: false, search: { text: 'e' } })).toContain('Beta');
  });

  it('rebuilds the view after new mail and after an expunge, with a new version', async () => {
    const before = await messages.listMessages(session, folder, 0, 50, base);
    const client = imap();
    await client.connect();
    await client.append(folder, raw('Fritz <f@x.example>', 'Zeta new', 'Thu, 23 May 2024 10:00:00 +0000', 'new'), []);
    const after = await messages.listMessages(session, folder, 0, 50, base, { refresh: true });
    expect(after.total).toBe(before.total + 1);
    expect(after.version).not.toBe(before.version);
    expect(after.messages[0]?.subject).toBe('Zeta new');
    // Expunged behind the session's back: the window notices and the view is rebuilt.
    const lock = await client.getMailboxLock(folder);
    await client.messageDelete(String(after.messages[0]!.uid), { uid: true });
    lock.release();
    await client.logout();
    const again = await messages.listMessages(session, folder, 0, 50, base);
    expect(again.messages.map((m) => m.subject)).not.toContain('Zeta new');
    expect(again.total).toBe(before.total);
  });

  it('keeps at most MAX_VIEWS_PER_SESSION views, all of the open folder', async () => {
    await subjects({ ...base, sort: 'size', descending: false });
    await subjects({ ...base, sort: 'subject', descending: false });
    expect(views.sessionViews(session).length).toBeLessThanOrEqual(views.MAX_VIEWS_PER_SESSION);
    await messages.listMessages(session, other, 0, 50, base);
    expect(views.sessionViews(session).map((v) => v.folder)).toEqual([other]);
  });

  it('without SORT, sorts small views in memory, and date order needs no SORT', async () => {
    const caps = session.imap!.capabilities;
    const saved = new Map(caps);
    for (const c of ['SORT', 'ESORT', 'ESEARCH']) caps.delete(c);
    try {
      const bySender = await messages.listMessages(session, folder, 0, 50, { ...base, sort: 'from', descending: false });
      expect(bySender.sortFallback).toBe(false);
      expect(bySender.messages.map((m) => m.subject.split(' ')[0])).toEqual(['Beta', 'Alpha', 'Gamma', 'Delta', 'Epsilon']);
      expect(await subjects({ ...base, search: { subject: 'Größe' } })).toEqual(['Alpha']);
      expect(await subjects(base, 0, 2)).toEqual(['Epsilon', 'Delta']);
    } finally {
      for (const [k, v] of saved) caps.set(k, v);
    }
  });
});
