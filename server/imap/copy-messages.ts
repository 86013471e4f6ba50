import 'server-only';

import { AppError } from '../errors';
import type { Session } from '../session/session-store';
import { openFolder } from './open-folder';
import { withSessionImap } from './session-imap';

/** The most messages one request may copy (a selection, never a whole folder). */
export const MAX_COPY = 1000;

export interface CopyResult {
  destination: string;
  /** [uid in the source folder, uid of the copy] where the server says (UIDPLUS COPYUID). */
  uidMap: [number, number][];
}

/**
 * Copies messages to another folder (UID COPY); the originals stay. COPY is not idempotent: a
 * repeat would make a second set of copies. So the connection is checked (NOOP) before COPY is
 * sent, and once it was sent a dropped connection is reported instead of retried.
 */
export async function copyMessages(session: Session, folder: string, uids: number[], destination: string): Promise<CopyResult> {
  if (destination === folder) throw new AppError('bad-request', 'source and destination are the same folder');
  let sent = false;
  return withSessionImap(session, async (client) => {
    if (sent) throw new AppError('imap-unavailable', 'connection lost after COPY was sent; not repeated');
    const lock = await openFolder(client, folder, { readOnly: true });
    try {
      await client.noop();
      sent = true;
      const result = await client.messageCopy(uids.join(','), destination, { uid: true });
      // imapflow answers false for a refused COPY and for a connection lost meanwhile.
      if (!result) {
        if (!client.usable) throw new AppError('imap-unavailable', 'connection lost during COPY');
        throw new AppError('folder-not-found', `COPY to ${JSON.stringify(destination)} refused`);
      }
      return { destination: result.destination, uidMap: [...(result.uidMap ?? new Map<number, number>())] };
    } finally {
      lock.release();
    }
  });
}
