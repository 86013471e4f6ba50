import { z } from 'zod';

import type { SavedDraft } from '@/lib/api/types';
import { deleteDraft, saveDraft } from '@/server/imap/drafts';
import { handle, parseOrThrow } from '@/server/http';
import { decodeRawMessage, readMessageBody } from '@/server/mail/raw-message-request';
import { requireSession } from '@/server/session/sessions';

const Uid = z.coerce.number().int().positive().max(2 ** 32 - 1);

const SaveBody = z.object({
  // Size and strict base64 are checked in decodeRawMessage: too long is 413, not 400.
  raw: z.string().min(4),
  replaceUid: Uid.optional(),
});

/**
 * Save a draft: { raw: base64 RFC 5322 message, replaceUid?: the previous version's UID } ->
 * 200 { folder, uid }. The new version is stored in \Drafts (\Draft \Seen), then the old one
 * is removed. Errors: 'no-drafts-folder', 'message-too-large', 'imap-unavailable'.
 */
export async function POST(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const body = parseOrThrow(SaveBody, await readMessageBody(request));
    return (await saveDraft(session, decodeRawMessage(body.raw), body.replaceUid)) satisfies SavedDraft;
  });
}

/** Delete a draft: ?uid= (in the \Drafts folder) -> 204. */
export async function DELETE(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const uid = parseOrThrow(Uid, new URL(request.url).searchParams.get('uid'));
    await deleteDraft(session, uid);
    return new Response(null, { status: 204 });
  });
}
