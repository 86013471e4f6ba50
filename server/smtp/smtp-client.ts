import 'server-only';

import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

import type { ApiError } from '@/lib/api/types';

import type { ServerEndpoint } from '../config';
import { AppError, ERROR_RESPONSES } from '../errors';
import {
  ReplyParser,
  type SmtpReply,
  dotStuff,
  formatReply,
  isEnvelopeAddress,
  lineEndProblem,
  parseEhlo,
  wireAddress,
} from './smtp-wire';

// A small SMTP submission client: EHLO, STARTTLS (RFC 3207), AUTH PLAIN/LOGIN (RFC 4954), one
// transaction, QUIT. It submits the browser's bytes unchanged: DATA's dot-stuffing (RFC 5321
// §4.5.2) is the only transformation, and the receiving server undoes it.

export interface SmtpTimeouts {
  /** TCP connect and, for TLS, the handshake. */
  connectMs: number;
  /** The greeting and each command's reply; also the longest stall while writing the message. */
  commandMs: number;
  /** The reply after the message's final dot (the server may deliver before it answers). */
  dataEndMs: number;
}

export const SMTP_TIMEOUTS: Readonly<SmtpTimeouts> = { connectMs: 10_000, commandMs: 60_000, dataEndMs: 180_000 };

/** The message goes to the socket in slices, waiting for it to drain in between. */
const WRITE_SLICE_BYTES = 256 * 1024;
/** The message ends with CRLF (lineEndProblem), so the end of data is the rest of "CRLF.CRLF". */
const END_OF_DATA = Buffer.from('.\r\n');

export interface RecipientRejection {
  recipient: string;
  reply: SmtpReply;
}

/**
 * The server refused the sender, a recipient or the message (a 4xx or 5xx reply). Unlike other
 * coded errors its message carries the server's own reply text, which says what to fix.
 */
export class SmtpRejectedError extends AppError {
  constructor(
    readonly stage: 'mail' | 'rcpt' | 'data',
    readonly reply: SmtpReply,
    /** Every refused recipient (stage 'rcpt'); the message then went to nobody. */
    readonly rejected: RecipientRejection[] = [],
  ) {
    super('smtp-rejected', `${stage}: ${rejected.map((r) => `<${r.recipient}> `).join('')}${formatReply(reply)}`);
    this.name = 'SmtpRejectedError';
  }

  /** The message the user reads: what was refused and the server's reply. */
  get userMessage(): string {
    const notSent = 'The message was not sent.';
    const shown = (r: SmtpReply) => formatReply(r).replace(/\.$/, '');
    if (this.stage === 'rcpt') {
      const list = this.rejected.map((r) => `${r.recipient} (${shown(r.reply)})`).join('; ');
      return `The outgoing mail server refused ${this.rejected.length === 1 ? 'the recipient' : `${this.rejected.length} recipients`} ${list}. ${notSent}`;
    }
    // 552 (or 5.3.4) is "too big": at MAIL FROM it answers our SIZE= declaration (RFC 1870), not
    // the sender's address.
    const tooBig = this.reply.code === 552 || this.reply.lines.some((l) => /^5\.3\.4\b/.test(l));
    const what = tooBig ? 'the message as too large' : this.stage === 'mail' ? 'the sender address' : 'the message';
    return `The outgoing mail server refused ${what}: ${shown(this.reply)}. ${notSent}`;
  }

  toApiError(): ApiError {
    return {
      error: {
        code: 'smtp-rejected',
        message: this.userMessage,
        ...(this.stage === 'rcpt' ? { rejectedRecipients: this.rejected.map((r) => r.recipient) } : {}),
      },
    };
  }
}

/** The HTTP status of a refusal, for route handlers that answer with toApiError(). */
export const SMTP_REJECTED_STATUS = ERROR_RESPONSES['smtp-rejected'].status;

// --- The connection --------------------------------------------------------------------------

let caCache: { file: string; pem: string } | undefined;

