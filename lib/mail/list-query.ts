// The message list's view (order + search) as URL query parameters, shared by the browser's API
// client and the route handler, with the limits on what a user may type.
import type { MessageListQuery, MessageSearch, MessageSortKey } from '../api/types';

/** Longest search term sent to IMAP; longer input is cut (a search box, not a document). */
export const MAX_SEARCH_TERM_CHARS = 200;

export const SORT_KEYS: readonly MessageSortKey[] = ['date', 'from', 'subject', 'size'];

export const DEFAULT_LIST_QUERY: MessageListQuery = { sort: 'date', descending: true, search: null };

const TEXT_FIELDS = ['text', 'from', 'to', 'subject', 'body'] as const;
const DATE_FIELDS = ['since', 'until'] as const;
const FLAG_FIELDS = ['unread', 'flagged', 'hasAttachment'] as const;

/** A term as it goes to the server: no control characters, trimmed, bounded; '' for nothing. */
export function cleanTerm(term: string | undefined): string {
  return (term ?? '').replace(/\p{Cc}/gu, ' ').trim().slice(0, MAX_SEARCH_TERM_CHARS);
}

/** The search with empty fields dropped; null when nothing is left to search for. */
export function normalizeSearch(search: MessageSearch | null | undefined): MessageSearch | null {
  if (!search) return null;
  const out: MessageSearch = {};
  for (const f of TEXT_FIELDS) {
    const v = cleanTerm(search[f]);
    if (v) out[f] = v;
  }
  for (const f of DATE_FIELDS) {
    const v = search[f];
    if (v && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))) out[f] = v;
  }
  for (const f of FLAG_FIELDS) if (search[f]) out[f] = true;
  return Object.keys(out).length ? out : null;
}

/** The query as URL parameters (prefix `s.` for search fields), for GET /api/messages. */
export function listQueryParams(query: MessageListQuery): Record<string, string> {
  const params: Record<string, string> = { sort: query.sort, order: query.descending ? 'desc' : 'asc' };
  // Conversations are ordered by their newest message: the sort key does not apply to them.
  if (query.threads) params.threads = '1';
  const search = normalizeSearch(query.search);
  if (search) for (const [k, v] of Object.entries(search)) params[`s.${k}`] = v === true ? '1' : String(v);
  return params;
}

/** A stable key for one view: equal keys mean the same order of the same messages. */
export function listQueryKey(query: MessageListQuery): string {
  return JSON.stringify(listQueryParams(query));
}
