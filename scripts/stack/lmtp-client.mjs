// A minimal LMTP client (RFC 2033) that hands a message to Dovecot byte for byte: the only
// change on the wire is the transparency dot-stuffing of RFC 5321 §4.5.2, which the server undoes.
import net from 'node:net';

/**
 * Delivers `message` to each recipient. Resolves with one result per recipient (LMTP answers
 * DATA once per accepted recipient); rejects only when the session itself fails.
 * @param {{ host: string, port: number, from: string, recipients: string[], message: Buffer,
 *           timeoutMs?: number }} options
 * @returns {Promise<{ recipient: string, code: number, text: string }[]>}
 */
export async function lmtpDeliver({ host, port, from, recipients, message, timeoutMs = 30000 }) {
  // An address is spliced into a command line: CR, LF or angle brackets would forge commands.
  for (const address of [from, ...recipients]) {
    if (/[\r\n<>]/.test(address)) throw new Error(`LMTP: refusing the address ${JSON.stringify(address)}`);
  }
  const conn = await openConnection(host, port, timeoutMs);
  try {
    await conn.expect(220);
    await conn.command('LHLO sealpost-stack.localhost', 250);
    await conn.command(`MAIL FROM:<${from}>`, 250);
    const results = [];
    const accepted = [];
    for (const rcpt of recipients) {
      const reply = await conn.command(`RCPT TO:<${rcpt}>`);
      if (reply.code === 250) accepted.push(rcpt);
      else results.push({ recipient: rcpt, code: reply.code, text: reply.text });
    }
    if (accepted.length > 0) {
      await conn.command('DATA', 354);
      conn.write(dotStuff(message));
      for (const rcpt of accepted) {
        const reply = await conn.read();
        results.push({ recipient: rcpt, code: reply.code, text: reply.text });
      }
    }
    await conn.command('QUIT').catch(() => {});
    return results;
  } finally {
    conn.close();
  }
}

/**
 * Escapes every line that starts with "." (RFC 5321 §4.5.2) and appends the end-of-data line.
 * A "line" starts after any LF, bare or not: Dovecot's DATA reader strips the escape dot there
 * too, so a bare LF passes through unchanged. The end marker needs a preceding line end; only a
 * message without a final LF gets CRLF added (the protocol cannot carry one without it).
 * @param {Buffer} message
 */
export function dotStuff(message) {
  const parts = [];
  let start = 0;
  if (message[0] === 0x2e) parts.push(DOT);
  for (let i = message.indexOf(0x0a); i >= 0; i = message.indexOf(0x0a, i + 1)) {
    if (message[i + 1] === 0x2e) {
      parts.push(message.subarray(start, i + 1), DOT);
      start = i + 1;
    }
  }
  parts.push(message.subarray(start));
  const endsWithLf = message.length > 0 && message[message.length - 1] === 0x0a;
  parts.push(message.length === 0 || endsWithLf ? END_LINE : CRLF_END_LINE);
  return Buffer.concat(parts);
}

const DOT = Buffer.from('.');
const END_LINE = Buffer.from('.\r\n');
const CRLF_END_LINE = Buffer.from('\r\n.\r\n');

function openConnection(host, port, timeoutMs) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    sock.setTimeout(timeoutMs);
    let buffer = '';
    let waiter = null;
    let failure = null;
    const fail = (err) => {
      failure = err;
      if (waiter) waiter.reject(err);
      waiter = null;
    };
    sock.on('timeout', () => {
      fail(new Error('LMTP server timed out'));
      sock.destroy();
    });
    sock.on('error', (e) => fail(new Error(`LMTP: ${e.message}`)));
    sock.on('close', () => fail(new Error('LMTP connection closed')));
    sock.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      pump();
    });

    // A reply is complete at a line "NNN text" (multi-line replies use "NNN-text").
    function takeReply() {
      const lines = [];
      let pos = 0;
      for (;;) {
        const nl = buffer.indexOf('\r\n', pos);
        if (nl < 0) return null;
        const line = buffer.slice(pos, nl);
        lines.push(line);
        pos = nl + 2;
        if (line[3] !== '-') {
          buffer = buffer.slice(pos);
          return { code: Number(line.slice(0, 3)), text: lines.map((l) => l.slice(4)).join('\n') };
        }
      }
    }
    function pump() {
      if (!waiter) return;
      const reply = takeReply();
      if (reply) {
        const w = waiter;
        waiter = null;
        w.resolve(reply);
      }
    }
    const read = () =>
      new Promise((res, rej) => {
        if (failure) return rej(failure);
        waiter = { resolve: res, reject: rej };
        pump();
      });
    const conn = {
      read,
      write: (data) => sock.write(data),
      async expect(code) {
        const reply = await read();
        if (reply.code !== code) throw new Error(`LMTP: expected ${code}, got ${reply.code} ${reply.text}`);
        return reply;
      },
      async command(line, code) {
        sock.write(`${line}\r\n`);
        const reply = await read();
        if (code !== undefined && reply.code !== code) {
          throw Object.assign(new Error(`LMTP ${line.split(' ')[0]}: ${reply.code} ${reply.text}`), { reply });
        }
        return reply;
      },
      close: () => sock.destroy(),
    };
    sock.once('connect', () => resolve(conn));
    sock.once('error', reject);
  });
}
