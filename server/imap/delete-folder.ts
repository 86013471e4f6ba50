import 'server-only';

import type { ListResponse } from 'imapflow';

import { AppError } from '../errors';
import type { Session } from '../session/session-store';
import { assertChangeable, findFolder, mapFolderCommandError, responseCode, subtree } from './folder-admin';
import { withSessionImap } from './session-imap';

/** The most folders one delete removes (the folder and its subfolders). */
export const MAX_DELETE_FOLDERS = 500;

/**
 * The folders to delete, deepest first, after the checks: the folder exists, is not (and holds
 * no) special folder, has at most MAX_DELETE_FOLDERS in all, and its folders hold no more
 * messages than the user confirmed (LIST with STATUS MESSAGES).
 */
export function planFolderDelete(listed: ListResponse[], path: string, confirmed: number): ListResponse[] {
  const folder = findFolder(listed, path);
  assertChangeable(listed, folder);
  const folders = subtree(listed, folder);
  if (folders.length > MAX_DELETE_FOLDERS) throw new AppError('bad-request', `${folders.length} folders to delete`);
  const messages = folders.reduce((sum, m) => sum + (m.status?.messages ?? 0), 0);
  if (messages > confirmed) throw new AppError('folder-not-empty', `${messages} messages, ${confirmed} confirmed`);
  return folders;
}

/**
 * Deletes a folder and its subfolders, deepest first, with the messages in them. `confirmed` is
 * the number of messages the user agreed to lose: when the folders hold more (mail arrived since
 * the dialog counted), nothing is deleted and the answer is 'folder-not-empty'.
 */
export async function deleteFolder(session: Session, path: string, confirmed: number): Promise<{ deleted: string[] }> {
  const deleted: string[] = [];
  return withSessionImap(session, async (client) => {
    const listed = await client.list({ statusQuery: { messages: true } });
    // A retry after a dropped connection: what the first attempt deleted is gone already.
    if (deleted.length > 0 && !listed.some((m) => m.path === path)) return { deleted };
    for (const m of planFolderDelete(listed, path, confirmed)) {
      // Noted before it is sent: a retry after a dropped connection still names it.
      if (!deleted.includes(m.path)) deleted.push(m.path);
      try {
        await client.mailboxDelete(m.path);
      } catch (err) {
        // Gone already (another client, or our attempt before a dropped connection).
        if (responseCode(err) !== 'NONEXISTENT') throw mapFolderCommandError(err);
      }
    }
    return { deleted };
  });
}
