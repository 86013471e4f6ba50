import 'server-only';

import { readBoundedJsonBody } from '../http';
import { MAX_CERTBOOK_ENTRY_BYTES } from './certbook-limits';

// The body of POST /api/certificates/book, read with a bound while it streams in: the entry is at
// most MAX_CERTBOOK_ENTRY_BYTES, and JSON string escapes (\uXXXX) can make it up to six times longer.
export const MAX_CERTBOOK_BODY_BYTES = 6 * MAX_CERTBOOK_ENTRY_BYTES + 1024;

/** The JSON body ('certbook-entry-too-large' past the bound); only `Content-Type: application/json`. */
export function readCertbookBody(request: Request): Promise<unknown> {
  return readBoundedJsonBody(request, MAX_CERTBOOK_BODY_BYTES, 'certbook-entry-too-large');
}
