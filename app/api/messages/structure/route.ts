import { z } from 'zod';

import { handle, parseOrThrow } from '@/server/http';
import { fetchMessageStructure } from '@/server/imap/message-structure';
import { requireSession } from '@/server/session/sessions';
import { folderPath, imapUidParam } from '@/server/request-schemas';

const Query = z.object({
  folder: folderPath,
  uid: imapUidParam,
});

/** A message's MIME tree (BODYSTRUCTURE) and size: lets the browser fetch only the parts it shows. */
export async function GET(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const q = parseOrThrow(Query, Object.fromEntries(new URL(request.url).searchParams));
    return fetchMessageStructure(session, q.folder, q.uid);
  });
}
