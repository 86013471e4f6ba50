import { handle } from '@/server/http';
import { listFolders } from '@/server/imap/folders';
import { requireSession } from '@/server/session/sessions';

/** The folder tree in display order with unread counts: 200 { folders: Folder[] }. */
export async function GET() {
  return handle(async () => ({ folders: await listFolders(await requireSession()) }));
}
