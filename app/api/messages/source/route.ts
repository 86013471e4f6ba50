import { z } from 'zod';

import { handle, parseOrThrow } from '@/server/http';
import { fetchMessageSource } from '@/server/imap/message-source';
import { requireSession } from '@/server/session/sessions';
import { folderPath, imapUidParam } from '@/server/request-schemas';

const Query = z.object({
  folder: folderPath,
  uid: imapUidParam,
});

/**
 * The raw RFC 5322 bytes of a message, untouched (the browser parses MIME and checks S/MIME
 * itself). Sent as an opaque download type so no browser ever renders it as a page.
 */
export async function GET(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const q = parseOrThrow(Query, Object.fromEntries(new URL(request.url).searchParams));
    const source = await fetchMessageSource(session, q.folder, q.uid);
    return new Response(new Uint8Array(source), {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': 'attachment',
        'Content-Length': String(source.length),
      },
    });
  });
}
