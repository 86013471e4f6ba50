import 'server-only';

import type { ImapFlow, MailboxLockObject } from 'imapflow';

import { AppError } from '../errors';
import { isServerRefusal, mapImapError } from './imap-errors';

/** Selects a folder (EXAMINE when read-only) under imapflow's lock; a refusal is 'folder-not-found'. */
export async function openFolder(client: ImapFlow, folder: string, { readOnly }: { readOnly: boolean }): Promise<MailboxLockObject> {
  try {
    return await client.getMailboxLock(folder, { readOnly });
  } catch (err) {
    // A tagged NO to SELECT/EXAMINE means there is no such folder; not every server adds [NONEXISTENT].
    if (isServerRefusal(err)) throw new AppError('folder-not-found', `${readOnly ? 'EXAMINE' : 'SELECT'} ${JSON.stringify(folder)} refused`);
    throw mapImapError(err);
  }
}
