// Reading a large message part by part: from its BODYSTRUCTURE (fetched by the server, no body
// bytes) decide which parts are the text to show and which are attachments, fetch only the text,
// and leave each attachment to be fetched when the user downloads or previews it.
import type { MessagePart, MessageStructure } from '../api/types';
import { type MessageNotice, type ParsedMessage, parseMessage } from './parse-message';
import { decodeTransferEncoding } from './transfer-decoding';

/** Messages larger than this are read part by part; smaller ones are fetched whole (one request). */
export const LARGE_MESSAGE_BYTES = 1024 * 1024;
/** Text parts fetched for one message, and the most bytes each may have. */
export const MAX_TEXT_PARTS = 20;
export const MAX_TEXT_PART_BYTES = 8 * 1024 * 1024;
/** Inline (cid:) images fetched with the text, each at most this large; bigger ones stay attachments. */
export const MAX_INLINE_IMAGE_BYTES = 2 * 1024 * 1024;

/** An attachment as the reader lists it: its bytes, or where to fetch them (part number, transfer encoding). */
export interface ReaderAttachment {
  filename: string;
  mimeType: string;
  /** Decoded size in bytes; an estimate when `sizeExact` is false (only the encoded size is known). */
  size: number;
  sizeExact: boolean;
  contentId: string | null;
  inline: boolean;
  /** The decoded bytes once known (always for a message read whole). */
  content: Uint8Array | null;
  part: string | null;
  encoding: string | null;
}

export interface ReaderMessage extends Omit<ParsedMessage, 'attachments'> {
  attachments: ReaderAttachment[];
  /** True when the message was read part by part (its attachments are fetched on demand). */
  partial: boolean;
}

export function fromParsed(m: ParsedMessage): ReaderMessage {
  return {
    ...m,
    partial: false,
    attachments: m.attachments.map((a) => ({ ...a, sizeExact: true, part: null, encoding: null })),
  };
}

/**
 * S/MIME (RFC 8551) is verified or decrypted over the exact bytes of the whole message; a
 * single-part message has nothing to leave out.
 */
export function needsWholeMessage(s: MessageStructure): boolean {
  const t = s.root.type;
  return t === 'multipart/signed' || t === 'application/pkcs7-mime' || t === 'application/x-pkcs7-mime' || !t.startsWith('multipart/');
}

/** Read part by part: large, multipart, and not S/MIME. */
export const readPartByPart = (s: MessageStructure) => s.size > LARGE_MESSAGE_BYTES && !needsWholeMessage(s);

const filenameOf = (p: MessagePart) => p.dispositionParameters.filename || p.parameters.name || '';

function estimatedSize(p: MessagePart): number {
  // base64 carries 3 bytes in 4 characters, lines of 76 plus CRLF.
  if (p.encoding === 'base64') return Math.floor((p.size * 76) / 78 / 4) * 3;
  return p.size;
}

export interface MessagePlan {
  /** text/plain and text/html parts that make up the body, in order. */
  textParts: MessagePart[];
  attachments: ReaderAttachment[];
}

/** Splits the tree into body text and attachments (postal-mime's rules: a named or "attachment" part is a file). */
export function planMessage(s: MessageStructure): MessagePlan {
  const textParts: MessagePart[] = [];
  const attachments: ReaderAttachment[] = [];
  const walk = (p: MessagePart) => {
    if (p.children) return p.children.forEach(walk);
    const isText = p.type === 'text/plain' || p.type === 'text/html';
    if (isText && p.disposition !== 'attachment' && !filenameOf(p) && textParts.length < MAX_TEXT_PARTS) {
      textParts.push(p);
      return;
    }
    const sizeExact = !p.encoding || !['base64', 'quoted-printable'].includes(p.encoding);
    attachments.push({
      filename: filenameOf(p) || (p.type === 'message/rfc822' ? 'message.eml' : 'attachment'),
      mimeType: p.type,
      size: estimatedSize(p),
      sizeExact,
      contentId: p.id,
      inline: p.disposition === 'inline',
      content: null,
      part: p.part,
      encoding: p.encoding,
    });
  };
  walk(s.root);
  return { textParts, attachments };
}

