import 'server-only';

import { z } from 'zod';

// Field schemas shared by the route handlers, so every route bounds the same inputs the same way.

/** A folder's full IMAP path as the API receives it: any Unicode, no control characters. */
export const folderPath = z.string().min(1).max(1000).regex(/^\P{Cc}+$/u);

/** An IMAP UID (RFC 3501: a non-zero unsigned 32-bit number) in a JSON body. */
export const imapUid = z.number().int().min(1).max(4294967295);

/** An IMAP UID in a query string. */
export const imapUidParam = z.coerce.number().int().min(1).max(4294967295);