function tlsOptions(endpoint: ServerEndpoint, caFile: string | undefined): tls.ConnectionOptions {
  if (caFile && caCache?.file !== caFile) caCache = { file: caFile, pem: fs.readFileSync(caFile, 'utf8') };
  return {
    // SNI takes host names only (RFC 6066 section 3).
    ...(net.isIP(endpoint.host) ? {} : { servername: endpoint.host }),
    // An extra CA adds to Node's default roots instead of replacing them.
    ...(caFile && caCache ? { ca: [...tls.rootCertificates, caCache.pem] } : {}),
  };
}

const unavailable = (detail: string) => new AppError('smtp-unavailable', detail);

class SmtpConnection {
  private parser = new ReplyParser();
  private replies: SmtpReply[] = [];
  private waiter: { resolve: (r: SmtpReply) => void; reject: (e: AppError) => void } | undefined;
  private failure: AppError | undefined;

  private constructor(
    private socket: net.Socket,
    private readonly timeouts: SmtpTimeouts,
  ) {
    this.attach(socket);
  }

  static async open(endpoint: ServerEndpoint, caFile: string | undefined, timeouts: SmtpTimeouts): Promise<SmtpConnection> {
    const { host, port } = endpoint;
    const socket =
      endpoint.security === 'tls' ? tls.connect({ host, port, ...tlsOptions(endpoint, caFile) }) : net.connect({ host, port });
    await settle(socket, endpoint.security === 'tls' ? 'secureConnect' : 'connect', timeouts.connectMs, 'connect');
    return new SmtpConnection(socket, timeouts);
  }

  private readonly onData = (chunk: Buffer) => {
    try {
      for (const reply of this.parser.push(chunk)) {
        const waiter = this.waiter;
        this.waiter = undefined;
        if (waiter) waiter.resolve(reply);
        else this.replies.push(reply);
      }
    } catch (err) {
      this.fail(unavailable(`protocol error: ${(err as Error).message}`));
    }
  };

  private readonly onError = (err: Error & { code?: string }) => this.fail(unavailable(`${err.code ?? ''} ${err.message}`.trim()));
  private readonly onClose = () => this.fail(unavailable('connection closed by the server'));

  private attach(socket: net.Socket) {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  private fail(err: AppError) {
    this.failure ??= err;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.failure);
    this.socket.destroy();
  }

  /** The next reply, or 'smtp-unavailable' after `timeoutMs` (`what` names it in the log). */
  read(what: string, timeoutMs = this.timeouts.commandMs): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<SmtpReply>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(unavailable(`no reply to ${what} within ${timeoutMs} ms`)), timeoutMs);
      this.waiter = {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
    });
  }

  /** Sends one command line; `what` stands for it in errors (AUTH lines carry credentials). */
  async command(line: string, what: string): Promise<SmtpReply> {
    if (/[\r\n]/.test(line)) throw new AppError('internal', `line break in SMTP ${what}`);
    await this.write(Buffer.from(`${line}\r\n`, 'utf8'), what);
    return this.read(what);
  }

  /** Writes, waiting for the socket to drain when its buffer is full. */
  async write(data: Buffer, what: string): Promise<void> {
    for (let off = 0; off < data.length; off += WRITE_SLICE_BYTES) {
      if (this.failure) throw this.failure;
      if (!this.socket.write(data.subarray(off, off + WRITE_SLICE_BYTES))) {
        await settle(this.socket, 'drain', this.timeouts.commandMs, `sending ${what}`);
      }
    }
    if (this.failure) throw this.failure;
  }

  /** RFC 3207: TLS over the open connection, after the server's 220 to STARTTLS. */
  async startTls(endpoint: ServerEndpoint, caFile: string | undefined): Promise<void> {
    // Anything the server sent after its 220 came before TLS and must not be read as if it came
    // through it (the STARTTLS command injection of CVE-2011-0411).
    if (!this.parser.idle || this.replies.length) throw unavailable('data after the STARTTLS reply');
    const plain = this.socket;
    plain.off('data', this.onData);
    plain.off('close', this.onClose);
    plain.off('error', this.onError);
    plain.on('error', () => {}); // the TLS socket reports its own failures
    const secure = tls.connect({ socket: plain, ...tlsOptions(endpoint, caFile) });
    this.socket = secure;
    this.attach(secure);
    await settle(secure, 'secureConnect', this.timeouts.connectMs, 'TLS handshake');
  }

  /** Says goodbye without waiting long for the answer; the message is already accepted. */
  async quit(): Promise<void> {
    if (this.failure) return;
    try {
      this.socket.write('QUIT\r\n');
      await this.read('QUIT', Math.min(2000, this.timeouts.commandMs));
    } catch {
      // The transaction is over either way.
    } finally {
      this.close();
    }
  }

  /** Our end's address, for EHLO. */
  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  close(): void {
    this.failure ??= unavailable('closed');
    this.socket.destroy();
  }
}

