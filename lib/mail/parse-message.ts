// Turns a message's raw RFC 5322 bytes into what the reader shows. Runs in the browser (and in
// Node for tests); MIME parsing is postal-mime's, with our limits in front of it. Bad input never
// throws: what can be read is returned with notices saying what was wrong.
import PostalMime from 'postal-mime';

import type { MailAddress } from '../api/types';
import { concatBytes } from '../bytes';

/**
 * Messages with more multipart containers than this are not parsed beyond their header: it bounds
 * nesting depth (a hostile message may nest thousands) and breadth alike.
 */
export const MAX_MULTIPARTS = 50;
/** Header bytes read; the rest of a larger header block is dropped (RFC 5322 sets no limit; real mail stays far below). */
export const MAX_HEADER_BYTES = 256 * 1024;
/** Raw body bytes shown as text when the MIME structure is too broken to find any part. */
export const MAX_RAW_FALLBACK_BYTES = 1024 * 1024;
/** Charset labels checked per message for the unknown-charset notice. */
export const MAX_CHARSETS_CHECKED = 50;

export interface ParsedAttachment {
  filename: string;
  mimeType: string;
  size: number;
  contentId: string | null;
  inline: boolean;
  content: Uint8Array;
}

export type MessageNoticeCode =
  | 'header-too-large'
  | 'too-many-parts'
  | 'unparseable'
  | 'unknown-charset'
  | 'broken-structure'
  | 'eight-bit-header'
  | 'no-content-type'
  | 'incomplete-structure'
  | 'text-too-long';

/** Something wrong with the message that the reader tells the user about (it still shows what it could read). */
export interface MessageNotice {
  code: MessageNoticeCode;
  message: string;
}

export interface ParsedMessage {
  subject: string;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  date: string | null;
  text: string | null;
  html: string | null;
  attachments: ParsedAttachment[];
  notices: MessageNotice[];
  // Optional so that hand-made ParsedMessages (tests, other stores) stay valid; parseMessage
  // always sets them. Replying and continuing a draft need them.
  /** Message-ID without angle brackets. */
  messageId?: string | null;
  /** References, or In-Reply-To when the message has no References, without angle brackets. */
  references?: string[];
  /** In-Reply-To's first Message-ID (drafts keep what they answer). */
  inReplyTo?: string | null;
  replyTo?: MailAddress[];
  /** Only drafts carry Bcc. */
  bcc?: MailAddress[];
}

/** Kept for callers that distinguish parse failures; parseMessage itself no longer throws it. */
export class MessageParseError extends Error {
  constructor(
    readonly code: MessageNoticeCode,
    message: string,
  ) {
    super(message);
    this.name = 'MessageParseError';
  }
}

type PostalAddress = { name?: string; address?: string; group?: PostalAddress[] };

function addresses(list: PostalAddress[] | undefined): MailAddress[] {
  return (list ?? []).flatMap((a) => (a.group ? addresses(a.group) : [{ name: a.name ?? '', address: a.address ?? '' }]));
}

