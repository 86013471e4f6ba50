import { z } from 'zod';

import { handle, parseOrThrow } from '@/server/http';
import { MAX_PAGE, messageSummaries } from '@/server/imap/messages';
import { requireSession } from '@/server/session/sessions';
import { folderPath } from '@/server/request-schemas';

// A thread's messages when it is expanded: up to MAX_PAGE UIDs as "3,7,12".
const Query = z
  .object({
    folder: folderPath,
    uids: z
      .string()
      .max(MAX_PAGE * 11)
      .regex(/^[1-9]\d{0,9}(,[1-9]\d{0,9})*$/)
      .transform((s) => s.split(',').map(Number))
      .refine((u) => u.length <= MAX_PAGE && u.every((n) => n <= 4294967295)),
  })
  .strict();

/** List rows of some messages by UID: MessageSummaries. */
export async function GET(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const q = parseOrThrow(Query, Object.fromEntries(new URL(request.url).searchParams));
    return messageSummaries(session, q.folder, q.uids);
  });
}
