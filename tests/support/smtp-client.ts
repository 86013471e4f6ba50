import net from 'node:net';

// A small SMTP client for tests: it shows every server reply, so tests can assert on refusals.
export interface SmtpReply {
  code: number;
  text: string;
}

export class SmtpTestClient {
  private buffer = '';
  private waiters: ((r: SmtpReply) => void)[] = [];
  private replies: SmtpReply[] = [];

  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (chunk) => {
      this.buffer += chunk.toString('latin1');
      this.drain();
    });
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
    await client.send('EHLO test.localhost');
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
      if (waiter) waiter(done);
      else this.replies.push(done);
    }
  }

  read(): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  send(line: string): Promise<SmtpReply> {
    this.sock.write(`${line}\r\n`);
    return this.read();
  }

  auth(user: string, pass: string): Promise<SmtpReply> {
    return this.send(`AUTH PLAIN ${Buffer.from(`\0${user}\0${pass}`).toString('base64')}`);
  }

  /** Sends DATA with RFC 5321 dot-stuffing; `message` must end with CRLF. */
  async data(message: Buffer): Promise<SmtpReply> {
    const start = await this.send('DATA');
    if (start.code !== 354) return start;
    const stuffed = Buffer.from(message.toString('latin1').replace(/(^|\r\n)\./g, '$1..'), 'latin1');
    this.sock.write(Buffer.concat([stuffed, Buffer.from('.\r\n')]));
    return this.read();
  }

  close(): void {
    this.sock.write('QUIT\r\n');
    this.sock.end();
  }
}
