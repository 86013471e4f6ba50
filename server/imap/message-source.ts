import 'server-only';

import { AppError } from '../errors';
import type { Session } from '../session/session-store';
import { fetchOneFresh } from './fetch-one-fresh';
import { openFolder } from './open-folder';
import { withSessionImap } from './session-imap';

/** Largest message whose raw bytes are handed to the browser in one answer. */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

/**
 * The exact RFC 5322 bytes of one message (BODY.PEEK[]: reading does not mark it seen), never
 * re-serialized: signatures are verified over these bytes in the browser.
 */
export async function fetchMessageSource(session: Session, folder: string, uid: number): Promise<Buffer> {
  return withSessionImap(session, async (client) => {
    const lock = await openFolder(client, folder, { readOnly: true });
    try {
      const meta = await fetchOneFresh(client, uid, { uid: true, size: true });
      if (!meta) throw new AppError('message-not-found', `UID ${uid} in ${JSON.stringify(folder)}`);
      if ((meta.size ?? 0) > MAX_SOURCE_BYTES) throw new AppError('bad-request', `message of ${meta.size} bytes is over the limit`);
      const msg = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
      if (!msg || !msg.source) throw new AppError('message-not-found', `UID ${uid} vanished`);
      return msg.source;
    } finally {
      lock.release();
    }
  });
}

/** Sets or clears \Seen and \Flagged on one message. */
/** Most messages one flag change may name (as many as a batch move). */
export const MAX_FLAG_UIDS = 1000;

/**
 * Sets or clears \Seen and \Flagged on messages, one UID STORE per flag for the whole batch.
 * Safe to repeat after a dropped connection: setting a flag twice changes nothing.
 */
export async function updateFlags(session: Session, folder: string, uids: number[], change: { seen?: boolean; flagged?: boolean }): Promise<void> {
  if (uids.length === 0 || uids.length > MAX_FLAG_UIDS) throw new AppError('bad-request', `flag change for ${uids.length} messages`);
  await withSessionImap(session, async (client) => {
    const lock = await openFolder(client, folder, { readOnly: false });
    try {
      const range = uids.join(',');
      for (const [flag, on] of [['\\Seen', change.seen], ['\\Flagged', change.flagged]] as const) {
        if (on === undefined) continue;
        const ok = on
          ? await client.messageFlagsAdd(range, [flag], { uid: true })
          : await client.messageFlagsRemove(range, [flag], { uid: true });
        if (!ok) throw new AppError('message-not-found', `STORE ${flag} on ${uids.length} UIDs refused`);
      }
    } finally {
      lock.release();
    }
  });
}
