import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';

import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { stack } from '../support/stack';
import { stubAppEnv } from '../support/app-env';

// Address completion end to end on the server side: recent correspondents read from sybil's
// Sent and Inbox over her session's IMAP connection, merged with the real slapd's people.
// sybil and trent are mailbox-only test users (not in the directory). The server modules read
// their configuration from process.env once, so app.env.json is put there before importing.

type Suggest = typeof import('@/server/contacts/suggest-contacts');
type Recent = typeof import('@/server/contacts/recent-correspondents');
type Send = typeof import('@/server/mail/send-message');
type Sessions = typeof import('@/server/session/sessions');
type Session = import('@/server/session/session-store').Session;

let suggest: Suggest;
let recent: Recent;
let send: Send;
let sessions: Sessions;
const opened: Session[] = [];
const devstack = path.resolve(__dirname, '../../scripts/devstack.mjs');
const factory = () => import('../../scripts/stack/mail-factory.mjs');

beforeAll(async () => {
  stubAppEnv();
  suggest = await import('@/server/contacts/suggest-contacts');
  recent = await import('@/server/contacts/recent-correspondents');
  send = await import('@/server/mail/send-message');
  sessions = await import('@/server/session/sessions');
});

afterAll(() => {
  for (const s of opened) sessions.sessionStore().destroy(s.id);
  vi.unstubAllEnvs();
});

function signIn(user: string): Session {
  const session = sessions.sessionStore().create(user, `${user}@sealpost.test`, `${user}-pass`, '127.0.0.1');
  opened.push(session);
  return session;
}

async function append(user: string, folder: string, raw: Buffer): Promise<void> {
  const client = new ImapFlow({ host: stack.host, port: stack.ports.imap, secure: false, auth: { user, pass: `${user}-pass` }, logger: false });
  await client.connect();
  try {
    const sent = folder === 'Sent' ? (await client.list()).find((f) => f.specialUse === '\\Sent')?.path : folder;
    if (!(await client.append(sent ?? folder, raw, ['\\Seen']))) throw new Error(`APPEND to ${user}/${folder} failed`);
  } finally {
    await client.logout();
  }
}

const id = () => crypto.randomUUID().slice(0, 8);

describe('recent correspondents', () => {
  it('come from the To/Cc of Sent and the From of the Inbox, newest first, without the user', async () => {
    const { buildMessage } = await factory();
    const [r1, r2, s1] = [`rcpt-${id()}`, `copy-${id()}`, `sender-${id()}`];
    await append('sybil', 'Sent', buildMessage({
      from: 'sybil@sealpost.test', to: [{ name: 'Rita Recipient', address: `${r1}@example.org` }], cc: [`${r2}@example.org`],
      subject: 'to the recipient', text: 'hi', date: new Date(Date.now() - 60_000),
    }));
    await append('sybil', 'INBOX', buildMessage({
      from: { name: 'Søren Sender', address: `${s1}@example.org` }, to: ['sybil@sealpost.test'], subject: 'from the sender', text: 'hi',
    }));
    const list = await recent.recentCorrespondents(signIn('sybil'));
    // Earlier runs left mail in sybil's folders: look at this run's three only.
    const mine = list.filter((c) => [r1, r2, s1].some((local) => c.address.startsWith(`${local}@`)));
    expect(mine).toEqual([
      { name: 'Søren Sender', address: `${s1}@example.org` },
      { name: 'Rita Recipient', address: `${r1}@example.org` },
      { name: '', address: `${r2}@example.org` },
    ]);
    expect(list.map((c) => c.address)).not.toContain('sybil@sealpost.test');
    expect(list.length).toBeLessThanOrEqual(recent.MAX_RECENT_CORRESPONDENTS);
  });

  it('are kept per session and read again after a send', async () => {
    const session = signIn('sybil');
    const before = await recent.recentCorrespondents(session);
    const { buildMessage } = await factory();
    const subject = `completion ${id()}`;
    // Put there behind the cache's back: not seen until the cache is dropped.
    const hidden = `hidden-${id()}@example.org`;
    await append('sybil', 'Sent', buildMessage({ from: 'sybil@sealpost.test', to: [hidden], subject: 'behind the back', text: 'x' }));
    expect(await recent.recentCorrespondents(session)).toEqual(before);

    // The header names one more (unique) recipient than the envelope, whom SMTP would refuse.
    const copied = `copied-${id()}@example.org`;
    const raw = buildMessage({ from: 'sybil@sealpost.test', to: [{ name: 'Trent Test', address: 'trent@sealpost.test' }], cc: [copied], subject, text: 'hello' });
    const outcome = await send.sendMessage(session, { raw, envelope: { to: ['trent@sealpost.test'] } });
    expect(outcome.savedToSent).toBe(true);
    const after = (await recent.recentCorrespondents(session)).map((c) => c.address);
    expect(before.map((c) => c.address)).not.toContain(copied);
    expect(after).toContain(copied);
    expect(after).toContain('trent@sealpost.test');
    expect(after).toContain(hidden);
  });
});

describe('suggestContacts', () => {
  it('offers recent correspondents first, then directory people', async () => {
    const session = signIn('sybil');
    const raw = (await factory()).buildMessage({ from: 'sybil@sealpost.test', to: [{ name: 'Caroline Recent', address: 'caroline.recent@example.org' }], subject: 'c', text: 'c' });
    await append('sybil', 'Sent', raw);
    const answer = await suggest.suggestContacts(session, 'car');
    expect(answer.directoryAvailable).toBe(true);
    expect(answer.suggestions[0]).toEqual({ name: 'Caroline Recent', address: 'caroline.recent@example.org', source: 'recent' });
    expect(answer.suggestions).toContainEqual({ name: 'Carol Müller', address: 'carol@sealpost.test', source: 'directory' });
  });

  it('refuses a query one over the limit', async () => {
    const session = signIn('sybil');
    await expect(suggest.suggestContacts(session, 'x'.repeat(suggest.MAX_CONTACT_QUERY_CHARS + 1))).rejects.toMatchObject({ code: 'bad-request' });
    await expect(suggest.suggestContacts(session, 'x'.repeat(suggest.MAX_CONTACT_QUERY_CHARS))).resolves.toMatchObject({ suggestions: [] });
  });

  it('still offers recent correspondents while the directory is down', async () => {
    const session = signIn('sybil');
    await recent.recentCorrespondents(session);
    execFileSync(process.execPath, [devstack, 'stop', '--instance', stack.name, '--only', 'ldap'], { stdio: 'pipe' });
    try {
      const answer = await suggest.suggestContacts(session, 'tre');
      expect(answer.directoryAvailable).toBe(false);
      expect(answer.suggestions).toContainEqual(expect.objectContaining({ address: 'trent@sealpost.test', source: 'recent' }));
      expect((await suggest.suggestContacts(session, 'car')).suggestions.some((s) => s.source === 'directory')).toBe(false);
    } finally {
      execFileSync(process.execPath, [devstack, 'start', '--instance', stack.name, '--no-seed'], { stdio: 'pipe' });
    }
    expect((await suggest.suggestContacts(session, 'car')).directoryAvailable).toBe(true);
  });
});
