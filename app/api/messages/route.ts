import { z } from 'zod';

import { handle, parseOrThrow } from '@/server/http';
import { sessionImap } from '@/server/imap/connection';
import { MAX_PAGE, listMessages } from '@/server/imap/messages';
import { requireSession, sessionStore } from '@/server/session/sessions';

// Folder paths can hold "/" and any Unicode, so the folder travels as a query parameter.
const Query = z.object({
  folder: z.string().min(1).max(1000),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
});

/** One page of a folder's message list, newest first. */
export async function GET(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const q = parseOrThrow(Query, Object.fromEntries(new URL(request.url).searchParams));
    return listMessages(await sessionImap(sessionStore(), session), q.folder, q.offset, q.limit);
  });
}