/** Where the header block ends (index of its blank line) and the body starts. */
function headerBlock(raw: Uint8Array): { end: number; bodyStart: number } {
  for (let i = 0; i + 1 < raw.length; i++) {
    if (raw[i] === 0x0a && raw[i + 1] === 0x0a) return { end: i + 1, bodyStart: i + 2 };
    if (raw[i] === 0x0a && raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return { end: i + 1, bodyStart: i + 3 };
  }
  return { end: raw.length, bodyStart: raw.length };
}

const CRLF = new Uint8Array([0x0d, 0x0a]);
const latin1 = (b: Uint8Array) => new TextDecoder('latin1').decode(b);

// Counts multipart Content-Type headers in the raw bytes, before any parsing.
function multipartCount(text: string): number {
  return (text.match(/content-type:\s*multipart\//gi) ?? []).length;
}

function isKnownCharset(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

/** Cheap checks on the raw text for the notices postal-mime would silently paper over. */
function structureNotices(text: string, header: string): MessageNotice[] {
  const notices: MessageNotice[] = [];
  const unknown = new Set<string>();
  let checked = 0;
  for (const m of text.matchAll(/charset\s*=\s*"?([^\s";]+)/gi)) {
    if (++checked > MAX_CHARSETS_CHECKED) break;
    if (!isKnownCharset(m[1]!.toLowerCase())) unknown.add(m[1]!.slice(0, 40));
  }
  if (unknown.size > 0) {
    notices.push({ code: 'unknown-charset', message: `Some text is in an unknown character set (${[...unknown].join(', ')}); it may not display correctly.` });
  }
  let broken = false;
  let incomplete = false;
  checked = 0;
  for (const m of text.matchAll(/content-type:\s*multipart\/[^;\r\n]{0,200};[^]{0,2000}?boundary\s*=\s*(?:"([^"]{1,200})"|([^\s;]{1,200}))/gi)) {
    if (++checked > MAX_MULTIPARTS) break;
    const boundary = m[1] ?? m[2]!;
    const at = m.index + m[0].length;
    if (!text.includes(`--${boundary}`, at)) broken = true;
    else if (!text.includes(`--${boundary}--`, at)) incomplete = true;
  }
  if (broken) notices.push({ code: 'broken-structure', message: 'Parts of this message are missing: its MIME boundaries are broken.' });
  if (incomplete) notices.push({ code: 'incomplete-structure', message: 'This message seems to be cut off: some parts may be incomplete.' });
  if (!/^content-type:/im.test(header) && /^mime-version:/im.test(header)) {
    notices.push({ code: 'no-content-type', message: 'This message does not say what it contains; it is shown as plain text.' });
  }
  return notices;
}

export async function parseMessage(raw: Uint8Array): Promise<ParsedMessage> {
  const notices: MessageNotice[] = [];
  const block = headerBlock(raw);
  let headerBytes = raw.subarray(0, block.end);
  if (headerBytes.length > MAX_HEADER_BYTES) {
    // Keep whole lines up to the limit: the fields at the top (From, Subject…) usually survive.
    const cut = headerBytes.subarray(0, MAX_HEADER_BYTES).lastIndexOf(0x0a) + 1;
    headerBytes = headerBytes.subarray(0, cut);
    notices.push({ code: 'header-too-large', message: 'The message header is too large; only its first part was read.' });
  }
  if (headerBytes.some((b) => b >= 0x80)) {
    notices.push({ code: 'eight-bit-header', message: 'The message header has unencoded non-ASCII characters; names and subject may display wrongly.' });
  }
  const body = raw.subarray(block.bodyStart);
  const text = latin1(concatBytes(headerBytes, body));
  const header = latin1(headerBytes);
  let input = concatBytes(headerBytes, CRLF, body);
  if (multipartCount(text) > MAX_MULTIPARTS) {
    notices.push({ code: 'too-many-parts', message: 'This message has too many nested parts; only its header is shown.' });
    input = concatBytes(headerBytes, CRLF);
  } else {
    notices.push(...structureNotices(text, header));
  }
  let mail;
  try {
    mail = await PostalMime.parse(input, { attachmentEncoding: 'arraybuffer' });
  } catch {
    notices.push({ code: 'unparseable', message: 'The message could not be read completely; only its header is shown.' });
    try {
      mail = await PostalMime.parse(concatBytes(headerBytes, CRLF), { attachmentEncoding: 'arraybuffer' });
    } catch {
      mail = { attachments: [] } as unknown as Awaited<ReturnType<typeof PostalMime.parse>>;
    }
  }
  const from = addresses(mail.from ? [mail.from as PostalAddress] : [])[0] ?? null;
  let bodyText = mail.text ?? null;
  if (!bodyText && !mail.html && notices.some((n) => n.code === 'broken-structure')) {
    // No part could be found: the raw body is the best reading there is.
    bodyText = new TextDecoder('utf-8').decode(body.subarray(0, MAX_RAW_FALLBACK_BYTES));
  }
  const ids = (v: string | undefined) => (v?.match(/<[^<>\s]+>/g) ?? []).map((id) => id.slice(1, -1));
  const inReplyTo = ids(mail.inReplyTo)[0] ?? null;
  const references = ids(mail.references);
  return {
    subject: mail.subject ?? '',
    from,
    to: addresses(mail.to as PostalAddress[] | undefined),
    cc: addresses(mail.cc as PostalAddress[] | undefined),
    date: mail.date && !Number.isNaN(new Date(mail.date).getTime()) ? mail.date : null,
    messageId: ids(mail.messageId)[0] ?? null,
    references: references.length ? references : inReplyTo ? [inReplyTo] : [],
    inReplyTo,
    replyTo: addresses(mail.replyTo as PostalAddress[] | undefined),
    bcc: addresses(mail.bcc as PostalAddress[] | undefined),
    text: bodyText,
    html: mail.html ?? null,
    attachments: mail.attachments.map((a) => {
      const content = a.content instanceof ArrayBuffer ? new Uint8Array(a.content) : new TextEncoder().encode(String(a.content));
      return {
        filename: a.filename ?? 'attachment',
        mimeType: a.mimeType,
        size: content.byteLength,
        contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : null,
        inline: a.disposition === 'inline',
        content,
      };
    }),
    notices,
  };
}
