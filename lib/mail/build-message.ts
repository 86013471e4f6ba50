// Builds the RFC 5322 bytes of a message in the browser: the server submits exactly these bytes
// and stores the same in Sent (and lib/smime will sign or encrypt them first). CRLF line ends,
// 7-bit transfer encoding, RFC 2047 encoded words for non-ASCII header text.
import type { MailAddress } from '../api/types';
import { bytesToBase64, concatBytes } from '../bytes';
import { type MimeEntity, attachmentEntity, multipart, serializeEntity } from './mime-parts';

export interface OutgoingMessage {
  from: MailAddress;
  to: MailAddress[];
  cc?: MailAddress[];
  subject: string;
  text: string;
  date?: Date;
  /** Without angle brackets; made from random bytes and the sender's domain when absent. */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  /** Only for drafts, so that a draft remembers them: a message to send never carries Bcc. */
  bcc?: MailAddress[];
  /** Sanitized HTML (lib/mail/sanitize-compose-html.ts); `text` is then its plain rendering. */
  html?: string;
  attachments?: OutgoingAttachment[];
}

export interface OutgoingAttachment {
  filename: string;
  mimeType: string;
  /** Exact bytes; a message/rfc822 attachment is the forwarded message as it was received. */
  content: Uint8Array;
}

const CRLF = '\r\n';
const utf8 = new TextEncoder();
const isPrintableAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);

/** RFC 2047 "B" words of at most 75 characters, never splitting a UTF-8 sequence. */
export function encodeWords(text: string): string[] {
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    // 39 bytes make 52 of base64: with the 12 of wrapping and a header name, lines stay under 78.
    if (utf8.encode(chunk + ch).length > 39) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${bytesToBase64(utf8.encode(w))}?=`);
}

const ADDR_SPEC = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;

export function formatAddress(a: MailAddress): string {
  if (!ADDR_SPEC.test(a.address)) throw new Error(`not an e-mail address: ${JSON.stringify(a.address)}`);
  if (!a.name) return a.address;
  if (!isPrintableAscii(a.name)) return `${encodeWords(a.name).join(' ')} <${a.address}>`;
  return `"${a.name.replace(/(["\\])/g, '\\$1')}" <${a.address}>`;
}

function unstructured(value: string): string {
  const oneLine = value.replace(/[\r\n]+/g, ' ');
  return isPrintableAscii(oneLine) && !oneLine.includes('=?') && oneLine.length < 900 ? oneLine : encodeWords(oneLine).join(`${CRLF} `);
}

/** Quoted-printable (RFC 2045 §6.7) of UTF-8 text, CRLF line ends, lines of at most 76. */
export function quotedPrintable(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => {
      const bytes = utf8.encode(line);
      let out = '';
      let width = 0;
      bytes.forEach((b, i) => {
        const last = i === bytes.length - 1;
        const plain = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
        // A leading dot is encoded too, so no line of the body can read as SMTP's end of data.
        const piece = plain && !(b === 46 && width === 0) ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
        if (width + piece.length > 75) {
          out += `=${CRLF}`;
          width = 0;
        }
        out += piece;
        width += piece.length;
      });
      return out;
    })
    .join(CRLF);
}

function formatDate(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function randomId(domain: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}@${domain}`;
}

/** The complete message as bytes. Bcc is written only for drafts (see OutgoingMessage.bcc). */
export function buildMessage(m: OutgoingMessage): Uint8Array {
  const domain = m.from.address.split('@')[1] ?? 'localhost';
  const headers = [
    `From: ${formatAddress(m.from)}`,
    // No To at all (a draft not yet addressed, or Bcc only) rather than an empty one.
    ...(m.to.length ? [`To: ${m.to.map(formatAddress).join(`,${CRLF} `)}`] : []),
    ...(m.cc?.length ? [`Cc: ${m.cc.map(formatAddress).join(`,${CRLF} `)}`] : []),
    ...(m.bcc?.length ? [`Bcc: ${m.bcc.map(formatAddress).join(`,${CRLF} `)}`] : []),
    `Subject: ${unstructured(m.subject)}`,
    `Date: ${formatDate(m.date ?? new Date())}`,
    `Message-ID: <${m.messageId ?? randomId(domain)}>`,
    ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`] : []),
    ...(m.references?.length ? [`References: ${m.references.map((r) => `<${r}>`).join(`${CRLF} `)}`] : []),
    'MIME-Version: 1.0',
  ];
  if (m.html === undefined && !m.attachments?.length) {
    // The plain-text message, byte for byte as it has always been built.
    headers.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable');
    return utf8.encode(`${headers.join(CRLF)}${CRLF}${CRLF}${quotedPrintable(m.text)}${CRLF}`);
  }
  return concatBytes(utf8.encode(`${headers.join(CRLF)}${CRLF}`), mimeBody(m));
}

function textEntity(text: string, subtype: 'plain' | 'html'): MimeEntity {
  return {
    headers: [`Content-Type: text/${subtype}; charset=utf-8`, 'Content-Transfer-Encoding: quoted-printable'],
    body: utf8.encode(`${quotedPrintable(text)}${CRLF}`),
    eightBit: false,
  };
}

/** The MIME body of a rich or attaching message: text (and HTML), then the attachments. */
function mimeBody(m: OutgoingMessage): Uint8Array {
  const text = textEntity(m.text, 'plain');
  const body = m.html === undefined ? text : multipart('alternative', [text, textEntity(m.html, 'html')]);
  const parts = m.attachments ?? [];
  return serializeEntity(parts.length ? multipart('mixed', [body, ...parts.map(attachmentEntity)]) : body);
}
