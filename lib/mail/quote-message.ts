// The original's text in a reply ("> " quoted) or an inline forward (its headers, then its text).
import type { MailAddress } from '../api/types';
import { htmlToText } from './html-to-text';

/** Quoted text beyond this many characters is cut: a reply should not carry a whole archive. */
export const MAX_QUOTED_CHARS = 256 * 1024;

export interface QuotedSource {
  subject: string;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  /** ISO 8601, null when the original has no date. */
  date: string | null;
  text: string | null;
  html: string | null;
}

export const displayAddress = (a: MailAddress) => (a.name ? `${a.name} <${a.address}>` : a.address);

/**
 * The text the reader showed: its HTML when there is one (a text/plain alternative may say
 * something else, a covert channel of the REPLY attacks, ACNS 2019), else the plain text.
 */
function bodyText(src: QuotedSource): string {
  let text = src.html ? htmlToText(src.html.slice(0, MAX_QUOTED_CHARS * 4)) : (src.text ?? '');
  text = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}\n[…]` : text;
}

const when = (date: string | null) => (date ? new Date(date).toUTCString() : null);

/** "On <date>, <sender> wrote:" and the original's text with "> " before each line. */
export function replyQuote(src: QuotedSource): string {
  const who = src.from ? displayAddress(src.from) : 'someone';
  const date = when(src.date);
  const quoted = bodyText(src)
    .split('\n')
    .map((l) => (l.startsWith('>') || l === '' ? `>${l}` : `> ${l}`))
    .join('\n');
  return `\n\n${date ? `On ${date}, ${who} wrote:` : `${who} wrote:`}\n${quoted}\n`;
}

/** The original's headers and text under a "Forwarded message" line. */
export function forwardBlock(src: QuotedSource): string {
  const lines = [
    '',
    '',
    '---------- Forwarded message ----------',
    `From: ${src.from ? displayAddress(src.from) : ''}`,
    ...(src.date ? [`Date: ${when(src.date)}`] : []),
    `Subject: ${src.subject}`,
    ...(src.to.length ? [`To: ${src.to.map(displayAddress).join(', ')}`] : []),
    ...(src.cc.length ? [`Cc: ${src.cc.map(displayAddress).join(', ')}`] : []),
    '',
    bodyText(src),
    '',
  ];
  return lines.join('\n');
}
