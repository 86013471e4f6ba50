import { describe, expect, it } from 'vitest';

import { canDropOn } from './use-folder-drop';

describe('canDropOn', () => {
  it('accepts folders that hold messages other than the source, refuses containers and the source', () => {
    expect(canDropOn({ path: 'Projects', selectable: true }, 'INBOX')).toBe(true);
    expect(canDropOn({ path: 'INBOX', selectable: true }, 'INBOX')).toBe(false);
    expect(canDropOn({ path: 'Lists', selectable: false }, 'INBOX')).toBe(false);
  });
});
