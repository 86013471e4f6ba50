import 'server-only';

import type { MessageSearch, MessageSortKey } from '@/lib/api/types';
import { normalizeSearch } from '@/lib/mail/list-query';

// Builds the arguments of UID SORT (RFC 5256) and UID SEARCH (RFC 3501 section 6.4.4) from the
// list's view, as imapflow command attributes, and reads the numbers of their untagged answers.
// Search terms are the user's: they go out as quoted strings, or as literals when they hold
// non-ASCII characters (a quoted string is 7-bit only, section 4.3), with CHARSET UTF-8.

export type ImapAttribute =
  | { type: 'ATOM'; value: string }
  | { type: 'STRING'; value: string }
  | { type: 'LITERAL'; value: Buffer }
  | ImapAttribute[];

/** Most UIDs one view holds (4 bytes each): a bigger folder is listed up to this many. */
export const MAX_VIEW_MESSAGES = 1_000_000;

const atom = (value: string): ImapAttribute => ({ type: 'ATOM', value });

// Printable ASCII only: anything else travels as a literal.
const QUOTABLE = /^[\x20-\x7e]*$/;

function term(value: string): { attr: ImapAttribute; utf8: boolean } {
  if (QUOTABLE.test(value)) return { attr: { type: 'STRING', value }, utf8: false };
  return { attr: { type: 'LITERAL', value: Buffer.from(value, 'utf8') }, utf8: true };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** YYYY-MM-DD (+ days) as an IMAP date, "1-Feb-2024" (RFC 3501 date-text). */
export function imapDate(iso: string, plusDays = 0): string {
  const d = new Date(Date.parse(`${iso}T00:00:00Z`) + plusDays * 86_400_000);
  return `${d.getUTCDate()}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()}`;
}

/**
 * SEARCH keys for a search (ALL for none). `utf8` says whether a term needs CHARSET UTF-8.
 * "Has attachment" is HEADER Content-Type "multipart/mixed": IMAP has no attachment key, and a
 * mixed multipart is how mail clients send files (a forwarded message or a signed mail with
 * attachments inside multipart/signed is missed; an empty mixed multipart is a false hit).
 */
export function searchKeys(search: MessageSearch | null): { keys: ImapAttribute[]; utf8: boolean } {
  const s = normalizeSearch(search);
  if (!s) return { keys: [atom('ALL')], utf8: false };
  const keys: ImapAttribute[] = [];
  let utf8 = false;
  const add = (key: string, value: string) => {
    const t = term(value);
    utf8 ||= t.utf8;
    keys.push(atom(key), t.attr);
  };
  if (s.text) {
    // OR FROM t OR TO t OR SUBJECT t BODY t
    for (const key of ['FROM', 'TO', 'SUBJECT']) {
      keys.push(atom('OR'));
      add(key, s.text);
    }
    add('BODY', s.text);
  }
  if (s.from) add('FROM', s.from);
  if (s.to) add('TO', s.to);
  if (s.subject) add('SUBJECT', s.subject);
  if (s.body) add('BODY', s.body);
  // By the Date header, as the list shows it; SENTBEFORE is exclusive, so the day after `until`.
  if (s.since) keys.push(atom('SENTSINCE'), atom(imapDate(s.since)));
  if (s.until) keys.push(atom('SENTBEFORE'), atom(imapDate(s.until, 1)));
  if (s.unread) keys.push(atom('UNSEEN'));
  if (s.flagged) keys.push(atom('FLAGGED'));
  if (s.hasAttachment) keys.push(atom('HEADER'), { type: 'STRING', value: 'Content-Type' }, { type: 'STRING', value: 'multipart/mixed' });
  return { keys, utf8 };
}

const SORT_KEY: Record<MessageSortKey, string> = { date: 'DATE', from: 'FROM', subject: 'SUBJECT', size: 'SIZE' };

const RETURN_ALL: ImapAttribute[] = [atom('RETURN'), [atom('ALL')]];

/**
 * The arguments of UID SORT: [RETURN (ALL)] (sort criteria) charset search keys. Ties fall to
 * arrival order. `esort`: the answer comes as one ESEARCH set (RFC 5267).
 */
export function sortArguments(sort: MessageSortKey, descending: boolean, search: MessageSearch | null, { esort = false } = {}): ImapAttribute[] {
  const criteria = descending ? [atom('REVERSE'), atom(SORT_KEY[sort])] : [atom(SORT_KEY[sort])];
  return [...(esort ? RETURN_ALL : []), criteria, atom('UTF-8'), ...searchKeys(search).keys];
}

/** The arguments of UID SEARCH, with CHARSET UTF-8 only when a term needs it; `esearch`: RETURN (ALL). */
export function searchArguments(search: MessageSearch | null, { esearch = false } = {}): ImapAttribute[] {
  const { keys, utf8 } = searchKeys(search);
  return [...(esearch ? RETURN_ALL : []), ...(utf8 ? [atom('CHARSET'), atom('UTF-8')] : []), ...keys];
}

const NZ_NUMBER = /^[1-9]\d{0,9}$/;

/**
 * Collects the UIDs of untagged SORT/SEARCH answers into a compact array, bounded by
 * MAX_VIEW_MESSAGES; anything that is not an nz-number (RFC 3501) is skipped.
 */
export class UidCollector {
  private buf = new Uint32Array(1024);
  length = 0;
  truncated = false;

  /**
   * One untagged ESEARCH answer (RFC 4731, and ESORT, RFC 5267): `(TAG "x") UID ALL <set>`, the
   * set in result order. Much smaller than a SORT/SEARCH line when the order has runs.
   */
  addEsearch(untagged: { attributes?: unknown[] } | undefined): void {
    const attrs = untagged?.attributes ?? [];
    const at = attrs.findIndex((a) => typeof (a as { value?: unknown } | null)?.value === 'string' && (a as { value: string }).value.toUpperCase() === 'ALL');
    const set = at >= 0 ? (attrs[at + 1] as { value?: unknown } | undefined)?.value : undefined;
    if (typeof set === 'string') this.addSequenceSet(set);
  }

  /**
   * A UID set in result order: "5,3:1" is 5, 3, 2, 1 (a range runs the way it is written).
   * '*' is not a UID (RFC 3501 section 9, seq-number in a server's answer) and is skipped.
   */
  addSequenceSet(set: string): void {
    for (const part of set.split(',')) {
      const [a, b, extra] = part.split(':');
      if (extra !== undefined || !a || !NZ_NUMBER.test(a) || (b !== undefined && !NZ_NUMBER.test(b))) continue;
      const from = Number(a);
      const to = b === undefined ? from : Number(b);
      if (from > 0xffffffff || to > 0xffffffff) continue;
      const step = to >= from ? 1 : -1;
      for (let n = from; ; n += step) {
        if (this.truncated) return;
        this.push(n);
        if (n === to) break;
      }
    }
  }

  /** One untagged answer: imapflow hands SEARCH as `numbers`, SORT as atom `attributes`. */
  add(untagged: { numbers?: number[]; attributes?: unknown[] } | undefined): void {
    if (!untagged) return;
    const values: unknown[] = untagged.numbers ?? untagged.attributes ?? [];
    for (const v of values) {
      const raw = typeof v === 'number' ? String(v) : (v as { value?: unknown } | null)?.value;
      if (typeof raw !== 'string' || !NZ_NUMBER.test(raw)) continue;
      const n = Number(raw);
      if (n > 0xffffffff) continue;
      this.push(n);
    }
  }

  push(n: number): void {
    if (this.length >= MAX_VIEW_MESSAGES) {
      this.truncated = true;
      return;
    }
    if (this.length === this.buf.length) {
      const next = new Uint32Array(Math.min(MAX_VIEW_MESSAGES, this.buf.length * 2));
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = n;
  }

  /** The UIDs, in a buffer of exactly their size. */
  result(): Uint32Array {
    return this.buf.slice(0, this.length);
  }
}

/** A compact UID set for FETCH: runs of consecutive UIDs become ranges ("1:3,7,9:10"). */
export function uidSet(uids: ArrayLike<number>): string {
  const sorted = Array.from(uids).sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]! <= sorted[j]! + 1) j++;
    parts.push(sorted[i] === sorted[j] ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
