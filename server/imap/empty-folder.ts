import 'server-only';

import type { FolderSnapshot } from '@/lib/api/types';

import { AppError } from '../errors';
import type { Session } from '../session/session-store';
import { mapImapError } from './imap-errors';
import { openFolder } from './open-folder';
import { withSessionImap } from './session-imap';

/** Only these folders can be emptied: their mail is already thrown away once. */
const EMPTYABLE = new Set(['\\trash', '\\junk']);

/** What a folder holds now (STATUS); emptying it later removes exactly these messages. */
export async function folderSnapshot(session: Session, folder: string): Promise<FolderSnapshot> {
  return withSessionImap(session, async (client) => {
    let status;
    try {
      status = await client.status(folder, { messages: true, uidNext: true, uidValidity: true });
    } catch (err) {
      // imapflow says NotFound when STATUS was refused and LIST does not know the folder.
      if ((err as { code?: unknown }).code === 'NotFound') throw new AppError('folder-not-found', `STATUS ${JSON.stringify(folder)}`);
      throw mapImapError(err);
    }
    if (!status || status.uidNext === undefined || status.uidValidity === undefined) {
      throw new AppError('folder-not-found', `STATUS ${JSON.stringify(folder)} refused`);
    }
    return { folder, total: status.messages ?? 0, uidValidity: Number(status.uidValidity), uidNext: status.uidNext };
  });
}

/**
 * Deletes for good the messages of a Trash or Junk folder that were there at `snapshot`: UIDs
 * below its UIDNEXT (later arrivals get higher UIDs, RFC 3501 section 2.3.1.1). \Deleted, then
 * UID EXPUNGE of that range (RFC 4315) where the server has UIDPLUS; without it, EXPUNGE also
 * removes messages another client had marked \Deleted. Repeating it is harmless.
 */
export async function emptyFolder(session: Session, snapshot: Pick<FolderSnapshot, 'folder' | 'uidValidity' | 'uidNext'>): Promise<{ deleted: number }> {
  const { folder, uidValidity, uidNext } = snapshot;
  return withSessionImap(session, async (client) => {
    const listed = (await client.list()).find((m) => m.path === folder);
    if (!listed) throw new AppError('folder-not-found', `no folder ${JSON.stringify(folder)}`);
    if (!EMPTYABLE.has((listed.specialUse ?? '').toLowerCase())) throw new AppError('bad-request', `${JSON.stringify(folder)} is not Trash or Junk`);
    const lock = await openFolder(client, folder, { readOnly: false });
    try {
      // New UIDs after a UIDVALIDITY change mean the snapshot no longer names these messages.
      if (Number(client.mailbox ? client.mailbox.uidValidity : -1) !== uidValidity) throw new AppError('folder-changed', `UIDVALIDITY of ${JSON.stringify(folder)} changed`);
      if (uidNext <= 1) return { deleted: 0 };
      const range = `1:${uidNext - 1}`;
      const uids = await client.search({ uid: range }, { uid: true });
      if (!uids) throw new AppError('internal', `SEARCH UID ${range} failed`);
      if (uids.length === 0) return { deleted: 0 };
      if (!(await client.messageDelete(range, { uid: true }))) {
        if (!client.usable) throw new AppError('imap-unavailable', 'connection lost while emptying');
        throw new AppError('internal', `EXPUNGE of ${range} in ${JSON.stringify(folder)} refused`);
      }
      return { deleted: uids.length };
    } finally {
      lock.release();
    }
  });
}
