import 'server-only';

import { childPath } from '@/lib/mail/folder-name';

import { AppError } from '../errors';
import type { Session } from '../session/session-store';
import { assertValidName, findFolder, mapFolderCommandError, topLevelDelimiter } from './folder-admin';
import { withSessionImap } from './session-imap';

/**
 * Creates a folder named `name` inside `parent` (null: top level) and answers its full path.
 * imapflow encodes Unicode names as modified UTF-7 (RFC 3501 section 5.1.3) and subscribes.
 */
export async function createFolder(session: Session, parent: string | null, name: string): Promise<{ path: string }> {
  let attempt = 0;
  return withSessionImap(session, async (client) => {
    attempt++;
    const listed = await client.list();
    const delimiter = parent === null ? topLevelDelimiter(client, listed) : (findFolder(listed, parent).delimiter ?? '');
    if (parent !== null && !delimiter) throw new AppError('invalid-folder-name', 'the server has no folder hierarchy');
    assertValidName(name, delimiter);
    const path = childPath(parent, name, delimiter);
    // "inbox" at the top level is the Inbox whatever its case (RFC 3501 section 5.1).
    if (path.toUpperCase() === 'INBOX' || listed.some((m) => m.path === path)) {
      // A retry after a dropped connection finds the folder our first CREATE made.
      if (attempt > 1 && path.toUpperCase() !== 'INBOX') return { path };
      throw new AppError('folder-exists', `${JSON.stringify(path)} exists`);
    }
    let created: boolean;
    try {
      created = (await client.mailboxCreate(path)).created;
    } catch (err) {
      throw mapFolderCommandError(err);
    }
    if (!created && attempt === 1) throw new AppError('folder-exists', `${JSON.stringify(path)} appeared meanwhile`);
    return { path };
  });
}
