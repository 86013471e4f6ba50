import type { MessageStructureObject } from 'imapflow';
import { describe, expect, it } from 'vitest';

import type { Folder } from '@/lib/api/types';

import { AppError } from '../errors';
import { mapImapError } from './connection';
import { sortFolders } from './folders';
import { hasAttachment } from './messages';

const folder = (path: string, specialUse: Folder['specialUse'] = null): Folder => ({
  path,
  name: path.split('/').pop()!,
  delimiter: '/',
  specialUse,
  unread: 0,
  total: 0,
  depth: path.split('/').length - 1,
});

describe('sortFolders', () => {
  it('puts special-use folders first in a fixed order, then the rest alphabetically with children after parents', () => {
    const sorted = sortFolders([
      folder('Zebra'),
      folder('Trash', 'trash'),
      folder('Projects/Öffentlich'),
      folder('Sent', 'sent'),
      folder('Projects'),
      folder('INBOX', 'inbox'),
      folder('Archive', 'archive'),
      folder('Junk', 'junk'),
      folder('Drafts', 'drafts'),
      folder('apples'),
    ]);
    expect(sorted.map((f) => f.path)).toEqual([
      'INBOX', 'Drafts', 'Sent', 'Archive', 'Junk', 'Trash', 'apples', 'Projects', 'Projects/Öffentlich', 'Zebra',
    ]);
  });
});

describe('mapImapError', () => {
  it.each([
    [{ authenticationFailed: true }, 'auth-failed'],
    [{ serverResponseCode: 'AUTHENTICATIONFAILED' }, 'auth-failed'],
    [{ serverResponseCode: 'NONEXISTENT' }, 'folder-not-found'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'imap-unavailable'],
    [Object.assign(new Error('x'), { code: 'NoConnection' }), 'imap-unavailable'],
    [new Error('unexpected parser state'), 'internal'],
  ])('maps %o to %s', (err, code) => {
    const mapped = mapImapError(err);
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped.code).toBe(code);
  });
});

describe('hasAttachment', () => {
  const leaf = (type: string, extra: Partial<MessageStructureObject> = {}) => ({ type, part: '1', ...extra }) as MessageStructureObject;
  it('finds an attachment disposition anywhere in the tree', () => {
    const tree = { type: 'multipart/mixed', childNodes: [leaf('text/plain'), leaf('application/pdf', { disposition: 'attachment' })] } as MessageStructureObject;
    expect(hasAttachment(tree)).toBe(true);
  });
  it('does not count text alternatives or inline images', () => {
    const tree = {
      type: 'multipart/alternative',
      childNodes: [leaf('text/plain'), leaf('image/png', { disposition: 'inline', dispositionParameters: { filename: 'a.png' } })],
    } as MessageStructureObject;
    expect(hasAttachment(tree)).toBe(false);
  });
});
