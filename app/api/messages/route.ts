import { z } from 'zod';

import type { MessageSearch } from '@/lib/api/types';
import { MAX_SEARCH_TERM_CHARS, SORT_KEYS } from '@/lib/mail/list-query';
import { handle, parseOrThrow } from '@/server/http';
import { MAX_PAGE, listMessages } from '@/server/imap/messages';
import { requireSession } from '@/server/session/sessions';
import { folderPath } from '@/server/request-schemas';

const term = z.string().max(MAX_SEARCH_TERM_CHARS).optional();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional();
const flag = z.enum(['1']).optional();

// Folder paths hold the delimiter ("/" or ".") and any Unicode, so the folder travels as one
// URL-encoded query parameter rather than a path segment: /api/messages?folder=Projects%2F%C3%96l
const Query = z
  .object({
    folder: folderPath,
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
    sort: z.enum(SORT_KEYS as [string, ...string[]]).default('date'),
    order: z.enum(['asc', 'desc']).default('desc'),
    refresh: flag,
    threads: flag,
    's.text': term,
    's.from': term,
    's.to': term,
    's.subject': term,
    's.body': term,
    's.since': day,
    's.until': day,
    's.unread': flag,
    's.flagged': flag,
    's.hasAttachment': flag,
  })
  .strict();

/** One window of a folder view (order + search), by position: 200 MessageWindow. */
export async function GET(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const q = parseOrThrow(Query, Object.fromEntries(new URL(request.url).searchParams));
    const search: MessageSearch = {
      text: q['s.text'],
      from: q['s.from'],
      to: q['s.to'],
      subject: q['s.subject'],
      body: q['s.body'],
      since: q['s.since'],
      until: q['s.until'],
      unread: q['s.unread'] === '1',
      flagged: q['s.flagged'] === '1',
      hasAttachment: q['s.hasAttachment'] === '1',
    };
    const query = { sort: q.sort as (typeof SORT_KEYS)[number], descending: q.order === 'desc', search, ...(q.threads === '1' ? { threads: true } : {}) };
    return listMessages(session, q.folder, q.offset, q.limit, query, { refresh: q.refresh === '1' });
  });
}
