import type { Folder } from '@/lib/api/types';

/** The accessible name of a folder in the tree, e.g. "Inbox, 12 unread" (public API, docs/testing.md). */
export function folderLabel(f: Pick<Folder, 'name' | 'unread'>): string {
  return f.unread > 0 ? `${f.name}, ${f.unread} unread` : f.name;
}

/** The unread count as shown: large counts are capped so the pane keeps its width. */
export function unreadBadge(unread: number): string {
  return unread > 9999 ? '9999+' : String(unread);
}
