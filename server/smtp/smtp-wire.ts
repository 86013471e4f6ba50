import 'server-only';

import { isAscii } from 'node:buffer';
import { domainToASCII } from 'node:url';

import { AppError } from '../errors';

// The bytes of SMTP (RFC 5321) that need no socket: reply parsing, EHLO keywords, the checks and
// dot-stuffing of the message, and envelope addresses.

/** Longest reply line kept (RFC 5321 §4.5.3.1.5 says 512 octets; some servers exceed it). */
export const MAX_REPLY_LINE_BYTES = 8192;
/** Most lines in one (multi-line) reply. */
export const MAX_REPLY_LINES = 200;
/** Most characters of a server's reply text shown to the user. */
const MAX_SHOWN_REPLY = 1000;

export interface SmtpReply {
  code: number;
  /** Text of each line, without the code and separator. */
  lines: string[];
}

/** "550 5.7.1 Relaying denied", one line, control characters removed, length-capped. */
export function formatReply(reply: SmtpReply): string {
  const text = reply.lines
    .map((l) => l.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\s]+/gu, ' ').trim())
    .filter(Boolean)
    .join(' ');
  const line = text ? `${reply.code} ${text}` : String(reply.code);
  return line.length > MAX_SHOWN_REPLY ? `${line.slice(0, MAX_SHOWN_REPLY)}…` : line;
}

// --- Replies (RFC 5321 §4.2) ----------------------------------------------------------------

/**
 * Splits the server's byte stream into replies. A reply is one or more lines "ddd-text", ending
 * with "ddd text" (or just "ddd"). Throws on anything else, or on an over-long line or reply.
 */
export class ReplyParser {
  private buffer: Buffer = Buffer.alloc(0);
  private lines: string[] = [];
  private code = 0;

  /** True when no partial line or reply is waiting for more bytes. */
  get idle(): boolean {
    return this.buffer.length === 0 && this.lines.length === 0;
  }

  push(chunk: Buffer): SmtpReply[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const replies: SmtpReply[] = [];
    let start = 0;
    for (let nl = this.buffer.indexOf(0x0a); nl >= 0; nl = this.buffer.indexOf(0x0a, start)) {
      const end = nl > start && this.buffer[nl - 1] === 0x0d ? nl - 1 : nl;
      const reply = this.line(this.buffer.subarray(start, end));
      if (reply) replies.push(reply);
      start = nl + 1;
    }
    this.buffer = this.buffer.subarray(start);
    if (this.buffer.length > MAX_REPLY_LINE_BYTES) throw new Error('reply line too long');
    return replies;
  }

  private line(bytes: Buffer): SmtpReply | null {
    if (bytes.length > MAX_REPLY_LINE_BYTES) throw new Error('reply line too long');
    const m = /^([2-5]\d\d)(?:([ -])(.*))?$/s.exec(bytes.toString('utf8'));
    if (!m) throw new Error(`malformed reply line ${JSON.stringify(bytes.subarray(0, 40).toString('latin1'))}`);
    const code = Number(m[1]);
    if (this.lines.length && code !== this.code) throw new Error(`reply code changed from ${this.code} to ${code}`);
    if (this.lines.length >= MAX_REPLY_LINES) throw new Error('reply has too many lines');
    this.code = code;
    this.lines.push(m[3] ?? '');
    if (m[2] === '-') return null;
    const reply = { code, lines: this.lines };
    this.lines = [];
    return reply;
  }
}

/** EHLO keywords (upper case) and their parameters (RFC 5321 §4.1.1.1). */
export function parseEhlo(reply: SmtpReply): Map<string, string[]> {
  const caps = new Map<string, string[]>();
  for (const line of reply.lines.slice(1)) {
    let [keyword = '', ...params] = line.trim().split(/\s+/);
    keyword = keyword.toUpperCase();
    // Old servers wrote "AUTH=PLAIN LOGIN".
    if (keyword.startsWith('AUTH=')) [keyword, params] = ['AUTH', [keyword.slice(5), ...params]];
    if (!keyword) continue;
    caps.set(keyword, [...(caps.get(keyword) ?? []), ...params.map((p) => (keyword === 'AUTH' ? p.toUpperCase() : p))]);
  }
  return caps;
}

