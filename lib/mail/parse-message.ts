// Turns a message's raw RFC 5322 bytes into what the reader shows. Runs in the browser (and in
// Node for tests); MIME parsing is postal-mime's, with our limits in front of it.
import PostalMime from 'postal-mime';

import type { MailAddress } from '../api/types';

/**
 * Messages with more multipart containers than this are refused rather than parsed: it bounds
 * nesting depth (a hostile message may nest thousands) and breadth alike.
 */
export const MAX_MULTIPARTS = 50;
/** Headers beyond this size are refused (RFC 5322 sets no limit; real mail stays far below). */
export const MAX_HEADER_BYTES = 256 * 1024;

export interface ParsedAttachment {
  filename: string;
  mimeType: string;
  size: number;
  contentId: string | null;
  inline: boolean;
  content: Uint8Array;
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

export class MessageParseError extends Error {
  constructor(
    readonly code: 'header-too-large' | 'too-many-parts' | 'unparseable',
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

function headerBlockSize(raw: Uint8Array): number {
  for (let i = 0; i + 3 < raw.length; i++) {
    if (raw[i] === 0x0d && raw[i + 1] === 0x0a && raw[i + 2] === 0x0d && raw[i + 3] === 0x0a) return i;
    if (raw[i] === 0x0a && raw[i + 1] === 0x0a) return i;
  }
  return raw.length;
}

// Counts multipart Content-Type headers in the raw bytes, before any parsing.
function multipartCount(raw: Uint8Array): number {
  const text = new TextDecoder('latin1').decode(raw);
  return (text.match(/content-type:\s*multipart\//gi) ?? []).length;
}

export async function parseMessage(raw: Uint8Array): Promise<ParsedMessage> {
  if (headerBlockSize(raw) > MAX_HEADER_BYTES) {
    throw new MessageParseError('header-too-large', 'The message header is too large to show.');
  }
  if (multipartCount(raw) > MAX_MULTIPARTS) {
    throw new MessageParseError('too-many-parts', 'The message has too many parts to show.');
  }
  let mail;
  try {
    mail = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  } catch {
    throw new MessageParseError('unparseable', 'The message could not be read.');
  }
  const from = addresses(mail.from ? [mail.from as PostalAddress] : [])[0] ?? null;
  const ids = (v: string | undefined) => (v?.match(/<[^<>\s]+>/g) ?? []).map((id) => id.slice(1, -1));
  const inReplyTo = ids(mail.inReplyTo)[0] ?? null;
  const references = ids(mail.references);
  return {
    subject: mail.subject ?? '',
    from,
    to: addresses(mail.to as PostalAddress[] | undefined),
    cc: addresses(mail.cc as PostalAddress[] | undefined),
    date: mail.date ?? null,
    messageId: ids(mail.messageId)[0] ?? null,
    references: references.length ? references : inReplyTo ? [inReplyTo] : [],
    inReplyTo,
    replyTo: addresses(mail.replyTo as PostalAddress[] | undefined),
    bcc: addresses(mail.bcc as PostalAddress[] | undefined),
    text: mail.text ?? null,
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
  };
}
