import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { withImapUser } from '../support/imap-user';
import { stack } from '../support/stack';

// The conversation view against the real Dovecot (THREAD=REFERENCES): replies linked by
// In-Reply-To/References form one thread, unrelated messages stay apart, threads come newest
// first, and a search narrows the threads. User heidi, a fresh folder.

type MessagesModule = typeof import('@/server/imap/messages');
type SessionsModule = typeof import('@/server/session/sessions');
type Session = import('@/server/session/session-store').Session;

let messages: MessagesModule;
let sessions: SessionsModule;
let session: Session;
const folder = `Threads IT ${crypto.randomUUID().slice(0, 8)}`;

function raw(id: string, subject: string, refs: string[] = [], seen = false): { raw: Buffer; flags: string[] } {
  const lines = [
    'From: Tess <tess@x.example>',
    'To: heidi@sealpost.test',
    `Subject: ${subject}`,
    'Date: Mon, 23 Nov 2026 10:00:00 +0000',
    `Message-ID: <${id}@x.example>`,
    ...(refs.length ? [`In-Reply-To: <${refs.at(-1)}@x.example>`, `References: ${refs.map((r) => `<${r}@x.example>`).join(' ')}`] : []),
    '',
    'body',
    '',
  ];
  return { raw: Buffer.from(lines.join('\r\n')), flags: seen ? ['\\Seen'] : [] };
}

// Appended in this order: UIDs 1..6. Thread A: 1, 3, 5 (5 answers 3); B: 2, 6; single: 4.
const MAIL = [
  raw('a1', 'Plan', [], true),
  raw('b1', 'Lunch'),
  raw('a2', 'Re: Plan', ['a1'], true),
  raw('s1', 'Unrelated note'),
  raw('a3', 'Re: Re: Plan', ['a1', 'a2']),
  raw('b2', 'Re: Lunch', ['b1'], true),
];

beforeAll(async () => {
  const env = JSON.parse(fs.readFileSync(path.join(stack.stateDir, 'app.env.json'), 'utf8')) as Record<string, string>;
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  messages = await import('@/server/imap/messages');
  sessions = await import('@/server/session/sessions');
  await withImapUser('heidi', async (client) => {
    await client.mailboxCreate(folder);
    for (const m of MAIL) await client.append(folder, m.raw, m.flags);
  });
  session = sessions.sessionStore().create('heidi', 'heidi@sealpost.test', 'heidi-pass', '127.0.0.1');
});

afterAll(async () => {
  sessions.sessionStore().destroy(session.id);
  await withImapUser('heidi', (client) => client.mailboxDelete(folder).catch(() => {}));
  vi.unstubAllEnvs();
});

const threads = { sort: 'date' as const, descending: true, search: null, threads: true };

describe('conversation view against Dovecot', () => {
  it('groups replies into threads ordered by their newest message', async () => {
    const page = await messages.listMessages(session, folder, 0, 50, threads, { refresh: true });
    expect(page.canThread).toBe(true);
    expect(page.threading).toBe('on');
    expect(page.total).toBe(3);
    expect(page.messages.map((m) => [m.uid, m.thread])).toEqual([
      [6, { count: 2, unread: 1, uids: [6, 2] }],
      [5, { count: 3, unread: 1, uids: [5, 3, 1] }],
      [4, { count: 1, unread: 1, uids: [4] }],
    ]);
    expect(page.messages[1]!.subject).toBe('Re: Re: Plan');
  });

  it('pages by thread and reverses for oldest first', async () => {
    const second = await messages.listMessages(session, folder, 1, 1, threads);
    expect(second.messages.map((m) => m.uid)).toEqual([5]);
    const asc = await messages.listMessages(session, folder, 0, 50, { ...threads, descending: false });
    expect(asc.messages.map((m) => m.uid)).toEqual([4, 5, 6]);
  });

  it('combines with a search: only matching messages, threaded', async () => {
    const page = await messages.listMessages(session, folder, 0, 50, { ...threads, search: { subject: 'Plan' } });
    expect(page.messages.map((m) => m.thread?.uids)).toEqual([[5, 3, 1]]);
  });

  it('leaves the flat view as it was', async () => {
    const page = await messages.listMessages(session, folder, 0, 50, { ...threads, threads: false });
    expect(page.total).toBe(6);
    expect(page.threading).toBeUndefined();
    expect(page.messages.every((m) => m.thread === undefined)).toBe(true);
  });

  it('reads a thread’s messages by UID, newest first', async () => {
    const { messages: rows } = await messages.messageSummaries(session, folder, [1, 3, 5]);
    expect(rows.map((m) => m.subject)).toEqual(['Re: Re: Plan', 'Re: Plan', 'Plan']);
  });

  it('without THREAD=REFERENCES, says so and lists messages', async () => {
    const caps = session.imap!.capabilities;
    const saved = new Map(caps);
    caps.delete('THREAD=REFERENCES');
    try {
      const page = await messages.listMessages(session, folder, 0, 50, threads, { refresh: true });
      expect(page.canThread).toBe(false);
      expect(page.threading).toBe('unsupported');
      expect(page.total).toBe(6);
      expect(page.messages.map((m) => m.uid)).toEqual([6, 5, 4, 3, 2, 1]);
    } finally {
      for (const [k, v] of saved) caps.set(k, v);
    }
  });

  it('falls back to the flat list, saying so, when the THREAD answer nests past what imapflow parses', async () => {
    // A chain in which every message has two replies: the next link and a leaf. RFC 5256 writes
    // each branch point as a nested list, so 120 links nest 120 deep (imapflow stops at 100).
    const deep = `Threads deep ${crypto.randomUUID().slice(0, 8)}`;
    const LINKS = 120;
    await withImapUser('heidi', async (client) => {
      await client.mailboxCreate(deep);
      const refs: string[] = [];
      for (let i = 0; i < LINKS; i++) {
        await client.append(deep, raw(`n${i}`, `Link ${i}`, [...refs]).raw);
        await client.append(deep, raw(`l${i}`, `Leaf ${i}`, [...refs, `n${i}`]).raw);
        refs.push(`n${i}`);
        if (refs.length > 20) refs.splice(0, refs.length - 20);
      }
    });
    try {
      const page = await messages.listMessages(session, deep, 0, 5, threads, { refresh: true });
      expect(page.threading).toBe('unreadable');
      expect(page.total).toBe(LINKS * 2);
      expect(page.messages.every((m) => m.thread === undefined)).toBe(true);
    } finally {
      await withImapUser('heidi', (client) => client.mailboxDelete(deep).catch(() => {}));
    }
  });
});