/** A one-part message around a fetched part body, so postal-mime decodes its transfer encoding and charset. */
function syntheticPart(p: MessagePart, body: Uint8Array): Uint8Array {
  // Only token characters survive into the header we build (the values come from the server's parse).
  const token = (v: string) => v.replace(/[^\w.:+-]/g, '');
  const charset = p.parameters.charset ? `; charset="${token(p.parameters.charset)}"` : '';
  const format = p.parameters.format ? `; format=${token(p.parameters.format)}` : '';
  const delsp = p.parameters.delsp ? `; delsp=${token(p.parameters.delsp)}` : '';
  const head = `Content-Type: ${p.type}${charset}${format}${delsp}\r\nContent-Transfer-Encoding: ${token(p.encoding ?? '7bit') || '7bit'}\r\n\r\n`;
  const bytes = new TextEncoder().encode(head);
  const out = new Uint8Array(bytes.length + body.length);
  out.set(bytes);
  out.set(body, bytes.length);
  return out;
}

export interface PartFetcher {
  /** The raw (still transfer-encoded) bytes of one body section (a part number or "HEADER"), at most `max` of them. */
  (section: string, max?: number): Promise<Uint8Array>;
}

/** Header bytes fetched for a message read part by part (parseMessage reads at most MAX_HEADER_BYTES of them). */
export const MAX_HEADER_FETCH_BYTES = 1024 * 1024;

/**
 * Reads a large message from its structure: the header and the text parts only. Attachments are
 * listed (with estimated sizes) but not fetched; cid: images are left for `loadInlineImages`.
 */
export async function readPartial(s: MessageStructure, fetchPart: PartFetcher): Promise<ReaderMessage> {
  const plan = planMessage(s);
  const [header, ...bodies] = await Promise.all([
    fetchPart('HEADER', MAX_HEADER_FETCH_BYTES),
    ...plan.textParts.map((p) => fetchPart(p.part, MAX_TEXT_PART_BYTES)),
  ]);
  // The header alone parses as a message with an empty body: subject, addresses, date, header notices.
  const headerOnly = await parseMessage(header!);
  const notices: MessageNotice[] = headerOnly.notices.filter((n) => n.code !== 'broken-structure' && n.code !== 'incomplete-structure');
  if (s.truncated) notices.push({ code: 'too-many-parts', message: 'This message has too many parts; some are not listed.' });
  const texts: string[] = [];
  const htmls: string[] = [];
  for (const [i, p] of plan.textParts.entries()) {
    const body = bodies[i]!.subarray(0, MAX_TEXT_PART_BYTES);
    if (body.length >= MAX_TEXT_PART_BYTES && !notices.some((n) => n.code === 'text-too-long')) {
      notices.push({ code: 'text-too-long', message: `The text of this message is very long; only its first ${MAX_TEXT_PART_BYTES / 1024 / 1024} MB are shown.` });
    }
    const parsed = await parseMessage(syntheticPart(p, body));
    for (const n of parsed.notices) if (!notices.some((m) => m.code === n.code)) notices.push(n);
    if (p.type === 'text/html' && parsed.html) htmls.push(parsed.html);
    else if (parsed.text) texts.push(parsed.text);
  }
  return {
    ...headerOnly,
    text: texts.length ? texts.join('\n') : null,
    html: htmls.length ? htmls.join('<hr>') : null,
    attachments: plan.attachments,
    notices,
    partial: true,
  };
}

/** Decodes a fetched attachment part (the browser removes the transfer encoding itself). */
export const decodeAttachment = (a: ReaderAttachment, raw: Uint8Array) => decodeTransferEncoding(raw, a.encoding);

/** The cid: images the HTML body refers to that are worth fetching with the text. */
export function inlineImagesToFetch(m: ReaderMessage): ReaderAttachment[] {
  if (!m.html) return [];
  return m.attachments.filter(
    (a) => a.content === null && a.part && a.contentId && /^image\/(png|gif|jpeg|webp)$/.test(a.mimeType) && a.size <= MAX_INLINE_IMAGE_BYTES && m.html!.includes(`cid:${a.contentId}`),
  );
}
