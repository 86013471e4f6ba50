import { z } from 'zod';

import { handle, parseOrThrow } from '@/server/http';
import { folderSnapshot } from '@/server/imap/empty-folder';
import { requireSession } from '@/server/session/sessions';
import { folderPath } from '@/server/request-schemas';

const Query = z.object({ folder: folderPath });

/** What a folder holds now: 200 FolderSnapshot (for "Empty Trash"'s confirmation). */
export async function GET(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const q = parseOrThrow(Query, Object.fromEntries(new URL(request.url).searchParams));
    return folderSnapshot(session, q.folder);
  });
}