/** Resolves on `event`, rejects with 'smtp-unavailable' on error, close or timeout. */
function settle(socket: net.Socket, event: string, timeoutMs: number, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: AppError) => {
      clearTimeout(timer);
      socket.off(event, onEvent);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (err) {
        socket.destroy();
        reject(err);
      } else resolve();
    };
    const onEvent = () => done();
    const onError = (e: Error & { code?: string }) => done(unavailable(`${what}: ${e.code ?? ''} ${e.message}`));
    const onClose = () => done(unavailable(`${what}: connection closed`));
    const timer = setTimeout(() => done(unavailable(`${what}: no progress within ${timeoutMs} ms`)), timeoutMs);
    socket.on(event, onEvent);
    socket.on('error', onError);
    socket.on('close', onClose);
  });
}

// --- The dialogue ----------------------------------------------------------------------------

export interface SubmitOptions {
  endpoint: ServerEndpoint;
  /** Extra CA certificates (PEM file) for TLS, as config().tlsCaFile. */
  caFile?: string;
  user: string;
  password: string;
  /** MAIL FROM; '' for the null sender. */
  from: string;
  to: string[];
  /** The complete RFC 5322 message, CRLF line ends; sent unchanged. */
  message: Buffer;
  timeouts?: Partial<SmtpTimeouts>;
}

export interface SubmitResult {
  /** The server's reply to the end of data (often a queue id). */
  reply: string;
}

const isOk = (r: SmtpReply) => r.code >= 200 && r.code < 300;

async function ehlo(conn: SmtpConnection, name: string): Promise<Map<string, string[]>> {
  const reply = await conn.command(`EHLO ${name}`, 'EHLO');
  if (!isOk(reply)) throw unavailable(`EHLO refused: ${formatReply(reply)}`);
  return parseEhlo(reply);
}

/** RFC 4954 with PLAIN (RFC 4616, initial response) or LOGIN; the password never reaches a log. */
async function authenticate(conn: SmtpConnection, caps: Map<string, string[]>, user: string, password: string) {
  const mechanisms = caps.get('AUTH') ?? [];
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  let reply: SmtpReply;
  if (mechanisms.includes('PLAIN')) {
    const token = b64(`\0${user}\0${password}`);
    reply = await conn.command(`AUTH PLAIN ${token}`, 'AUTH PLAIN');
    // A server that ignores the initial response asks for it with an empty challenge.
    if (reply.code === 334) reply = await conn.command(token, 'AUTH PLAIN response');
  } else if (mechanisms.includes('LOGIN')) {
    reply = await conn.command('AUTH LOGIN', 'AUTH LOGIN');
    if (reply.code === 334) reply = await conn.command(b64(user), 'AUTH LOGIN username');
    if (reply.code === 334) reply = await conn.command(b64(password), 'AUTH LOGIN password');
  } else {
    throw unavailable(`the server offers neither AUTH PLAIN nor AUTH LOGIN (AUTH ${mechanisms.join(' ') || 'missing'})`);
  }
  if (reply.code === 235) return;
  if (reply.code === 334) {
    await conn.command('*', 'AUTH cancel').catch(() => {});
    throw new AppError('smtp-auth-failed', 'unexpected AUTH challenge');
  }
  // 454 and other 4xx: a temporary failure (say, the password database is down), not a wrong password.
  if (reply.code < 500) throw unavailable(`AUTH: ${formatReply(reply)}`);
  throw new AppError('smtp-auth-failed', `AUTH: ${formatReply(reply)}`);
}

/** The name we give in EHLO: our address as an address literal (RFC 5321 §4.1.4). */
function ehloName(localAddress: string | undefined): string {
  const ip = localAddress ?? '127.0.0.1';
  return net.isIPv6(ip) ? `[IPv6:${ip}]` : `[${ip}]`;
}