// --- The message and the envelope ------------------------------------------------------------

/**
 * Why `message` cannot go through DATA unchanged, or null. Every line must end with CRLF: a bare
 * CR or LF would be rewritten by some server on the way (RFC 5321 §2.3.8, §4.1.1.4), and a last
 * line without CRLF would get one, so the copy in Sent would differ from what was delivered.
 */
export function lineEndProblem(message: Buffer): string | null {
  if (message.length === 0) return 'the message is empty';
  for (let lf = message.indexOf(0x0a); lf >= 0; lf = message.indexOf(0x0a, lf + 1)) {
    if (lf === 0 || message[lf - 1] !== 0x0d) return `bare LF at byte ${lf}`;
  }
  for (let cr = message.indexOf(0x0d); cr >= 0; cr = message.indexOf(0x0d, cr + 1)) {
    if (message[cr + 1] !== 0x0a) return `bare CR at byte ${cr}`;
  }
  if (message[message.length - 1] !== 0x0a) return 'the last line does not end with CRLF';
  return null;
}

const DOT = Buffer.from('.');

/**
 * RFC 5321 §4.5.2: every line that starts with "." gets one more in front; the server removes
 * it again. `message` ends with CRLF (see lineEndProblem), so the end of data is ".\r\n".
 */
export function dotStuff(message: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  if (message[0] === 0x2e) parts.push(DOT);
  for (let i = message.indexOf('\r\n.'); i >= 0; i = message.indexOf('\r\n.', start)) {
    parts.push(message.subarray(start, i + 2), DOT);
    start = i + 2;
  }
  if (parts.length === 0) return message;
  parts.push(message.subarray(start));
  return Buffer.concat(parts);
}

// RFC 5321 §4.1.2 Mailbox, with RFC 6531's UTF-8 in local parts and domains. Nothing in it can
// be a space, CR, LF or ">" outside a quoted local part, so an address cannot add a command.
const U = '(?:(?![\\p{C}\\p{Z}])[^\\x00-\\x7f])';
const ATOM = `(?:[A-Za-z0-9!#$%&'*+/=?^_\`{|}~-]|${U})+`;
const DOT_STRING = `${ATOM}(?:\\.${ATOM})*`;
const QUOTED_STRING = '"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\x20-\\x7e])*"';
const LABEL = `(?:[A-Za-z0-9]|${U})(?:(?:[A-Za-z0-9-]|${U})*(?:[A-Za-z0-9]|${U}))?`;
const DOMAIN = `${LABEL}(?:\\.${LABEL})*`;
const ADDRESS_LITERAL = '\\[(?:\\d{1,3}(?:\\.\\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]{2,45})\\]';
const MAILBOX = new RegExp(`^(?:${DOT_STRING}|${QUOTED_STRING})@(?:${DOMAIN}|${ADDRESS_LITERAL})$`, 'u');

/** Longest address in an envelope (RFC 5321 §4.5.3.1.3: a path is at most 256 octets with its <>). */
export const MAX_ADDRESS_LENGTH = 254;

/** True for an RFC 5321 envelope address (addr-spec without comments or folding). */
export function isEnvelopeAddress(address: string): boolean {
  if (Buffer.byteLength(address) > MAX_ADDRESS_LENGTH || !MAILBOX.test(address)) return false;
  const at = address.lastIndexOf('@');
  return Buffer.byteLength(address.slice(0, at)) <= 64;
}

/** The address as sent on the wire: an internationalized domain becomes its A-labels. */
export function wireAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  if (isAscii(Buffer.from(domain))) return address;
  const ascii = domainToASCII(domain);
  if (!ascii) throw new AppError('bad-request', 'invalid internationalized domain');
  return `${address.slice(0, at)}@${ascii}`;
}
