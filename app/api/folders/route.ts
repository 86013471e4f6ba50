import { handle } from '@/server/http';
import { listFolders } from '@/server/imap/folders';
import { sessionImap } from '@/server/imap/connection';
import { requireSession, sessionStore } from '@/server/session/sessions';

/** The folder tree with unread counts, special-use folders first. */
export async function GET() {
  return handle(async () => {
    const session = await requireSession();
    return { folders: await listFolders(await sessionImap(sessionStore(), session)) };
  });
}
