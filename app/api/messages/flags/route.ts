import { z } from 'zod';

import { handle, parseOrThrow } from '@/server/http';
import { MAX_FLAG_UIDS, updateFlags } from '@/server/imap/message-source';
import { requireSession } from '@/server/session/sessions';
import { folderPath, imapUid } from '@/server/request-schemas';

const Body = z
  .object({
    folder: folderPath,
    uids: z.array(imapUid).min(1).max(MAX_FLAG_UIDS),
    seen: z.boolean().optional(),
    flagged: z.boolean().optional(),
  })
  .strict();

/** Marks messages read/unread or flagged/unflagged. */
export async function POST(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const body = parseOrThrow(Body, await request.json().catch(() => null));
    await updateFlags(session, body.folder, body.uids, body);
    return { ok: true };
  });
}
