// Who a reply goes to, what it is called and which thread it joins: RFC 5322 §3.6.4 (In-Reply-To,
// References) and the Re:/Fwd: conventions of common clients, without doubling a prefix.
import type { MailAddress } from '../api/types';

/** The parts of the original message that answering it needs. */
export interface SourceHeaders {
  subject: string;
  from: MailAddress | null;
  replyTo: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  /** Message-ID without angle brackets, null when the original has none. */
  messageId: string | null;
  /** Its References (or In-Reply-To when it has no References), without angle brackets. */
  references: string[];
}

/**
 * References keep the thread's first message and the most recent ones: a long thread must not
 * grow the header without bound (RFC 5322 §3.6.4 allows trimming; the root matters most).
 */
export const MAX_REFERENCES = 20;

// "Re:", "RE :", "Re[2]:", "Aw:", "Fwd:", "Fw:", "WG:" and repeats of them, as other clients write.
const REPLY_PREFIX = /^\s*(?:re|aw|sv|antw)\s*(?:\[\d+\])?\s*:\s*/i;
const FORWARD_PREFIX = /^\s*(?:fwd?|wg|tr|vs)\s*(?:\[\d+\])?\s*:\s*/i;

function strip(subject: string, prefix: RegExp): string {
  let s = subject;
  for (let i = 0; i < 20 && prefix.test(s); i++) s = s.replace(prefix, '');
  return s.trim();
}

export function replySubject(subject: string): string {
  return `Re: ${strip(subject, REPLY_PREFIX)}`;
}

export function forwardSubject(subject: string): string {
  return `Fwd: ${strip(subject, FORWARD_PREFIX)}`;
}

const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Drops the user's own address and repeats (first one wins, compared case-insensitively). */
function distinct(list: MailAddress[], exclude: MailAddress[], self: string): MailAddress[] {
  const out: MailAddress[] = [];
  for (const a of list) {
    if (!a.address || sameAddress(a.address, self)) continue;
    if ([...exclude, ...out].some((b) => sameAddress(a.address, b.address))) continue;
    out.push(a);
  }
  return out;
}

/**
 * Recipients of a reply. Reply goes to Reply-To when the original has one, else to From. Reply
 * all adds the original's To and Cc; the user's own address and duplicates are left out. When
 * the user answers their own message (From is themselves), the reply goes to the original's To.
 */
export function replyRecipients(src: SourceHeaders, self: string, all: boolean): { to: MailAddress[]; cc: MailAddress[] } {
  const author = src.replyTo.length ? src.replyTo : src.from ? [src.from] : [];
  const ownMessage = author.length > 0 && author.every((a) => sameAddress(a.address, self));
  let to = distinct(ownMessage ? src.to : author, [], self);
  if (!all) return { to, cc: [] };
  if (ownMessage) return { to, cc: distinct(src.cc, to, self) };
  to = distinct([...to, ...src.to], [], self);
  return { to, cc: distinct(src.cc, to, self) };
}

/** In-Reply-To and References of a reply (RFC 5322 §3.6.4), References bounded by MAX_REFERENCES. */
export function threadHeaders(src: SourceHeaders): { inReplyTo?: string; references?: string[] } {
  if (!src.messageId) return src.references.length ? { references: bound(src.references) } : {};
  return { inReplyTo: src.messageId, references: bound([...src.references.filter((r) => r !== src.messageId), src.messageId]) };
}

function bound(refs: string[]): string[] {
  if (refs.length <= MAX_REFERENCES) return refs;
  return [refs[0]!, ...refs.slice(refs.length - (MAX_REFERENCES - 1))];
}
