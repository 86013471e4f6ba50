import { describe, expect, it } from 'vitest';

import { folderLabel, unreadBadge } from './folder-label';

describe('folderLabel', () => {
  it('names the folder and, when there is any, its unread count', () => {
    expect(folderLabel({ name: 'Inbox', unread: 12 })).toBe('Inbox, 12 unread');
    expect(folderLabel({ name: 'Sent', unread: 0 })).toBe('Sent');
  });
  it('caps the visible badge, not the accessible count', () => {
    expect(unreadBadge(12)).toBe('12');
    expect(unreadBadge(123456)).toBe('9999+');
    expect(folderLabel({ name: 'Perf', unread: 123456 })).toBe('Perf, 123456 unread');
  });
});
