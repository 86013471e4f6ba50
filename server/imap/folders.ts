import 'server-only';

import type { ImapFlow, ListResponse } from 'imapflow';

import type { Folder, SpecialUse } from '@/lib/api/types';

import { mapImapError } from './connection';

const SPECIAL_ORDER: SpecialUse[] = ['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash'];
const SPECIAL_FLAGS: Record<string, SpecialUse> = {
  '\\Inbox': 'inbox',
  '\\Drafts': 'drafts',
  '\\Sent': 'sent',
  '\\Archive': 'archive',
  '\\Junk': 'junk',
  '\\Trash': 'trash',
};

export function toFolder(m: ListResponse): Folder {
  const specialUse = m.path.toUpperCase() === 'INBOX' ? 'inbox' : (SPECIAL_FLAGS[m.specialUse ?? ''] ?? null);
  const delimiter = m.delimiter ?? '/';
  return {
    path: m.path,
    name: specialUse === 'inbox' ? 'Inbox' : m.name,
    delimiter,
    specialUse,
    unread: m.status?.unseen ?? 0,
    total: m.status?.messages ?? 0,
    depth: delimiter ? m.path.split(delimiter).length - 1 : 0,
  };
}

/**
 * Special-use folders first in a fixed order (Inbox, Drafts, Sent, Archive, Junk, Trash), then
 * the others alphabetically by path, so children follow their parent.
 */
export function sortFolders(folders: Folder[]): Folder[] {
  const rank = (f: Folder) => (f.specialUse && f.depth === 0 ? SPECIAL_ORDER.indexOf(f.specialUse) : SPECIAL_ORDER.length);
  const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
  return [...folders].sort((a, b) => rank(a) - rank(b) || collator.compare(a.path, b.path));
}

export async function listFolders(client: ImapFlow): Promise<Folder[]> {
  try {
    const list = await client.list({ statusQuery: { messages: true, unseen: true } });
    return sortFolders(list.filter((m) => !m.flags?.has('\\Noselect') && !m.flags?.has('\\NonExistent')).map(toFolder));
  } catch (err) {
    throw mapImapError(err);
  }
}
