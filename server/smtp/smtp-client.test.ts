import crypto from 'node:crypto';
import net from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import type { ServerEndpoint } from '../config';
import { AppError } from '../errors';
import { SmtpRejectedError, type SubmitOptions, submitMessage } from './smtp-client';

const crlf = (...lines: string[]) => Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8');

/** What a receiving server does with dot-stuffed data (RFC 5321 §4.5.2). */
const unstuff = (data: Buffer) => Buffer.from(data.toString('latin1').replace(/(^|\r\n)\./g, '$1'), 'latin1');

// --- A scripted SMTP peer ---------------------------------------------------------------------

interface Peer {
  endpoint: ServerEndpoint;
  /** Every command line received, in order ("<data>" for a message). */
  commands: string[];
  /** The raw DATA sections received, still dot-stuffed, without the final ".\r\n". */
  data: Buffer[];
  connections: number;
}

/** Reply to one command: the raw reply text (CRLF added per line), null for none, or 'close'. */
type Script = (command: string) => string | null | 'close' | undefined;

const EHLO_REPLY = ['250-fake.example greets you', '250-SIZE 52428800', '250-8BITMIME', '250 AUTH PLAIN LOGIN'].join('\r\n');

function standard(command: string): string | null {
  const verb = command.split(/[ :]/)[0]!.toUpperCase();
  if (verb === 'EHLO') return EHLO_REPLY;
  if (verb === 'AUTH') return '235 2.7.0 Authentication successful';
  if (verb === 'DATA') return '354 End data with <CR><LF>.<CR><LF>';
  if (command === '<data>') return '250 2.0.0 Ok: queued as 12345';
  if (verb === 'QUIT') return '221 2.0.0 Bye';
  return '250 2.1.0 Ok';
}

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function fakeSmtp(script: Script = () => undefined, { greeting = '220 fake.example ESMTP' as string | null } = {}) {
  const peer: Peer = { endpoint: { host: '127.0.0.1', port: 0, security: 'none' }, commands: [], data: [], connections: 0 };
  const server = net.createServer((sock) => {
    peer.connections++;
    let buffer = Buffer.alloc(0);
    let inData = false;
    const answer = (command: string) => {
      const reply = script(command);
      const text = reply === undefined ? standard(command) : reply;
      if (text === 'close') return sock.destroy();
      if (text !== null) sock.write(`${text}\r\n`);
      if (command.toUpperCase() === 'DATA' && text?.startsWith('354')) inData = true;
      if (command.toUpperCase() === 'QUIT') sock.end();
    };
    sock.on('error', () => {});
    sock.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          peer.data.push(buffer.subarray(0, end + 2));
          buffer = buffer.subarray(end + 5);
          inData = false;
          peer.commands.push('<data>');
          answer('<data>');
        } else {
          const nl = buffer.indexOf('\r\n');
          if (nl < 0) return;
          const line = buffer.subarray(0, nl).toString('utf8');
          buffer = buffer.subarray(nl + 2);
          peer.commands.push(line);
          answer(line);
        }
      }
    });
    if (greeting !== null) sock.write(`${greeting}\r\n`);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  peer.endpoint.port = (server.address() as net.AddressInfo).port;
  return peer;
}

const MESSAGE = crlf('From: alice@example.com', 'To: bob@example.com', 'Subject: hi', '', 'Grüße', '.hidden dot line', '.', 'end');

