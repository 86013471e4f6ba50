import { z } from 'zod';

import { handle, parseOrThrow } from '@/server/http';
import { MAX_MOVE, moveMessages } from '@/server/imap/move-messages';
import { requireSession } from '@/server/session/sessions';
import { folderPath, imapUid } from '@/server/request-schemas';

const Body = z
  .object({
    folder: folderPath,
    uids: z.array(imapUid).min(1).max(MAX_MOVE),
    to: z.union([
      z.object({ path: folderPath }).strict(),
      z.object({ specialUse: z.enum(['drafts', 'sent', 'archive', 'junk', 'trash']) }).strict(),
    ]),
  })
  .strict();

/** Moves messages (Delete is a move to Trash); answers the new UIDs so the move can be undone. */
export async function POST(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const body = parseOrThrow(Body, await request.json().catch(() => null));
    return moveMessages(session, body.folder, body.uids, body.to);
  });
}
