import { z } from 'zod';

import { handle, parseOrThrow } from '@/server/http';
import { folderSnapshot } from '@/server/imap/empty-folder';
import { requireSession } from '@/server/session/sessions';

const Query = z.object({ folder: z.string().min(1).max(1000).regex(/^\P{Cc}+$/u) });

/** What a folder holds now: 200 FolderSnapshot (for "Empty Trash"'s confirmation). */
export async function GET(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const q = parseOrThrow(Query, Object.fromEntries(new URL(request.url).searchParams));
    return folderSnapshot(session, q.folder);
  });
}
