import 'server-only';

import { AppError } from '../errors';
import { MAX_CERTBOOK_ENTRY_BYTES } from './certbook-limits';

// The body of POST /api/certificates/book, read with a bound while it streams in: the entry is at
// most MAX_CERTBOOK_ENTRY_BYTES, and JSON string escapes (\uXXXX) can make it up to six times longer.
export const MAX_CERTBOOK_BODY_BYTES = 6 * MAX_CERTBOOK_ENTRY_BYTES + 1024;

/** The JSON body ('certbook-entry-too-large' past the bound); only `Content-Type: application/json`. */
export async function readCertbookBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new AppError('bad-request', `content-type ${type ?? 'missing'}`);
  if (Number(request.headers.get('content-length')) > MAX_CERTBOOK_BODY_BYTES) throw new AppError('certbook-entry-too-large', 'content-length');
  if (!request.body) throw new AppError('bad-request', 'no body');
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    size += r.value.byteLength;
    if (size > MAX_CERTBOOK_BODY_BYTES) {
      await reader.cancel();
      throw new AppError('certbook-entry-too-large', `body over ${MAX_CERTBOOK_BODY_BYTES} bytes`);
    }
    chunks.push(r.value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError('bad-request', 'body is not JSON');
  }
}
