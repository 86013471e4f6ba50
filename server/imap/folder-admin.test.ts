import type { ListResponse } from 'imapflow';
import { describe, expect, it } from 'vitest';

import { assertChangeable, isProtectedFolder, mapFolderCommandError, subtree } from './folder-admin';

const box = (path: string, specialUse?: string): ListResponse =>
  ({ path, name: path.split('/').pop()!, delimiter: '/', specialUse, flags: new Set<string>() }) as unknown as ListResponse;
const refusal = (serverResponseCode: string) => Object.assign(new Error('Command failed'), { responseStatus: 'NO', serverResponseCode });

describe('folder admin rules', () => {
  it('protects INBOX (any case) and the special-use folders', () => {
    expect(isProtectedFolder(box('INBOX'))).toBe(true);
    expect(isProtectedFolder(box('inbox'))).toBe(true);
    expect(isProtectedFolder(box('Papierkorb', '\\Trash'))).toBe(true);
    expect(isProtectedFolder(box('Projects'))).toBe(false);
  });

  it('finds the subtree deepest first, not lookalike siblings', () => {
    const listed = [box('P'), box('P/a'), box('P/a/b'), box('P-old')];
    expect(subtree(listed, listed[0]!).map((m) => m.path)).toEqual(['P/a/b', 'P/a', 'P']);
  });

  it('refuses to rename or delete a folder that holds a special-use folder', () => {
    const listed = [box('INBOX'), box('INBOX/Sent', '\\Sent'), box('Lists')];
    expect(() => assertChangeable(listed, listed[0]!)).toThrow(expect.objectContaining({ code: 'folder-protected' }));
    expect(() => assertChangeable(listed, listed[2]!)).not.toThrow();
  });

  it('maps the server refusals of CREATE/RENAME/DELETE', () => {
    expect(mapFolderCommandError(refusal('ALREADYEXISTS')).code).toBe('folder-exists');
    expect(mapFolderCommandError(refusal('CANNOT')).code).toBe('invalid-folder-name');
    expect(mapFolderCommandError(refusal('NONEXISTENT')).code).toBe('folder-not-found');
    expect(mapFolderCommandError(Object.assign(new Error('x'), { code: 'NoConnection' })).code).toBe('imap-unavailable');
  });
});
