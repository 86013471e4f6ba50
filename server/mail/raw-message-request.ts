import 'server-only';

import { AppError } from '../errors';
import { MAX_MESSAGE_BYTES } from './send-message';

// The browser posts a whole message as base64 in JSON (POST /api/send, POST /api/drafts). Both
// read it through here: bounded while it streams in, strict base64 only.

/** Base64 of the largest message. */
export const MAX_RAW_CHARS = Math.ceil(MAX_MESSAGE_BYTES / 3) * 4;
/** The whole JSON body: the message plus 100 recipients and the JSON around them. */
export const MAX_BODY_BYTES = MAX_RAW_CHARS + 64 * 1024;

/**
 * The JSON body, read up to MAX_BODY_BYTES ('message-too-large' past it). Only
 * `Content-Type: application/json`, as in readJsonBody (no cross-site form can send it).
 */
export async function readMessageBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new AppError('bad-request', `content-type ${type ?? 'missing'}`);
  if (Number(request.headers.get('content-length')) > MAX_BODY_BYTES) throw new AppError('message-too-large', 'content-length');
  if (!request.body) throw new AppError('bad-request', 'no body');
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    size += r.value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new AppError('message-too-large', `body over ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(r.value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError('bad-request', 'body is not JSON');
  }
}

/** Canonical base64 only: Buffer.from() would skip stray characters and send other bytes. */
export function decodeRawMessage(raw: string): Buffer {
  if (raw.length > MAX_RAW_CHARS) throw new AppError('message-too-large', `${raw.length} base64 characters`);
  const bytes = Buffer.from(raw, 'base64');
  if (raw.length % 4 !== 0 || bytes.toString('base64') !== raw) throw new AppError('bad-request', 'raw is not base64');
  return bytes;
}
