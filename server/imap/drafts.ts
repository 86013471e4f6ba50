import 'server-only';

import type { ImapFlow } from 'imapflow';

import { AppError } from '../errors';
import type { Session } from '../session/session-store';
import { openFolder } from './open-folder';
import { withSessionImap } from './session-imap';

// Drafts: each save APPENDs the new version to the \Drafts folder (flagged \Draft \Seen) and
// then removes the version it replaces by UID (UID EXPUNGE, RFC 4315), so the folder holds one
// copy of each draft. The browser keeps the UID that APPENDUID reported for the next save.

export interface SavedDraft {
  folder: string;
  /** UID of the new copy; null when the server does not report it (no UIDPLUS). */
  uid: number | null;
}

async function draftsFolder(client: ImapFlow): Promise<string> {
  const found = (await client.list()).find((f) => f.specialUse === '\\Drafts');
  if (!found) throw new AppError('no-drafts-folder');
  return found.path;
}

async function expungeUid(client: ImapFlow, folder: string, uid: number): Promise<boolean> {
  const lock = await openFolder(client, folder, { readOnly: false });
  try {
    return (await client.messageDelete(String(uid), { uid: true })) === true;
  } finally {
    lock.release();
  }
}

/**
 * Stores `raw` as the newest version of a draft and removes the version `replaceUid` (when
 * given). Throws 'no-drafts-folder', 'imap-unavailable' or 'not-signed-in' when nothing was
 * stored. A failed removal of the old version is logged, not thrown: the new version is safe,
 * and failing would make the browser keep the old UID and store yet another copy.
 */
export async function saveDraft(session: Session, raw: Buffer, replaceUid?: number): Promise<SavedDraft> {
  let appendTried = false;
  const saved = await withSessionImap(session, async (client) => {
    const folder = await draftsFolder(client);
    // As for Sent: a dropped APPEND may have been stored, so it is not repeated on reconnect.
    if (appendTried) throw new AppError('imap-unavailable', 'the connection dropped during APPEND');
    appendTried = true;
    const result = await client.append(folder, raw, ['\\Draft', '\\Seen']);
    if (!result) throw new AppError('internal', 'APPEND was not run');
    return { folder, uid: typeof result.uid === 'number' ? result.uid : null };
  });
  if (replaceUid !== undefined && replaceUid !== saved.uid) {
    try {
      await withSessionImap(session, (client) => expungeUid(client, saved.folder, replaceUid));
    } catch (err) {
      console.warn(`[sealpost] draft saved for ${session.username}, old version UID ${replaceUid} not removed: ${String(err)}`);
    }
  }
  return saved;
}

/** Removes one draft from the \Drafts folder (only from there); a missing one is not an error. */
export async function deleteDraft(session: Session, uid: number): Promise<void> {
  await withSessionImap(session, async (client) => {
    await expungeUid(client, await draftsFolder(client), uid);
  });
}
