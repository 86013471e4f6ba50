import { z } from 'zod';

import type { CertbookListing } from '@/lib/api/types';
import { deleteCertbookEntry, listCertbook, putCertbookEntry } from '@/server/certbook/certbook-mailbox';
import { CERTBOOK_FINGERPRINT } from '@/server/certbook/certbook-limits';
import { readCertbookBody } from '@/server/certbook/certbook-request';
import { handle, parseOrThrow } from '@/server/http';
import { requireSession } from '@/server/session/sessions';

// The certificate address book (issue 5), stored in the user's own IMAP folder. The server keeps
// opaque entries under their fingerprint; the browser parses and validates everything it reads.

const Fingerprint = z.string().regex(CERTBOOK_FINGERPRINT);
// The entry's size is checked in bytes by putCertbookEntry ('certbook-entry-too-large', 413).
const PutBody = z.object({ fingerprint: Fingerprint, entry: z.string().min(2) }).strict();

/** The book: 200 CertbookListing (no folder yet: no entries). Errors: 'imap-unavailable'. */
export async function GET() {
  return handle(async () => (await listCertbook(await requireSession())) satisfies CertbookListing);
}

/**
 * Adds an entry: { fingerprint, entry } -> 200 { replaced } (copies of the same fingerprint
 * removed). Errors: 'certbook-full' (409), 'certbook-entry-too-large' (413), 'imap-unavailable'.
 */
export async function POST(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const body = parseOrThrow(PutBody, await readCertbookBody(request));
    return putCertbookEntry(session, body.fingerprint, body.entry);
  });
}

/** Removes an entry: ?fingerprint= -> 200 { deleted } (0 when it was not there). */
export async function DELETE(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const fingerprint = parseOrThrow(Fingerprint, new URL(request.url).searchParams.get('fingerprint'));
    return deleteCertbookEntry(session, fingerprint);
  });
}
