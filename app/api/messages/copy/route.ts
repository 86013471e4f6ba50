import { z } from 'zod';

import { handle, parseOrThrow, readJsonBody } from '@/server/http';
import { MAX_COPY, copyMessages } from '@/server/imap/copy-messages';
import { requireSession } from '@/server/session/sessions';
import { folderPath, imapUid } from '@/server/request-schemas';

const Body = z
  .object({
    folder: folderPath,
    uids: z.array(imapUid).min(1).max(MAX_COPY),
    to: z.object({ path: folderPath }).strict(),
  })
  .strict();

/** Copies messages to another folder; the originals stay: 200 CopyResult. */
export async function POST(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const body = parseOrThrow(Body, await readJsonBody(request));
    return copyMessages(session, body.folder, body.uids, body.to.path);
  });
}
