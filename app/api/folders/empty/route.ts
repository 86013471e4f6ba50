import { z } from 'zod';

import { handle, parseOrThrow, readJsonBody } from '@/server/http';
import { emptyFolder } from '@/server/imap/empty-folder';
import { requireSession } from '@/server/session/sessions';

const uint32 = z.number().int().min(1).max(4294967295);
const Body = z.object({ folder: z.string().min(1).max(1000).regex(/^\P{Cc}+$/u), uidValidity: uint32, uidNext: uint32 }).strict();

/** Empties Trash or Junk of the messages there at the snapshot: 200 { deleted }. */
export async function POST(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const body = parseOrThrow(Body, await readJsonBody(request));
    return emptyFolder(session, body);
  });
}
