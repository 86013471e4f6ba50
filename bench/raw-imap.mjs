// A bare IMAP client for reference timings: one command at a time, responses read byte-exactly
// (literals included, RFC 3501 §4.3) and thrown away except what the caller asks for. It adds
// nearly nothing on top of the server, so its timings are what the app's work costs at Dovecot.
import net from 'node:net';

/** Longest response line or literal accepted: the reference only reads its own bench folder. */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * Splits IMAP response bytes into complete responses (a line plus the literals it announces).
 * @returns {{ responses: string[], rest: Buffer }} responses as latin1 text, literals inline
 */
export function takeResponses(buf) {
  const responses = [];
  let start = 0;
  let at = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', at, 'latin1');
    if (eol < 0) break;
    const literal = /\{(\d+)\+?\}$/.exec(buf.toString('latin1', Math.max(at, eol - 24), eol));
    if (literal) {
      const len = Number(literal[1]);
      if (len > MAX_RESPONSE_BYTES) throw new Error(`IMAP literal of ${len} bytes is over the limit`);
      if (buf.length < eol + 2 + len) break;
      at = eol + 2 + len;
      continue;
    }
    responses.push(buf.toString('latin1', start, eol));
    start = at = eol + 2;
  }
  if (buf.length - start > MAX_RESPONSE_BYTES) throw new Error('IMAP response over the limit');
  return { responses, rest: buf.subarray(start) };
}

export const quoteImap = (s) => `"${s.replace(/(["\\])/g, '\\$1')}"`;

export class RawImap {
  /** @param {{ host: string, port: number, user: string, password: string }} options */
  static async connect({ host, port, user, password }) {
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawImap(socket);
    const greeting = await client.next();
    if (!/^\* OK/i.test(greeting)) throw new Error(`IMAP greeting: ${greeting}`);
    await client.command(`LOGIN ${quoteImap(user)} ${quoteImap(password)}`);
    return client;
  }

  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    /** @type {string[]} */
    this.queue = [];
    this.waiter = null;
    this.error = null;
    this.tags = 0;
    socket.on('data', (chunk) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      try {
        const { responses, rest } = takeResponses(this.buf);
        this.buf = rest;
        this.queue.push(...responses);
      } catch (e) {
        this.error ??= e;
        socket.destroy();
      }
      this.wake();
    });
    const fail = (e) => {
      this.error ??= e;
      this.wake();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the IMAP server closed the connection')));
  }

  wake() {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  async next() {
    while (!this.queue.length) {
      if (this.error) throw this.error;
      await new Promise((resolve) => (this.waiter = resolve));
    }
    return /** @type {string} */ (this.queue.shift());
  }

  /** Sends one command; resolves with its untagged responses once the tagged OK arrives. */
  async command(text) {
    const tag = `b${++this.tags}`;
    this.socket.write(`${tag} ${text}\r\n`, 'latin1');
    const untagged = [];
    for (;;) {
      const line = await this.next();
      if (!line.startsWith(`${tag} `)) {
        untagged.push(line);
        continue;
      }
      if (!/^\S+ OK/i.test(line)) throw new Error(`IMAP ${text.split(' ')[0]} failed: ${line}`);
      return untagged;
    }
  }

  async logout() {
    try {
      await this.command('LOGOUT');
    } catch {
      // closing anyway
    }
    this.socket.destroy();
  }
}
