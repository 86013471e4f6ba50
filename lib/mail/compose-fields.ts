// What the composer edits, how it starts from the message answered, forwarded or continued, and
// how it becomes an outgoing message. Pure functions: the dialog holds the state.
import type { MailAddress } from '../api/types';
import type { OutgoingAttachment, OutgoingMessage } from './build-message';
import { htmlToText } from './html-to-text';
import type { ParsedMessage } from './parse-message';
import { parseRecipients } from './parse-recipients';
import { forwardBlock, replyQuote } from './quote-message';
import { forwardSubject, replyRecipients, replySubject, threadHeaders } from './reply-headers';
import { escapeHtml, sanitizeComposeHtml } from './sanitize-compose-html';

export type ComposeStart = 'new' | 'reply' | 'replyAll' | 'forward' | 'forwardAsAttachment' | 'draft';

export interface ComposeFields {
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  format: 'plain' | 'rich';
  /** The plain-text body (format 'plain'). */
  text: string;
  /** The editor's HTML (format 'rich'), sanitized before it is sent. */
  html: string;
  attachments: (OutgoingAttachment & { id: string })[];
  inReplyTo?: string;
  references?: string[];
}

export const emptyFields = (): ComposeFields => ({ to: '', cc: '', bcc: '', subject: '', format: 'plain', text: '', html: '', attachments: [] });

let nextId = 0;
export const attachmentId = () => `att-${++nextId}`;

/** "Name <address>" for a recipient field; names with separators or quotes are quoted. */
export function recipientText(list: MailAddress[]): string {
  return list
    .map((a) => {
      if (!a.name) return a.address;
      const name = a.name.replace(/"/g, "'");
      return /[,;<>@()]/.test(name) ? `"${name}" <${a.address}>` : `${name} <${a.address}>`;
    })
    .join(', ');
}

/**
 * A message/rfc822 attachment read back from a draft. postal-mime hands 7bit/8bit parts over
 * with LF line ends and the boundary's line end appended; lib/mail/mime-parts sends them that
 * way only when they were CRLF lines, so CRLF is restored (base64 parts come back exact, and
 * hold a CR whenever the original had CRLF).
 */
function restoredRfc822(content: Uint8Array): Uint8Array {
  if (content.includes(0x0d)) return content;
  const text = new TextDecoder('latin1').decode(content).replace(/\n$/, '').replace(/\n/g, '\r\n');
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** The fields a composer starts with, from the message it answers, forwards or continues. */
export function startFields(start: ComposeStart, source: ParsedMessage | null, raw: Uint8Array | null, self: string): ComposeFields {
  const fields = emptyFields();
  if (start === 'new' || !source) return fields;
  const headers = {
    subject: source.subject,
    from: source.from,
    replyTo: source.replyTo ?? [],
    to: source.to,
    cc: source.cc,
    messageId: source.messageId ?? null,
    references: source.references ?? [],
  };
  const files = source.attachments
    .filter((a) => !a.inline || !a.contentId)
    .map((a) => ({ id: attachmentId(), filename: a.filename, mimeType: a.mimeType, content: a.mimeType === 'message/rfc822' ? restoredRfc822(a.content) : a.content }));
  switch (start) {
    case 'reply':
    case 'replyAll': {
      const r = replyRecipients(headers, self, start === 'replyAll');
      return { ...fields, to: recipientText(r.to), cc: recipientText(r.cc), subject: replySubject(source.subject), text: replyQuote(source), ...threadHeaders(headers) };
    }
    case 'forward':
      return { ...fields, subject: forwardSubject(source.subject), text: forwardBlock(source), attachments: files };
    case 'forwardAsAttachment': {
      const name = `${(source.subject || 'message').replace(/[\\/:*?"<>|\s]+/g, ' ').trim().slice(0, 80) || 'message'}.eml`;
      return { ...fields, subject: forwardSubject(source.subject), attachments: raw ? [{ id: attachmentId(), filename: name, mimeType: 'message/rfc822', content: raw }] : [] };
    }
    case 'draft':
      return {
        to: recipientText(source.to),
        cc: recipientText(source.cc),
        bcc: recipientText(source.bcc ?? []),
        subject: source.subject,
        format: source.html ? 'rich' : 'plain',
        text: source.text?.replace(/\n$/, '') ?? '',
        html: source.html ? sanitizeComposeHtml(source.html).trim() : '',
        attachments: files,
        ...(source.inReplyTo ? { inReplyTo: source.inReplyTo } : {}),
        ...(source.references?.length ? { references: source.references } : {}),
      };
  }
}

/** Plain text as editor HTML: one block per line. */
export function textToHtml(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `<div>${escapeHtml(l)}</div>` : '<div><br></div>'))
    .join('');
}

/** The composer's fields switched to the other format, the body carried over. */
export function switchFormat(f: ComposeFields, format: ComposeFields['format']): ComposeFields {
  if (format === f.format) return f;
  return format === 'rich' ? { ...f, format, html: textToHtml(f.text) } : { ...f, format, text: htmlToText(sanitizeComposeHtml(f.html)) };
}

export type Recipients = { to: MailAddress[]; cc: MailAddress[]; bcc: MailAddress[] };

/** The typed recipients, or the entries that are not addresses. */
export function readRecipients(f: ComposeFields): { recipients: Recipients; invalid: string[] } {
  const to = parseRecipients(f.to);
  const cc = parseRecipients(f.cc);
  const bcc = parseRecipients(f.bcc);
  return { recipients: { to: to.addresses, cc: cc.addresses, bcc: bcc.addresses }, invalid: [...to.invalid, ...cc.invalid, ...bcc.invalid] };
}

/**
 * The message to build from the fields. A draft keeps Bcc in its header (so it comes back when
 * the draft is opened again); a message to send never has it. Rich text goes out sanitized,
 * with its plain rendering beside it.
 */
export function outgoingMessage(f: ComposeFields, from: MailAddress, recipients: Recipients, { draft }: { draft: boolean }): OutgoingMessage {
  const base: OutgoingMessage = {
    from,
    to: recipients.to,
    cc: recipients.cc,
    ...(draft && recipients.bcc.length ? { bcc: recipients.bcc } : {}),
    subject: f.subject,
    text: f.text,
    ...(f.inReplyTo ? { inReplyTo: f.inReplyTo } : {}),
    ...(f.references?.length ? { references: f.references } : {}),
    ...(f.attachments.length ? { attachments: f.attachments.map(({ filename, mimeType, content }) => ({ filename, mimeType, content })) } : {}),
  };
  if (f.format === 'plain') return base;
  const html = sanitizeComposeHtml(f.html);
  return { ...base, text: htmlToText(html), html: `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>${html}</body></html>` };
}
