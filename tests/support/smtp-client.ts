import net from 'node:net';

// A small SMTP client for tests: it shows every server reply, so tests can assert on refusals.
export interface SmtpReply {
  code: number;
  text: string;
}

export class SmtpTestClient {
  private buffer = '';
  private waiters: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void }[] = [];
  private replies: SmtpReply[] = [];
  private failure: Error | null = null;
  /** The reply to EHLO (its lines name the extensions, e.g. "SIZE 52428800"). */
  ehlo: SmtpReply = { code: 0, text: '' };

  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (chunk) => {
      this.buffer += chunk.toString('latin1');
      this.drain();
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const w of this.waiters.splice(0)) w.reject(this.failure);
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('SMTP connection closed')));
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<SmtpTestClient> {
    const sock = net.connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', () => resolve());
      sock.once('error', reject);
    });
    const client = new SmtpTestClient(sock);
    const greeting = await client.read();
    if (greeting.code !== 220) throw new Error(`greeting ${greeting.code} ${greeting.text}`);
    client.ehlo = await client.send('EHLO test.localhost');
    return client;
  }

  private drain(): void {
    for (;;) {
      const lines: string[] = [];
      let pos = 0;
      let done: SmtpReply | null = null;
      for (;;) {
        const nl = this.buffer.indexOf('\r\n', pos);
        if (nl < 0) break;
        const line = this.buffer.slice(pos, nl);
        lines.push(line);
        pos = nl + 2;
        if (line[3] !== '-') {
          done = { code: Number(line.slice(0, 3)), text: lines.map((l) => l.slice(4)).join('\n') };
          break;
        }
      }
      if (!done) return;
      this.buffer = this.buffer.slice(pos);
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(done);
      else this.replies.push(done);
    }
  }

  read(): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  send(line: string): Promise<SmtpReply> {
    this.sock.write(`${line}\r\n`);
    return this.read();
  }

  /** AUTH PLAIN with an initial response (RFC 4954, RFC 4616). */
  auth(user: string, pass: string): Promise<SmtpReply> {
    return this.send(`AUTH PLAIN ${Buffer.from(`\0${user}\0${pass}`).toString('base64')}`);
  }

  /** AUTH LOGIN: username and password each answer a 334 challenge. */
  async authLogin(user: string, pass: string): Promise<SmtpReply> {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    let reply = await this.send('AUTH LOGIN');
    if (reply.code !== 334) return reply;
    reply = await this.send(b64(user));
    if (reply.code !== 334) return reply;
    return this.send(b64(pass));
  }

  /**
   * Sends DATA with RFC 5321 §4.5.2 dot-stuffing (after every CRLF, as a client must);
   * `message` must end with CRLF.
   */
  async data(message: Buffer): Promise<SmtpReply> {
    const start = await this.send('DATA');
    if (start.code !== 354) return start;
    const stuffed = Buffer.from(message.toString('latin1').replace(/(^|\r\n)\./g, '$1..'), 'latin1');
    this.sock.write(Buffer.concat([stuffed, Buffer.from('.\r\n')]));
    return this.read();
  }

  close(): void {
    if (this.sock.destroyed) return;
    this.sock.end('QUIT\r\n');
  }
}
