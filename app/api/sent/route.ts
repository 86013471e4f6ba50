import { z } from 'zod';

import type { StoredSentCopy } from '@/lib/api/types';
import { handle, parseOrThrow } from '@/server/http';
import { decodeRawMessage, readMessageBody } from '@/server/mail/raw-message-request';
import { storeSentCopy } from '@/server/mail/send-message';
import { requireSession } from '@/server/session/sessions';

// Size and strict base64 are checked in decodeRawMessage: too long is 413, not 400.
const StoreBody = z.object({ raw: z.string().min(4) }).strict();

/**
 * Store a copy in Sent without sending it: { raw: base64 RFC 5322 message } -> 200
 * StoredSentCopy. For a protected send whose every recipient got an envelope of their own (all
 * Bcc): the browser stores the main message once a copy went out. Failing to store is
 * savedToSent: false, as after a send.
 */
export async function POST(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const body = parseOrThrow(StoreBody, await readMessageBody(request));
    const stored = await storeSentCopy(session, decodeRawMessage(body.raw));
    return { savedToSent: stored.savedToSent, sentFolder: stored.sentFolder } satisfies StoredSentCopy;
  });
}
