import 'server-only';

import { AppError } from '../errors';
import { readBoundedJsonBody } from '../http';
import { MAX_MESSAGE_BYTES } from './send-message';

// The browser posts a whole message as base64 in JSON (POST /api/send, POST /api/drafts). Both
// read it through here: bounded while it streams in, strict base64 only.

/** Base64 of the largest message. */
export const MAX_RAW_CHARS = Math.ceil(MAX_MESSAGE_BYTES / 3) * 4;
/** The whole JSON body: the message plus 100 recipients and the JSON around them. */
export const MAX_BODY_BYTES = MAX_RAW_CHARS + 64 * 1024;

/** The JSON body, read up to MAX_BODY_BYTES ('message-too-large' past it). */
export function readMessageBody(request: Request): Promise<unknown> {
  return readBoundedJsonBody(request, MAX_BODY_BYTES, 'message-too-large');
}

/** Canonical base64 only: Buffer.from() would skip stray characters and send other bytes. */
export function decodeRawMessage(raw: string): Buffer {
  if (raw.length > MAX_RAW_CHARS) throw new AppError('message-too-large', `${raw.length} base64 characters`);
  const bytes = Buffer.from(raw, 'base64');
  if (raw.length % 4 !== 0 || bytes.toString('base64') !== raw) throw new AppError('bad-request', 'raw is not base64');
  return bytes;
}
