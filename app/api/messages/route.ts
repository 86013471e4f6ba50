import { z } from 'zod';

import { handle, parseOrThrow } from '@/server/http';
import { MAX_PAGE, listMessages } from '@/server/imap/messages';
import { requireSession } from '@/server/session/sessions';

// Folder paths hold the delimiter ("/" or ".") and any Unicode, so the folder travels as one
// URL-encoded query parameter rather than a path segment: /api/messages?folder=Projects%2F%C3%96l
const Query = z.object({
  folder: z.string().min(1).max(1000).regex(/^\P{Cc}+$/u),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
});

/** One page of a folder's message list, newest first: 200 MessagePage. */
export async function GET(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const q = parseOrThrow(Query, Object.fromEntries(new URL(request.url).searchParams));
    return listMessages(session, q.folder, q.offset, q.limit);
  });
}