/**
 * Submits one message and returns once the server accepted it. Throws a coded AppError:
 * 'message-bad-line-ends' (before connecting), 'bad-request' (an invalid address),
 * 'smtp-unavailable', 'smtp-auth-failed', or SmtpRejectedError ('smtp-rejected'). When any
 * recipient is refused, the transaction is abandoned: nobody gets the message.
 */
export async function submitMessage(options: SubmitOptions): Promise<SubmitResult> {
  const { endpoint, caFile, user, password, message } = options;
  const problem = lineEndProblem(message);
  if (problem) throw new AppError('message-bad-line-ends', problem);
  if (options.from !== '' && !isEnvelopeAddress(options.from)) throw new AppError('bad-request', 'invalid sender address');
  if (options.to.length === 0) throw new AppError('bad-request', 'no recipients');
  for (const r of options.to) if (!isEnvelopeAddress(r)) throw new AppError('bad-request', 'invalid recipient address');
  const recipients = [...new Set(options.to)];
  const timeouts = { ...SMTP_TIMEOUTS, ...options.timeouts };

  const conn = await SmtpConnection.open(endpoint, caFile, timeouts);
  try {
    const greeting = await conn.read('the greeting');
    if (greeting.code !== 220) throw unavailable(`greeting: ${formatReply(greeting)}`);
    const name = ehloName(conn.localAddress);
    let caps = await ehlo(conn, name);
    if (endpoint.security === 'starttls') {
      // Never fall back to plain text: the password would travel in the clear.
      if (!caps.has('STARTTLS')) throw unavailable('the server does not offer STARTTLS');
      const reply = await conn.command('STARTTLS', 'STARTTLS');
      if (reply.code !== 220) throw unavailable(`STARTTLS: ${formatReply(reply)}`);
      await conn.startTls(endpoint, caFile);
      caps = await ehlo(conn, name); // RFC 3207 §4.2: forget what was said before TLS
    }
    await authenticate(conn, caps, user, password);

    const eightBit = !isAscii(message);
    const utf8Address = [options.from, ...recipients].some((a) => !isAscii(Buffer.from(a)));
    const params = [
      // RFC 1870: the size without dot-stuffing, and RFC 6152 / 6531 for 8-bit content.
      ...(caps.has('SIZE') ? [`SIZE=${message.length}`] : []),
      ...(eightBit && caps.has('8BITMIME') ? ['BODY=8BITMIME'] : []),
      ...(utf8Address && caps.has('SMTPUTF8') ? ['SMTPUTF8'] : []),
    ];
    const mail = await conn.command(`MAIL FROM:<${options.from && wireAddress(options.from)}>${params.map((p) => ` ${p}`).join('')}`, 'MAIL FROM');
    if (mail.code === 421) throw unavailable(`MAIL FROM: ${formatReply(mail)}`);
    if (!isOk(mail)) throw new SmtpRejectedError('mail', mail);

    const rejected: RecipientRejection[] = [];
    for (const recipient of recipients) {
      const reply = await conn.command(`RCPT TO:<${wireAddress(recipient)}>`, 'RCPT TO');
      if (reply.code === 421) throw unavailable(`RCPT TO: ${formatReply(reply)}`);
      if (!isOk(reply)) rejected.push({ recipient, reply });
    }
    if (rejected[0]) throw new SmtpRejectedError('rcpt', rejected[0].reply, rejected);

    const data = await conn.command('DATA', 'DATA');
    if (data.code === 421) throw unavailable(`DATA: ${formatReply(data)}`);
    if (data.code !== 354) throw new SmtpRejectedError('data', data);
    await conn.write(dotStuff(message), 'the message');
    await conn.write(END_OF_DATA, 'the end of data');
    const done = await conn.read('the end of data', timeouts.dataEndMs);
    if (done.code === 421) throw unavailable(`end of data: ${formatReply(done)}`);
    if (!isOk(done)) throw new SmtpRejectedError('data', done);
    await conn.quit();
    return { reply: formatReply(done) };
  } catch (err) {
    if (err instanceof SmtpRejectedError) await conn.quit();
    else conn.close();
    throw err;
  }
}
