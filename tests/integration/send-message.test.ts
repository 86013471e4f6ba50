import crypto from 'node:crypto';

import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { stack } from '../support/stack';
import { stubAppEnv } from '../support/app-env';

// sendMessage against the real stack, without Next: SMTP submission (AUTH checked by Dovecot,
// delivery to LMTP byte for byte), then APPEND to the sender's \Sent folder over the session's
// IMAP connection. The server modules read their configuration from process.env once, so the
// instance's app.env.json is put there before they are first imported.

type SendModule = typeof import('@/server/mail/send-message');
type SessionsModule = typeof import('@/server/session/sessions');
type SmtpModule = typeof import('@/server/smtp/smtp-client');
type Session = import('@/server/session/session-store').Session;

let send: SendModule;
let sessions: SessionsModule;
let smtp: SmtpModule;
const opened: Session[] = [];

beforeAll(async () => {
  stubAppEnv();
  send = await import('@/server/mail/send-message');
  sessions = await import('@/server/session/sessions');
  smtp = await import('@/server/smtp/smtp-client');
});

afterAll(() => {
  for (const s of opened) sessions.sessionStore().destroy(s.id);
  vi.unstubAllEnvs();
});

function signIn(username: string, password: string): Session {
  const session = sessions.sessionStore().create(username, `${username}@sealpost.test`, password, '127.0.0.1');
  opened.push(session);
  return session;
}

/** A message that needs dot-stuffing and 8-bit transport, as an S/MIME one might. */
function message(id: string, to: string): Buffer {
  const lines = [
    'From: Alice Liddell <alice@sealpost.test>',
    `To: ${to}`,
    `Subject: sendMessage ${id}`,
    `Message-ID: <${id}@sealpost.test>`,
    'Date: Mon, 23 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße aus Ødegård — 山田太郎 ✉',
    '.a line that starts with a dot',
    '.',
    '..',
    'trailing spaces stay   ',
    'x'.repeat(990),
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** Every message with this Message-ID in a user's folder: raw bytes and flags. */
async function findById(user: string, folder: string, id: string): Promise<{ uid: number; source: Buffer; flags: Set<string> }[]> {
  const client = new ImapFlow({
    host: stack.host,
    port: stack.ports.imap,
    secure: false,
    auth: { user, pass: `${user}-pass` },
    logger: false,
  });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder, { readOnly: true });
    try {
      const uids = await client.search({ header: { 'message-id': `<${id}@sealpost.test>` } }, { uid: true });
      if (!uids || uids.length === 0) return [];
      const found: { uid: number; source: Buffer; flags: Set<string> }[] = [];
      for await (const msg of client.fetch(uids, { source: true, flags: true }, { uid: true })) {
        if (msg.source) found.push({ uid: msg.uid, source: msg.source, flags: msg.flags ?? new Set() });
      }
      return found;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

/** The sender's \Sent folder path, as the app finds it. */
async function sentPath(user: string): Promise<string> {
  const client = new ImapFlow({ host: stack.host, port: stack.ports.imap, secure: false, auth: { user, pass: `${user}-pass` }, logger: false });
  await client.connect();
  try {
    const sent = (await client.list()).find((f) => f.specialUse === '\\Sent');
    if (!sent) throw new Error(`${user} has no \\Sent folder`);
    return sent.path;
  } finally {
    await client.logout();
  }
}

async function failure(promise: Promise<unknown>) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error & { code: string };
}

describe('sendMessage through the real stack', () => {
  it('delivers the exact bytes and stores the same bytes in Sent, seen', async () => {
    const id = crypto.randomUUID();
    const raw = message(id, 'Bob <bob@sealpost.test>');
    const result = await send.sendMessage(signIn('alice', 'alice-pass'), { raw, envelope: { to: ['bob@sealpost.test'] } });
    const folder = await sentPath('alice');
    expect(result).toMatchObject({ sent: true, savedToSent: true, sentFolder: folder });

    const [delivered, ...moreDelivered] = await findById('bob', 'INBOX', id);
    expect(moreDelivered).toHaveLength(0);
    // Dovecot adds only its Return-Path trace line in front.
    expect(delivered!.source.subarray(0, delivered!.source.length - raw.length).toString('latin1')).toBe(
      'Return-Path: <alice@sealpost.test>\r\n',
    );
    expect(delivered!.source.subarray(delivered!.source.length - raw.length).equals(raw)).toBe(true);

    const [saved, ...moreSaved] = await findById('alice', folder, id);
    expect(moreSaved).toHaveLength(0);
    expect(saved!.source.equals(raw)).toBe(true);
    expect(saved!.flags.has('\\Seen')).toBe(true);
    expect(result.uid).toBe(saved!.uid);
  });

  it("refuses a recipient outside the server's domain with its own text, and sends and saves nothing", async () => {
    const id = crypto.randomUUID();
    const raw = message(id, 'bob@sealpost.test, someone@example.com');
    const err = await failure(
      send.sendMessage(signIn('alice', 'alice-pass'), { raw, envelope: { to: ['bob@sealpost.test', 'someone@example.com'] } }),
    );
    expect(err).toBeInstanceOf(smtp.SmtpRejectedError);
    const rejected = err as InstanceType<SmtpModule['SmtpRejectedError']>;
    expect(rejected.code).toBe('smtp-rejected');
    expect(rejected.rejected.map((r) => r.recipient)).toEqual(['someone@example.com']);
    expect(rejected.userMessage).toMatch(/^The outgoing mail server refused the recipient someone@example\.com \(550 /);
    expect(rejected.toApiError().error.message).toContain('Relaying to <someone@example.com> denied');
    expect(await findById('bob', 'INBOX', id)).toHaveLength(0);
    expect(await findById('alice', await sentPath('alice'), id)).toHaveLength(0);
  });

  it('refuses a message with a bare LF before sending anything', async () => {
    const id = crypto.randomUUID();
    const raw = Buffer.from(message(id, 'bob@sealpost.test').toString('utf8').replace('\r\n.a line', '\n.a line'), 'utf8');
    const err = await failure(send.sendMessage(signIn('alice', 'alice-pass'), { raw, envelope: { to: ['bob@sealpost.test'] } }));
    expect(err.code).toBe('message-bad-line-ends');
    expect(await findById('bob', 'INBOX', id)).toHaveLength(0);
    expect(await findById('alice', await sentPath('alice'), id)).toHaveLength(0);
  });

  it('reports a password the SMTP server refuses as smtp-auth-failed', async () => {
    const err = await failure(
      send.sendMessage(signIn('alice', 'not-her-password'), {
        raw: message(crypto.randomUUID(), 'bob@sealpost.test'),
        envelope: { to: ['bob@sealpost.test'] },
      }),
    );
    expect(err.code).toBe('smtp-auth-failed');
    expect(err.message).not.toContain('not-her-password');
  });

  it("refuses a sender address that is not the user's own (553)", async () => {
    const err = await failure(
      send.sendMessage(signIn('alice', 'alice-pass'), {
        raw: message(crypto.randomUUID(), 'bob@sealpost.test'),
        envelope: { from: 'bob@sealpost.test', to: ['bob@sealpost.test'] },
      }),
    );
    expect(err).toBeInstanceOf(smtp.SmtpRejectedError);
    expect((err as InstanceType<SmtpModule['SmtpRejectedError']>).userMessage).toContain('553 5.7.1 Sender address <bob@sealpost.test>');
  });
});
