import 'server-only';

import { childPath, parentPath } from '@/lib/mail/folder-name';

import { AppError } from '../errors';
import type { Session } from '../session/session-store';
import { assertChangeable, assertValidName, findFolder, mapFolderCommandError } from './folder-admin';
import { withSessionImap } from './session-imap';

/**
 * Renames a folder in place (same parent); its subfolders move along (RFC 3501 section 6.3.5).
 * INBOX and the special-use folders are refused: renaming INBOX would move its mail instead.
 */
export async function renameFolder(session: Session, path: string, name: string): Promise<{ path: string }> {
  // Set once RENAME was sent: a retry after a dropped connection checks whether it went through.
  let sent: string | undefined;
  return withSessionImap(session, async (client) => {
    const listed = await client.list();
    const exists = (p: string) => listed.some((m) => m.path === p && !m.flags?.has('\\NonExistent'));
    if (sent && !exists(path) && exists(sent)) return { path: sent };
    const folder = findFolder(listed, path);
    assertChangeable(listed, folder);
    const delimiter = folder.delimiter ?? '';
    assertValidName(name, delimiter);
    const newPath = childPath(parentPath(path, delimiter), name, delimiter);
    if (newPath === path) return { path };
    if (newPath.toUpperCase() === 'INBOX' || exists(newPath)) throw new AppError('folder-exists', `${JSON.stringify(newPath)} exists`);
    sent = newPath;
    try {
      await client.mailboxRename(path, newPath);
    } catch (err) {
      throw mapFolderCommandError(err);
    }
    return { path: newPath };
  });
}
