import crypto from 'node:crypto';

import { ImapFlow } from 'imapflow';
import { afterAll, describe, expect, it } from 'vitest';

import { SmtpTestClient } from '../support/smtp-client';
import { stack } from '../support/stack';

// The SMTP server must hand Dovecot exactly the submitted bytes: a signature over them must
// still verify after delivery. Dovecot only prepends its Return-Path trace header.

function trickyMessage(id: string): Buffer {
  const attachment = crypto.randomBytes(3000).toString('base64').replace(/.{76}/g, '$&\r\n');
  const lines = [
    'From: Alice Liddell <alice@sealpost.test>',
    'To: Bob =?UTF-8?Q?=C3=98deg=C3=A5rd?= <bob@sealpost.test>',
    `Subject: byte-exact ${id}`,
    `Message-ID: <${id}@sealpost.test>`,
    'Date: Mon, 23 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße aus Ødegård — 山田太郎 ✉',
    '.a line that starts with a dot',
    '..two dots',
    '.',
    'trailing spaces stay   ',
    'x'.repeat(990),
    '\ttab-indented line',
    '--b1',
    'Content-Type: application/octet-stream; name="random.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    attachment,
    '--b1--',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** Every copy of the message with this Message-ID in the user's INBOX, as raw bytes. */
async function fetchByMessageId(user: string, pass: string, id: string): Promise<Buffer[]> {
  const client = new ImapFlow({ host: stack.host, port: stack.ports.imap, secure: false, auth: { user, pass }, logger: false });
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const uids = await client.search({ header: { 'message-id': `<${id}@sealpost.test>` } }, { uid: true });
      if (!uids || uids.length === 0) return [];
      const found: Buffer[] = [];
      for await (const msg of client.fetch(uids, { source: true }, { uid: true })) {
        if (msg.source) found.push(msg.source);
      }
      return found;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

function simpleMessage(id: string, to: string): Buffer {
  return Buffer.from(
    `From: alice@sealpost.test\r\nTo: ${to}\r\nSubject: ${id}\r\nMessage-ID: <${id}@sealpost.test>\r\n\r\nHello.\r\n`,
  );
}

describe('SMTP submission delivers into Dovecot byte for byte', () => {
  const clients: SmtpTestClient[] = [];
  const connect = async () => {
    const c = await SmtpTestClient.connect(stack.ports.smtp);
    clients.push(c);
    return c;
  };
  afterAll(() => clients.forEach((c) => c.close()));

  it('delivers the exact submitted bytes after the trace header', async () => {
    const id = crypto.randomUUID();
    const message = trickyMessage(id);
    const smtp = await connect();
    expect((await smtp.auth('alice', 'alice-pass')).code).toBe(235);
    expect((await smtp.send('MAIL FROM:<alice@sealpost.test>')).code).toBe(250);
    expect((await smtp.send('RCPT TO:<bob@sealpost.test>')).code).toBe(250);
    expect((await smtp.data(message)).code).toBe(250);

    const [delivered] = await fetchByMessageId('bob', 'bob-pass', id);
    expect(delivered).toBeDefined();
    // Dovecot's only addition is its trace header; lmtp_hdr_delivery_address = none and
    // lmtp_add_received_header = no keep Delivered-To and Received out.
    const trace = delivered!.subarray(0, delivered!.length - message.length).toString('latin1');
    expect(trace).toBe('Return-Path: <alice@sealpost.test>\r\n');
    expect(delivered!.subarray(delivered!.length - message.length).equals(message)).toBe(true);
  });

  it('delivers one copy to each recipient, even one named twice', async () => {
    const id = crypto.randomUUID();
    const smtp = await connect();
    expect((await smtp.authLogin('alice@sealpost.test', 'alice-pass')).code).toBe(235);
    expect((await smtp.send('MAIL FROM:<>')).code).toBe(250);
    for (const rcpt of ['bob@sealpost.test', 'carol@sealpost.test', 'Bob@Sealpost.test']) {
      expect((await smtp.send(`RCPT TO:<${rcpt}>`)).code).toBe(250);
    }
    const message = simpleMessage(id, 'bob@sealpost.test, carol@sealpost.test');
    expect((await smtp.data(message)).code).toBe(250);
    for (const [user, pass] of [['bob', 'bob-pass'], ['carol', 'carol-pass']] as const) {
      const copies = await fetchByMessageId(user, pass, id);
      expect(copies).toHaveLength(1);
      expect(copies[0]!.toString('latin1')).toBe(`Return-Path: <>\r\n${message.toString('latin1')}`);
    }
  });

  it('advertises SIZE and refuses a larger message with 552', async () => {
    const smtp = await connect();
    const limit = Number(/^SIZE (\d+)$/m.exec(smtp.ehlo.text)?.[1]);
    expect(limit).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    await smtp.auth('alice', 'alice-pass');
    expect((await smtp.send(`MAIL FROM:<alice@sealpost.test> SIZE=${limit + 1}`)).code).toBe(552);

    // A client that does not declare the size is stopped after DATA.
    expect((await smtp.send('MAIL FROM:<alice@sealpost.test>')).code).toBe(250);
    expect((await smtp.send('RCPT TO:<bob@sealpost.test>')).code).toBe(250);
    const line = Buffer.from('x'.repeat(998) + '\r\n');
    const big = Buffer.concat([Buffer.from('Subject: big\r\n\r\n'), Buffer.alloc(Math.ceil(limit / 1000) * 1000, line)]);
    const reply = await smtp.data(big);
    expect(reply.code).toBe(552);
    expect(reply.text).toMatch(/too big/i);
  });

  it('refuses a wrong password with 535', async () => {
    const smtp = await connect();
    const reply = await smtp.auth('alice', 'not-her-password');
    expect(reply.code).toBe(535);
    expect(reply.text).toMatch(/wrong username or password/i);
  });

  it('refuses a login at another domain', async () => {
    const smtp = await connect();
    expect((await smtp.auth('alice@example.com', 'alice-pass')).code).toBe(535);
  });

  it('refuses mail before AUTH', async () => {
    const smtp = await connect();
    expect((await smtp.send('MAIL FROM:<alice@sealpost.test>')).code).toBe(530);
  });

  it('refuses other domains with a clear relaying error', async () => {
    const smtp = await connect();
    await smtp.auth('alice', 'alice-pass');
    await smtp.send('MAIL FROM:<alice@sealpost.test>');
    const reply = await smtp.send('RCPT TO:<someone@example.com>');
    expect(reply.code).toBe(550);
    expect(reply.text).toContain('Relaying to <someone@example.com> denied');
  });

  it('refuses unknown local users', async () => {
    const smtp = await connect();
    await smtp.auth('alice', 'alice-pass');
    await smtp.send('MAIL FROM:<alice@sealpost.test>');
    const reply = await smtp.send('RCPT TO:<nobody@sealpost.test>');
    expect(reply.code).toBe(550);
    expect(reply.text).toContain('no such user');
  });

  it("refuses a sender address that is not the user's own", async () => {
    const smtp = await connect();
    await smtp.auth('alice', 'alice-pass');
    const reply = await smtp.send('MAIL FROM:<bob@sealpost.test>');
    expect(reply.code).toBe(553);
  });
});
