import { describe, expect, it } from 'vitest';

import { MAX_FOLDER_NAME_CHARS, childPath, folderNameProblem, isWithin, parentPath, pathAfterRename } from './folder-name';

describe('folderNameProblem', () => {
  it('accepts ordinary and Unicode names', () => {
    for (const name of ['Projects', 'Öffentlich', '山田', 'Rechnungen 2026', 'a.b', "O'Brien & Co"]) expect(folderNameProblem(name, '/')).toBeNull();
  });

  it('refuses the hierarchy delimiter with a message naming it', () => {
    expect(folderNameProblem('a/b', '/')).toBe('Folder names cannot contain "/": it separates folders from subfolders.');
    expect(folderNameProblem('a.b', '.')).toMatch(/cannot contain "\."/);
    expect(folderNameProblem('a/b', '')).toBeNull();
  });

  it('refuses empty names, wildcards and control characters', () => {
    expect(folderNameProblem('   ', '/')).toBe('Enter a folder name.');
    expect(folderNameProblem('a*', '/')).toMatch(/\* or %/);
    expect(folderNameProblem('50%', '/')).toMatch(/\* or %/);
    expect(folderNameProblem('a\tb', '/')).toMatch(/control/);
    expect(folderNameProblem('a\u202eb', '/')).toMatch(/control/);
  });

  it('caps the length (one over the limit is refused)', () => {
    expect(folderNameProblem('x'.repeat(MAX_FOLDER_NAME_CHARS), '/')).toBeNull();
    expect(folderNameProblem('x'.repeat(MAX_FOLDER_NAME_CHARS + 1), '/')).toMatch(/at most/);
    // Counted in characters, not UTF-16 units.
    expect(folderNameProblem('😀'.repeat(MAX_FOLDER_NAME_CHARS), '/')).toBeNull();
  });
});

describe('folder paths', () => {
  it('builds and splits paths', () => {
    expect(childPath(null, ' Projects ', '/')).toBe('Projects');
    expect(childPath('Projects', 'Öl', '/')).toBe('Projects/Öl');
    expect(parentPath('Projects/Öl/x', '/')).toBe('Projects/Öl');
    expect(parentPath('Projects', '/')).toBeNull();
  });

  it('knows what lies inside a folder and where it goes after a rename', () => {
    expect(isWithin('Projects/a', 'Projects', '/')).toBe(true);
    expect(isWithin('Projects', 'Projects', '/')).toBe(true);
    expect(isWithin('Projects-old', 'Projects', '/')).toBe(false);
    expect(pathAfterRename('Projects/a/b', 'Projects', 'Work', '/')).toBe('Work/a/b');
    expect(pathAfterRename('Projects-old', 'Projects', 'Work', '/')).toBe('Projects-old');
  });
});
