import { z } from 'zod';

import { handle, parseOrThrow, readJsonBody } from '@/server/http';
import { emptyFolder } from '@/server/imap/empty-folder';
import { requireSession } from '@/server/session/sessions';
import { folderPath, imapUid } from '@/server/request-schemas';

const Body = z.object({ folder: folderPath, uidValidity: imapUid, uidNext: imapUid }).strict();

/** Empties Trash or Junk of the messages there at the snapshot: 200 { deleted }. */
export async function POST(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const body = parseOrThrow(Body, await readJsonBody(request));
    return emptyFolder(session, body);
  });
}
