import 'server-only';

import type { Folder, SpecialUse } from '@/lib/api/types';

import { isCertbookFolderPath } from '../certbook/certbook-folder';

// Turns the server's LIST answer into the folder pane's order: a flat list in tree order with a
// depth per folder. Top level: the special-use folders first, in the order Inbox, Drafts, Sent,
// Archive, Junk, Trash, then the others alphabetically; children follow their parent,
// alphabetically.

/** The fields of an imapflow ListResponse this module reads. */
export interface ListedMailbox {
  path: string;
  name: string;
  delimiter?: string | null;
  /** RFC 6154 attribute, e.g. "\\Sent". */
  specialUse?: string | null;
  flags?: Set<string>;
  status?: { messages?: number; unseen?: number };
}

export const SPECIAL_ORDER: readonly SpecialUse[] = ['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash'];

const SPECIAL_USE_ATTRIBUTES: Record<string, SpecialUse> = {
  '\\inbox': 'inbox',
  '\\drafts': 'drafts',
  '\\sent': 'sent',
  '\\archive': 'archive',
  '\\junk': 'junk',
  '\\trash': 'trash',
};

interface Node {
  folder: Folder;
  children: Node[];
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const byName = (a: Node, b: Node) => collator.compare(a.folder.name, b.folder.name) || (a.folder.path < b.folder.path ? -1 : 1);

function flags(m: ListedMailbox): Set<string> {
  return new Set([...(m.flags ?? [])].map((f) => f.toLowerCase()));
}

/** Orders and nests the folders of one LIST answer. */
export function buildFolderTree(listed: readonly ListedMailbox[]): Folder[] {
  const nodes = new Map<string, Node>();
  const specialTaken = new Set<SpecialUse>();

  for (const m of listed) {
    const f = flags(m);
    if (f.has('\\nonexistent') || nodes.has(m.path)) continue;
    // The certificate address book's folder is the app's storage, not mail (server/certbook).
    if (isCertbookFolderPath(m.path, m.delimiter)) continue;
    const isInbox = m.path.toUpperCase() === 'INBOX';
    let specialUse: SpecialUse | null = isInbox ? 'inbox' : (SPECIAL_USE_ATTRIBUTES[(m.specialUse ?? '').toLowerCase()] ?? null);
    // Only the first folder of each kind is special; a second "\Sent" is an ordinary folder.
    if (specialUse && specialTaken.has(specialUse)) specialUse = null;
    if (specialUse) specialTaken.add(specialUse);
    nodes.set(m.path, {
      folder: {
        path: m.path,
        name: isInbox ? 'Inbox' : m.name,
        delimiter: m.delimiter ?? '',
        specialUse,
        selectable: !f.has('\\noselect'),
        unread: m.status?.unseen ?? 0,
        total: m.status?.messages ?? 0,
        depth: 0,
      },
      children: [],
    });
  }

  const roots: Node[] = [];
  const attach = (node: Node): void => {
    const { path, delimiter, specialUse } = node.folder;
    const cut = delimiter ? path.lastIndexOf(delimiter) : -1;
    // Special-use folders stand at the top even when the server nests them (INBOX.Sent).
    if (cut <= 0 || (specialUse && specialUse !== 'inbox')) {
      roots.push(node);
      return;
    }
    const parentPath = path.slice(0, cut);
    let parent = nodes.get(parentPath);
    if (!parent) {
      // The server listed a child without its parent: show the parent as a container.
      parent = {
        folder: {
          path: parentPath,
          name: parentPath.slice(parentPath.lastIndexOf(delimiter) + 1),
          delimiter,
          specialUse: null,
          selectable: false,
          unread: 0,
          total: 0,
          depth: 0,
        },
        children: [],
      };
      nodes.set(parentPath, parent);
      attach(parent);
    }
    parent.children.push(node);
  };
  for (const node of [...nodes.values()]) attach(node);

  const rank = (n: Node) => (n.folder.specialUse ? SPECIAL_ORDER.indexOf(n.folder.specialUse) : SPECIAL_ORDER.length);
  roots.sort((a, b) => rank(a) - rank(b) || byName(a, b));

  const out: Folder[] = [];
  const walk = (node: Node, depth: number): void => {
    // A container without folders in it has nothing to show.
    if (!node.folder.selectable && node.children.length === 0) return;
    out.push({ ...node.folder, depth });
    for (const child of node.children.sort(byName)) walk(child, depth + 1);
  };
  for (const root of roots) walk(root, 0);
  return out;
}
