import 'server-only';

import type { Folder } from '@/lib/api/types';

import type { Session } from '../session/session-store';
import { buildFolderTree } from './folder-tree';
import { withSessionImap } from './session-imap';

/**
 * The session's folders in tree order with unread counts (LIST, and STATUS per folder; imapflow
 * uses LIST-STATUS, RFC 5819, when the server offers it).
 */
export async function listFolders(session: Session): Promise<Folder[]> {
  return withSessionImap(session, async (client) =>
    buildFolderTree(await client.list({ statusQuery: { messages: true, unseen: true } })),
  );
}
