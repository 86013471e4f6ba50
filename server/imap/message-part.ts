import 'server-only';

import { AppError } from '../errors';
import type { Session } from '../session/session-store';
import { MAX_SOURCE_BYTES } from './message-source';
import { fetchOneFresh } from './fetch-one-fresh';
import { openFolder } from './open-folder';
import { withSessionImap } from './session-imap';

/** Bytes asked per partial FETCH (BODY.PEEK[part]<start.n>): all the server holds of a part at once. */
export const PART_CHUNK_BYTES = 512 * 1024;

/**
 * A body section as RFC 3501 section 6.4.5 names it: HEADER or TEXT of the message, or a part
 * number (at most 32 levels) optionally followed by .MIME, .HEADER or .TEXT.
 */
export const PART_SECTION = /^(?:HEADER|TEXT|[1-9]\d{0,4}(?:\.[1-9]\d{0,4}){0,31}(?:\.(?:MIME|HEADER|TEXT))?)$/;

/** One chunk of a section, untouched; null when the message is gone. */
async function fetchChunk(session: Session, folder: string, uid: number, section: string, start: number, length: number): Promise<Buffer | null> {
  return withSessionImap(session, async (client) => {
    const lock = await openFolder(client, folder, { readOnly: true });
    try {
      const key = section.toLowerCase();
      const m = await fetchOneFresh(client, uid, { uid: true, bodyParts: [{ key, start, maxLength: length }] });
      if (!m) return null;
      return (key === 'header' ? m.headers : m.bodyParts?.get(key)) ?? Buffer.alloc(0);
    } finally {
      lock.release();
    }
  });
}

/**
 * The raw bytes of one body section (BODY.PEEK[<section>]: still transfer-encoded, not marked
 * seen), streamed in chunks of PART_CHUNK_BYTES: the server never holds more than one chunk. The
 * mailbox lock is taken per chunk, so a slow reader does not block the session's other requests.
 * The first chunk is fetched before this returns, so a missing message is a coded error, not a
 * broken stream. At most `maxBytes` (and never more than MAX_SOURCE_BYTES) are sent: the start of
 * the section, for a caller that shows only so much.
 */
export async function streamMessagePart(
  session: Session,
  folder: string,
  uid: number,
  section: string,
  { maxBytes = MAX_SOURCE_BYTES }: { maxBytes?: number } = {},
): Promise<ReadableStream<Uint8Array>> {
  if (!PART_SECTION.test(section)) throw new AppError('bad-request', `section ${JSON.stringify(section)}`);
  const limit = Math.min(maxBytes, MAX_SOURCE_BYTES);
  const size = (start: number) => Math.min(PART_CHUNK_BYTES, limit - start);
  const first = await fetchChunk(session, folder, uid, section, 0, size(0));
  if (!first) throw new AppError('message-not-found', `UID ${uid} in ${JSON.stringify(folder)}`);
  let sent = 0;
  let pending: Buffer | null = first;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const asked = size(sent);
      const fetched = pending ?? (await fetchChunk(session, folder, uid, section, sent, asked));
      pending = null;
      if (!fetched) return controller.error(new AppError('message-not-found', `UID ${uid} vanished while streaming`));
      // A server that ignores the partial range sends the whole section at once: never pass the limit.
      const chunk = fetched.subarray(0, limit - sent);
      if (chunk.length > 0) controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      sent += chunk.length;
      // A short chunk is the end (so is an oversized one); so is the caller's limit.
      if (fetched.length !== asked || sent >= limit) controller.close();
    },
  }, { highWaterMark: 0 });
}
