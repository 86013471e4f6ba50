import type { ListResponse } from 'imapflow';
import { describe, expect, it } from 'vitest';

import { MAX_DELETE_FOLDERS, planFolderDelete } from './delete-folder';

const box = (path: string, messages = 0, specialUse?: string): ListResponse =>
  ({ path, name: path, delimiter: '/', specialUse, flags: new Set<string>(), status: { path, messages } }) as unknown as ListResponse;

describe('planFolderDelete', () => {
  it('deletes subfolders first when the confirmed count covers every message', () => {
    const listed = [box('INBOX', 9), box('P', 2), box('P/a', 1), box('P/a/b', 3), box('P-old', 5)];
    expect(planFolderDelete(listed, 'P', 6).map((m) => m.path)).toEqual(['P/a/b', 'P/a', 'P']);
    expect(() => planFolderDelete(listed, 'P', 5)).toThrow(expect.objectContaining({ code: 'folder-not-empty' }));
  });

  it('refuses special folders, missing folders, and more than MAX_DELETE_FOLDERS (one over)', () => {
    expect(() => planFolderDelete([box('Trash', 0, '\\Trash')], 'Trash', 0)).toThrow(expect.objectContaining({ code: 'folder-protected' }));
    expect(() => planFolderDelete([box('A')], 'B', 0)).toThrow(expect.objectContaining({ code: 'folder-not-found' }));
    const many = (n: number) => [box('Big'), ...Array.from({ length: n - 1 }, (_, i) => box(`Big/${i}`))];
    expect(planFolderDelete(many(MAX_DELETE_FOLDERS), 'Big', 0)).toHaveLength(MAX_DELETE_FOLDERS);
    expect(() => planFolderDelete(many(MAX_DELETE_FOLDERS + 1), 'Big', 0)).toThrow(expect.objectContaining({ code: 'bad-request' }));
  });
});
