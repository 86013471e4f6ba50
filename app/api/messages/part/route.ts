import { z } from 'zod';

import { handle, parseOrThrow } from '@/server/http';
import { PART_SECTION, streamMessagePart } from '@/server/imap/message-part';
import { requireSession } from '@/server/session/sessions';
import { folderPath, imapUidParam } from '@/server/request-schemas';

const Query = z.object({
  folder: folderPath,
  uid: imapUidParam,
  part: z.string().max(200).regex(PART_SECTION),
  /** Send at most this many bytes: the start of the section. */
  max: z.coerce.number().int().min(1).optional(),
});

/**
 * The raw bytes of one body section (a part, its .MIME headers, or the message HEADER), still
 * transfer-encoded and streamed: the browser decodes it. An opaque download type, never rendered.
 */
export async function GET(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const q = parseOrThrow(Query, Object.fromEntries(new URL(request.url).searchParams));
    const body = await streamMessagePart(session, q.folder, q.uid, q.part, { maxBytes: q.max });
    return new Response(body, {
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Disposition': 'attachment' },
    });
  });
}
