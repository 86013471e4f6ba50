import { z } from 'zod';

import { handle, parseOrThrow, readJsonBody } from '@/server/http';
import { MAX_COPY, copyMessages } from '@/server/imap/copy-messages';
import { requireSession } from '@/server/session/sessions';

const folderPath = z.string().min(1).max(1000).regex(/^\P{Cc}+$/u);
const Body = z
  .object({
    folder: folderPath,
    uids: z.array(z.number().int().min(1).max(4294967295)).min(1).max(MAX_COPY),
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
