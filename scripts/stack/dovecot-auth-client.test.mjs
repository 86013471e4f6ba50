import { describe, expect, it } from 'vitest';

import { parseAuthLine } from './dovecot-auth-client.mjs';

describe('parseAuthLine', () => {
  it('splits command, id and parameters', () => {
    expect(parseAuthLine('OK\t1\tuser=alice\tsecured')).toEqual({
      command: 'OK',
      id: '1',
      params: { user: 'alice', secured: true },
    });
  });

  it('unescapes tab, newline and backslash in values', () => {
    expect(parseAuthLine('FAIL\t7\treason=bad\\tpass\\\\word\\n').params.reason).toBe('bad\tpass\\word\n');
  });
});
