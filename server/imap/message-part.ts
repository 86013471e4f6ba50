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
async function fetchChunk(session: Session, folder: string, uid: number, section: string, start: number): Promise<Buffer | null> {
  return withSessionImap(session, async (client) => {
    const lock = await openFolder(client, folder, { readOnly: true });
    try {
      const key = section.toLowerCase();
      const m = await fetchOneFresh(client, uid, { uid: true, bodyParts: [{ key, start, maxLength: PART_CHUNK_BYTES }] });
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
 * broken stream.
 */
export async function streamMessagePart(session: Session, folder: string, uid: number, section: string): Promise<ReadableStream<Uint8Array>> {
  if (!PART_SECTION.test(section)) throw new AppError('bad-request', `section ${JSON.stringify(section)}`);
  const first = await fetchChunk(session, folder, uid, section, 0);
  if (!first) throw new AppError('message-not-found', `UID ${uid} in ${JSON.stringify(folder)}`);
  let sent = 0;
  let pending: Buffer | null = first;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = pending ?? (await fetchChunk(session, folder, uid, section, sent));
      pending = null;
      if (!chunk) return controller.error(new AppError('message-not-found', `UID ${uid} vanished while streaming`));
      if (chunk.length > 0) controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      sent += chunk.length;
      // A short chunk is the end; a server that ignores the partial range sends all at once (also the end).
      if (chunk.length !== PART_CHUNK_BYTES) return controller.close();
      if (sent >= MAX_SOURCE_BYTES) controller.error(new AppError('bad-request', `section over ${MAX_SOURCE_BYTES} bytes`));
    },
  }, { highWaterMark: 0 });
}
