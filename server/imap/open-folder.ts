import 'server-only';

import type { ImapFlow, MailboxLockObject } from 'imapflow';

import { AppError } from '../errors';
import { isServerRefusal, mapImapError } from './imap-errors';

/**
 * Selects a folder (EXAMINE when read-only) under imapflow's lock; a refusal is 'folder-not-found'.
 * A read on a folder that is already selected read-write uses it as it is (our reads never set
 * flags: BODY.PEEK): switching to EXAMINE would re-open it, 0.2-0.3 s on 100,000 messages.
 */
export async function openFolder(client: ImapFlow, folder: string, { readOnly }: { readOnly: boolean }): Promise<MailboxLockObject> {
  const selectedReadWrite = client.mailbox && client.mailbox.path === folder && !client.mailbox.readOnly;
  try {
    return await client.getMailboxLock(folder, { readOnly: readOnly && !selectedReadWrite });
  } catch (err) {
    // A tagged NO to SELECT/EXAMINE means there is no such folder; not every server adds [NONEXISTENT].
    if (isServerRefusal(err)) throw new AppError('folder-not-found', `${readOnly ? 'EXAMINE' : 'SELECT'} ${JSON.stringify(folder)} refused`);
    throw mapImapError(err);
  }
}