function submit(peer: Peer, extra: Partial<SubmitOptions> = {}) {
  return submitMessage({
    endpoint: peer.endpoint,
    user: 'alice',
    password: 'sëcret-pass',
    from: 'alice@example.com',
    to: ['bob@example.com'],
    message: MESSAGE,
    timeouts: { connectMs: 1000, commandMs: 1000, dataEndMs: 1000 },
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('submitMessage', () => {
  it('submits the exact bytes: EHLO, AUTH PLAIN, MAIL with SIZE and BODY, RCPT, DATA, QUIT', async () => {
    const peer = await fakeSmtp();
    const result = await submit(peer, { to: ['bob@example.com', 'carol@example.com'] });
    expect(result.reply).toBe('250 2.0.0 Ok: queued as 12345');
    expect(peer.commands[0]).toBe('EHLO [127.0.0.1]');
    expect(peer.commands[1]).toMatch(/^AUTH PLAIN /);
    expect(Buffer.from(peer.commands[1]!.slice(11), 'base64').toString('utf8')).toBe('\0alice\0sëcret-pass');
    expect(peer.commands.slice(2)).toEqual([
      `MAIL FROM:<alice@example.com> SIZE=${MESSAGE.length} BODY=8BITMIME`,
      'RCPT TO:<bob@example.com>',
      'RCPT TO:<carol@example.com>',
      'DATA',
      '<data>',
      'QUIT',
    ]);
    expect(peer.data).toHaveLength(1);
    expect(unstuff(peer.data[0]!).equals(MESSAGE)).toBe(true);
  });

  it('sends a large message in slices, unchanged', async () => {
    const peer = await fakeSmtp();
    const body = Array.from({ length: 60_000 }, (_, i) => (i % 7 === 0 ? '.' : '') + crypto.randomBytes(57).toString('base64'));
    const big = crlf('Subject: big', '', ...body);
    await submit(peer, { message: big });
    expect(unstuff(peer.data[0]!).equals(big)).toBe(true);
  });

  it('uses AUTH LOGIN when the server offers only that', async () => {
    const peer = await fakeSmtp((c) => {
      if (c.startsWith('EHLO')) return '250-fake\r\n250 AUTH LOGIN';
      if (c === 'AUTH LOGIN') return '334 VXNlcm5hbWU6';
      if (c === Buffer.from('alice').toString('base64')) return '334 UGFzc3dvcmQ6';
      if (c === Buffer.from('sëcret-pass').toString('base64')) return '235 2.7.0 ok';
      return undefined;
    });
    await submit(peer);
    expect(peer.commands.slice(1, 4)).toEqual(['AUTH LOGIN', 'YWxpY2U=', Buffer.from('sëcret-pass').toString('base64')]);
    // Without SIZE and 8BITMIME in EHLO, MAIL FROM has no parameters.
    expect(peer.commands[4]).toBe('MAIL FROM:<alice@example.com>');
  });

  it('reports a refused password as smtp-auth-failed, without the password anywhere', async () => {
    const peer = await fakeSmtp((c) => (c.startsWith('AUTH') ? '535 5.7.8 Authentication credentials invalid' : undefined));
    const err = await failure(submit(peer));
    expect(err.code).toBe('smtp-auth-failed');
    const seen = `${err.message} ${err.stack} ${JSON.stringify(err)}`;
    expect(seen).not.toContain('sëcret-pass');
    expect(seen).not.toContain(Buffer.from('\0alice\0sëcret-pass').toString('base64'));
    expect(peer.commands).not.toContain('MAIL FROM:<alice@example.com> SIZE=' + MESSAGE.length);
  });

  it('treats a temporary AUTH failure (454) as the server being unavailable', async () => {
    const peer = await fakeSmtp((c) => (c.startsWith('AUTH') ? '454 4.7.0 Temporary authentication failure' : undefined));
    expect((await failure(submit(peer))).code).toBe('smtp-unavailable');
  });

  it('names each refused recipient with the server text, and sends nothing', async () => {
    const peer = await fakeSmtp((c) => {
      if (c === 'RCPT TO:<x@elsewhere.example>') return '550 5.7.1 Relaying to <x@elsewhere.example> denied';
      if (c === 'RCPT TO:<busy@example.com>') return '450-4.2.1 Mailbox busy,\r\n450 4.2.1 try again later';
      return undefined;
    });
    const err = await failure(submit(peer, { to: ['bob@example.com', 'x@elsewhere.example', 'busy@example.com'] }));
    expect(err).toBeInstanceOf(SmtpRejectedError);
    const rejected = err as SmtpRejectedError;
    expect(rejected.code).toBe('smtp-rejected');
    expect(rejected.stage).toBe('rcpt');
    expect(rejected.rejected.map((r) => r.recipient)).toEqual(['x@elsewhere.example', 'busy@example.com']);
    expect(rejected.userMessage).toContain('550 5.7.1 Relaying to <x@elsewhere.example> denied');
    expect(rejected.userMessage).toContain('450 4.2.1 Mailbox busy, 4.2.1 try again later');
    expect(rejected.toApiError().error).toMatchObject({
      code: 'smtp-rejected',
      rejectedRecipients: ['x@elsewhere.example', 'busy@example.com'],
    });
    expect(peer.commands).not.toContain('DATA');
    expect(peer.data).toHaveLength(0);
    expect(peer.commands.at(-1)).toBe('QUIT');
  });

  it('reports a refused sender and a refused message with the server text', async () => {
    const sender = await fakeSmtp((c) => (c.startsWith('MAIL') ? '553 5.7.1 Sender address not owned by user' : undefined));
    const e1 = (await failure(submit(sender))) as SmtpRejectedError;
    expect([e1.code, e1.stage]).toEqual(['smtp-rejected', 'mail']);
    expect(e1.userMessage).toContain('553 5.7.1 Sender address not owned by user');

    const content = await fakeSmtp((c) => (c === '<data>' ? '554 5.7.1 Message rejected as spam' : undefined));
    const e2 = (await failure(submit(content))) as SmtpRejectedError;
    expect([e2.code, e2.stage]).toEqual(['smtp-rejected', 'data']);
    expect(e2.userMessage).toContain('554 5.7.1 Message rejected as spam');
  });

  it('says a message is too large when MAIL FROM is refused for its declared SIZE', async () => {
    const peer = await fakeSmtp((c) => (c.startsWith('MAIL') ? '552 5.3.4 Message size exceeds fixed limit' : undefined));
    const e = (await failure(submit(peer))) as SmtpRejectedError;
    expect(e.stage).toBe('mail');
    expect(e.userMessage).toBe('The outgoing mail server refused the message as too large: 552 5.3.4 Message size exceeds fixed limit. The message was not sent.');
  });

  it('treats 421 (service closing) as unavailable', async () => {
    const peer = await fakeSmtp((c) => (c.startsWith('RCPT') ? '421 4.3.2 Shutting down' : undefined));
    expect((await failure(submit(peer))).code).toBe('smtp-unavailable');
    const greeting = await fakeSmtp(undefined, { greeting: '554 5.3.2 Not accepting connections' });
    expect((await failure(submit(greeting))).code).toBe('smtp-unavailable');
  });

  it('times out when the server stops answering', async () => {
    const silent = await fakeSmtp((c) => (c.startsWith('EHLO') ? null : undefined));
    const t0 = Date.now();
    const err = await failure(submit(silent, { timeouts: { commandMs: 200 } }));
    expect(err.code).toBe('smtp-unavailable');
    expect(err.message).toMatch(/no reply to EHLO within 200 ms/);
    expect(Date.now() - t0).toBeLessThan(2000);

    const noGreeting = await fakeSmtp(undefined, { greeting: null });
    expect((await failure(submit(noGreeting, { timeouts: { commandMs: 200 } }))).message).toMatch(/greeting/);

    const noEnd = await fakeSmtp((c) => (c === '<data>' ? null : undefined));
    expect((await failure(submit(noEnd, { timeouts: { dataEndMs: 200 } }))).message).toMatch(/end of data/);
  });

  it('reports a closed connection and a refused connection as unavailable', async () => {
    const closing = await fakeSmtp((c) => (c.startsWith('MAIL') ? 'close' : undefined));
    expect((await failure(submit(closing))).code).toBe('smtp-unavailable');

    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const refused = { endpoint: { host: '127.0.0.1', port, security: 'none' as const } } as Peer;
    expect((await failure(submit(refused))).code).toBe('smtp-unavailable');
  });

  it('refuses bare line ends and bad addresses before connecting', async () => {
    const peer = await fakeSmtp();
    expect((await failure(submit(peer, { message: Buffer.from('Subject: x\n\nbody\n') }))).code).toBe('message-bad-line-ends');
    expect((await failure(submit(peer, { message: Buffer.from('Subject: x\r\n\r\nno final CRLF') }))).code).toBe(
      'message-bad-line-ends',
    );
    expect((await failure(submit(peer, { to: ['bob@example.com>\r\nRSET'] }))).code).toBe('bad-request');
    expect((await failure(submit(peer, { to: [] }))).code).toBe('bad-request');
    expect(peer.connections).toBe(0);
  });

  it('never authenticates in the clear when STARTTLS is required but missing', async () => {
    const peer = await fakeSmtp();
    const err = await failure(submit({ ...peer, endpoint: { ...peer.endpoint, security: 'starttls' } }));
    expect(err.code).toBe('smtp-unavailable');
    expect(err.message).toMatch(/STARTTLS/);
    expect(peer.commands.some((c) => c.startsWith('AUTH'))).toBe(false);
  });

  it('refuses replies smuggled in before the TLS handshake (STARTTLS injection)', async () => {
    const peer = await fakeSmtp((c) => {
      if (c.startsWith('EHLO')) return '250-fake\r\n250-STARTTLS\r\n250 AUTH PLAIN';
      if (c === 'STARTTLS') return '220 2.0.0 Ready to start TLS\r\n235 2.7.0 injected';
      return undefined;
    });
    const err = await failure(submit({ ...peer, endpoint: { ...peer.endpoint, security: 'starttls' } }));
    expect(err.code).toBe('smtp-unavailable');
    expect(peer.commands.some((c) => c.startsWith('AUTH'))).toBe(false);
  });

  it('fails cleanly when the TLS handshake does not happen', async () => {
    const peer = await fakeSmtp((c) => {
      if (c.startsWith('EHLO')) return '250-fake\r\n250-STARTTLS\r\n250 AUTH PLAIN';
      if (c === 'STARTTLS') return '220 2.0.0 Ready to start TLS';
      return undefined; // then answers the ClientHello with nothing useful
    });
    const err = await failure(submit({ ...peer, endpoint: { ...peer.endpoint, security: 'starttls' } }, { timeouts: { connectMs: 300 } }));
    expect(err.code).toBe('smtp-unavailable');
    expect(err.message).toMatch(/TLS handshake/);
    expect(peer.commands.some((c) => c.startsWith('AUTH'))).toBe(false);
  });
});
