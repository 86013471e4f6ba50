// The recipient being typed in a To/Cc/Bcc field: the comma- or semicolon-separated part around
// the caret (separators inside quotes do not count, as in parse-recipients.ts), what to look up
// for it, and how a chosen suggestion replaces it.
import type { MailAddress } from '../api/types';

export interface RecipientToken {
  /** Where the part starts and ends in the field's text (end is the separator or the end). */
  start: number;
  end: number;
  /** The part's text before the caret, trimmed: what is being typed. */
  typed: string;
}

/** Longest text looked up: the server refuses longer queries. */
export const MAX_COMPLETION_QUERY_CHARS = 64;

/** The part of `value` the caret is in. */
export function tokenAt(value: string, caret: number): RecipientToken {
  const at = Math.max(0, Math.min(caret, value.length));
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ',' || c === ';')) {
      if (i >= at) return { start, end: i, typed: value.slice(start, at).trim() };
      start = i + 1;
    }
  }
  return { start, end: value.length, typed: value.slice(start, at).trim() };
}

/**
 * What to look up for a part, or null when there is nothing to complete: empty, already a
 * finished "Name <address>", or too long to be a name being typed.
 */
export function completionQuery(token: RecipientToken): string | null {
  if (/>\s*$/.test(token.typed)) return null;
  // "Name <addr" completes on the address being typed; a leading quote is not part of the name.
  const angle = token.typed.lastIndexOf('<');
  const q = (angle >= 0 ? token.typed.slice(angle + 1) : token.typed).replace(/^"+/, '').trim();
  return q && q.length <= MAX_COMPLETION_QUERY_CHARS ? q : null;
}

/** "Name <address>", the name quoted when it holds characters that would split or break it. */
export function formatRecipient({ name, address }: MailAddress): string {
  const clean = name.replace(/["\\\p{Cc}]/gu, '').trim();
  if (!clean) return address;
  return /[,;<>@()[\]:]/.test(clean) ? `"${clean}" <${address}>` : `${clean} <${address}>`;
}

/**
 * The field's text with `token` replaced by the chosen recipient, and where the caret goes:
 * after it, past a ", " added at the end so the next recipient can be typed straight away.
 */
export function insertRecipient(value: string, token: RecipientToken, recipient: MailAddress): { value: string; caret: number } {
  const before = value.slice(0, token.start);
  const after = value.slice(token.end);
  const lead = before === '' || /\s$/.test(before) ? '' : ' ';
  const text = `${before}${lead}${formatRecipient(recipient)}`;
  if (after.trim() === '') return { value: `${text}, `, caret: text.length + 2 };
  return { value: `${text}${after}`, caret: text.length };
}
