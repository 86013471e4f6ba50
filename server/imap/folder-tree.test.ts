import { describe, expect, it } from 'vitest';

import { type ListedMailbox, buildFolderTree } from './folder-tree';

const box = (path: string, extra: Partial<ListedMailbox> = {}): ListedMailbox => ({
  path,
  name: path.split(extra.delimiter ?? '/').pop()!,
  delimiter: '/',
  flags: new Set(),
  ...extra,
});

const order = (listed: ListedMailbox[]) => buildFolderTree(listed).map((f) => `${'  '.repeat(f.depth)}${f.name}`);

describe('buildFolderTree', () => {
  it('puts the special-use folders first (Inbox, Drafts, Sent, Archive, Junk, Trash), then the rest alphabetically', () => {
    expect(
      order([
        box('Zebra'),
        box('Papierkorb', { specialUse: '\\Trash' }),
        box('Sent', { specialUse: '\\Sent' }),
        box('INBOX'),
        box('Archive', { specialUse: '\\Archive' }),
        box('apples'),
        box('Junk', { specialUse: '\\Junk' }),
        box('Drafts', { specialUse: '\\Drafts' }),
        box('Öffentlich'),
        box('Projects'),
      ]),
    ).toEqual(['Inbox', 'Drafts', 'Sent', 'Archive', 'Junk', 'Papierkorb', 'apples', 'Öffentlich', 'Projects', 'Zebra']);
  });

  it('nests children right after their parent, alphabetically, whatever sorts between them', () => {
    expect(
      order([box('Projects-old'), box('Projects/b'), box('Projects'), box('Projects/a'), box('Projects/a/deep'), box('INBOX'), box('INBOX/Receipts')]),
    ).toEqual(['Inbox', '  Receipts', 'Projects', '  a', '    deep', '  b', 'Projects-old']);
  });

  it('lifts special-use folders nested under INBOX to the top (Courier-style INBOX.Sent)', () => {
    const d = { delimiter: '.' };
    expect(
      order([box('INBOX', d), box('INBOX.Sent', { ...d, specialUse: '\\Sent' }), box('INBOX.Sent.2024', d), box('INBOX.Lists', d), box('INBOX.Trash', { ...d, specialUse: '\\Trash' })]),
    ).toEqual(['Inbox', '  Lists', 'Sent', '  2024', 'Trash']);
  });

  it('names INBOX "Inbox" whatever its case, and treats only the first folder of a kind as special', () => {
    const folders = buildFolderTree([box('inbox'), box('Sent', { specialUse: '\\Sent' }), box('Sent Items', { specialUse: '\\Sent' })]);
    expect(folders.map((f) => [f.name, f.specialUse])).toEqual([
      ['Inbox', 'inbox'],
      ['Sent', 'sent'],
      ['Sent Items', null],
    ]);
  });

  it('keeps \\Noselect containers that hold folders, unselectable, drops empty ones and \\NonExistent', () => {
    const folders = buildFolderTree([
      box('Lists', { flags: new Set(['\\Noselect', '\\HasChildren']) }),
      box('Lists/dev'),
      box('Empty', { flags: new Set(['\\Noselect']) }),
      box('Gone', { flags: new Set(['\\NonExistent']) }),
    ]);
    expect(folders.map((f) => [f.path, f.selectable, f.depth])).toEqual([
      ['Lists', false, 0],
      ['Lists/dev', true, 1],
    ]);
  });

  it('adds a container for a child whose parent was not listed', () => {
    expect(buildFolderTree([box('Lists/dev/alerts')]).map((f) => [f.path, f.selectable, f.depth])).toEqual([
      ['Lists', false, 0],
      ['Lists/dev', false, 1],
      ['Lists/dev/alerts', true, 2],
    ]);
  });

  it('carries the unread and total counts from STATUS', () => {
    const [inbox] = buildFolderTree([box('INBOX', { status: { messages: 250, unseen: 12 } })]);
    expect(inbox).toMatchObject({ unread: 12, total: 250, selectable: true, specialUse: 'inbox' });
  });
});
