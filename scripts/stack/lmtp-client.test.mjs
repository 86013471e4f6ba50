import net from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { dotStuff, lmtpDeliver } from './lmtp-client.mjs';

describe('dotStuff', () => {
  it('doubles a leading dot on every line and appends the end marker', () => {
    const out = dotStuff(Buffer.from('.first\r\nmiddle\r\n.\r\n..x\r\n'));
    expect(out.toString()).toBe('..first\r\nmiddle\r\n..\r\n...x\r\n.\r\n');
  });

  it('leaves every other byte alone, including 8-bit and bare CR', () => {
    const body = Buffer.from([0xc3, 0x98, 0x0d, 0x41, 0x0d, 0x0a, 0xff, 0x0d, 0x0a]);
    const out = dotStuff(body);
    expect(out.subarray(0, body.length).equals(body)).toBe(true);
    expect(out.subarray(body.length).toString()).toBe('.\r\n');
  });

  it('terminates a message without a final line end with CRLF', () => {
    expect(dotStuff(Buffer.from('no newline')).toString()).toBe('no newline\r\n.\r\n');
  });

  it('passes bare LF through, stuffing dots after it as after CRLF', () => {
    expect(dotStuff(Buffer.from('a\n.b\n.\nc\n')).toString()).toBe('a\n..b\n..\nc\n.\r\n');
  });

  it('sends an empty message as the end line alone', () => {
    expect(dotStuff(Buffer.alloc(0)).toString()).toBe('.\r\n');
  });

  it('does not take a dot after a bare CR for a line start', () => {
    expect(dotStuff(Buffer.from('a\r.b\r\n')).toString()).toBe('a\r.b\r\n.\r\n');
  });

  it('round-trips through un-stuffing for many mixes of dots, CR, LF and 8-bit bytes', () => {
    for (let n = 0; n < 200; n++) {
      const alphabet = [0x2e, 0x0d, 0x0a, 0x41, 0x00, 0xff];
      const body = Buffer.from(Array.from({ length: 1 + (n % 40) }, (_, i) => alphabet[(n * 7 + i * i * 13) % 6]));
      for (const msg of [body, Buffer.concat([body, Buffer.from('\r\n')])]) {
        const expected = msg.at(-1) === 0x0a ? msg : Buffer.concat([msg, Buffer.from('\r\n')]);
        expect(unstuff(dotStuff(msg)).equals(expected)).toBe(true);
      }
    }
  });
});

// What the receiving side does (RFC 5321 §4.5.2; like Dovecot, a bare LF also starts a line).
function unstuff(wire) {
  const s = wire.toString('latin1');
  let out = '';
  for (let pos = 0; ; ) {
    const nl = s.indexOf('\n', pos);
    if (nl < 0) throw new Error('no end marker');
    const line = s.slice(pos, nl + 1);
    pos = nl + 1;
    if (line === '.\r\n' || line === '.\n') {
      if (pos !== s.length) throw new Error('data after the end marker');
      return Buffer.from(out, 'latin1');
    }
    out += line.startsWith('.') ? line.slice(1) : line;
  }
}

// A scripted LMTP peer: enough to check the client's conversation and per-recipient replies.
function fakeLmtpServer(script) {
  const received = [];
  const server = net.createServer((sock) => {
    let buf = '';
    let inData = false;
    sock.write('220 fake LMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          if (script.hangUpInData) return void sock.destroy();
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          received.push({ data: buf.slice(0, end + 2) });
          buf = buf.slice(end + 5);
          inData = false;
          for (const line of script.afterData) sock.write(`${line}\r\n`);
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        received.push({ line });
        const [verb] = line.split(/[ :]/);
        if (verb === 'DATA') {
          inData = true;
          sock.write('354 go ahead\r\n');
        } else if (verb === 'RCPT') sock.write(`${script.rcpt(line)}\r\n`);
        else if (verb === 'LHLO') sock.write('250-fake\r\n250 PIPELINING\r\n');
        else if (verb === 'QUIT') sock.end('221 bye\r\n');
        else sock.write('250 ok\r\n');
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, received, port: server.address().port })));
}

describe('lmtpDeliver', () => {
  let server;
  afterEach(() => server?.close());

  it('reports one result per recipient, rejected ones without DATA', async () => {
    const peer = await fakeLmtpServer({
      rcpt: (line) => (line.includes('nobody') ? '550 5.1.1 unknown user' : '250 ok'),
      afterData: ['250 2.0.0 <bob@x> saved', '452 4.2.2 <carol@x> over quota'],
    });
    server = peer.server;
    const results = await lmtpDeliver({
      host: '127.0.0.1',
      port: peer.port,
      from: 'alice@x',
      recipients: ['bob@x', 'nobody@x', 'carol@x'],
      message: Buffer.from('Subject: t\r\n\r\n.hi\r\n'),
    });
    expect(results).toEqual([
      { recipient: 'nobody@x', code: 550, text: '5.1.1 unknown user' },
      { recipient: 'bob@x', code: 250, text: '2.0.0 <bob@x> saved' },
      { recipient: 'carol@x', code: 452, text: '4.2.2 <carol@x> over quota' },
    ]);
    expect(peer.received.find((r) => r.data)?.data).toBe('Subject: t\r\n\r\n..hi\r\n');
  });

  it('sends no DATA when every recipient is refused', async () => {
    const peer = await fakeLmtpServer({ rcpt: () => '550 5.1.1 unknown user', afterData: [] });
    server = peer.server;
    const results = await lmtpDeliver({
      host: '127.0.0.1',
      port: peer.port,
      from: '',
      recipients: ['x@x', 'y@x'],
      message: Buffer.from('x\r\n'),
    });
    expect(results.map((r) => r.code)).toEqual([550, 550]);
    expect(peer.received.some((r) => r.line === 'DATA')).toBe(false);
    expect(peer.received.find((r) => r.line?.startsWith('MAIL'))?.line).toBe('MAIL FROM:<>');
  });

  it('rejects when the server hangs up during DATA, so no message is reported delivered', async () => {
    const peer = await fakeLmtpServer({ rcpt: () => '250 ok', afterData: [], hangUpInData: true });
    server = peer.server;
    await expect(
      lmtpDeliver({ host: '127.0.0.1', port: peer.port, from: 'a@x', recipients: ['b@x'], message: Buffer.from('x\r\n') }),
    ).rejects.toThrow(/closed|ECONNRESET/);
  });

  it('refuses an address that would smuggle a command', async () => {
    await expect(
      lmtpDeliver({ host: '127.0.0.1', port: 1, from: 'a@x', recipients: ['b@x>\r\nRCPT TO:<c@x'], message: Buffer.from('x\r\n') }),
    ).rejects.toThrow(/refusing the address/);
  });

  it('fails with a clear error when nothing listens', async () => {
    const closed = net.createServer();
    await new Promise((r) => closed.listen(0, '127.0.0.1', r));
    const port = closed.address().port;
    await new Promise((r) => closed.close(r));
    await expect(
      lmtpDeliver({ host: '127.0.0.1', port, from: 'a@x', recipients: ['b@x'], message: Buffer.from('x\r\n') }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
