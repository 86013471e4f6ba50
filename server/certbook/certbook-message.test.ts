import { describe, expect, it } from 'vitest';

import { MAX_CERTBOOK_ENTRY_BYTES } from './certbook-limits';
import { entryFromMessage, entryMessage, fingerprintFromHeaders } from './certbook-message';

const FP = 'ab'.repeat(32);

describe('entry messages', () => {
  it('carries the entry unchanged (UTF-8 too) in base64 lines under the fingerprint', () => {
    const entry = JSON.stringify({ v: 1, name: 'Bob Ødegård', pad: 'x'.repeat(500) });
    const raw = entryMessage(FP, entry, new Date('2026-03-01T00:00:00Z'));
    const text = raw.toString('latin1');
    expect(text).toContain(`\r\nSubject: ${FP}\r\n`);
    expect(text).toContain('Date: Sun, 01 Mar 2026 00:00:00 +0000\r\n');
    expect(text.split('\r\n').every((line) => line.length <= 78)).toBe(true);
    expect(entryFromMessage(raw)).toBe(entry);
  });

  it('reads the fingerprint from a Subject header block, and nothing else', () => {
    expect(fingerprintFromHeaders(Buffer.from(`Subject: ${FP.toUpperCase()}\r\n\r\n`))).toBe(FP);
    expect(fingerprintFromHeaders(Buffer.from('Subject: hello\r\n\r\n'))).toBeNull();
    expect(fingerprintFromHeaders(Buffer.from(`Subject: ${FP}x\r\n\r\n`))).toBeNull();
    expect(fingerprintFromHeaders(undefined)).toBeNull();
  });

  it('refuses messages that are not ours or are malformed', () => {
    const good = entryMessage(FP, '{"v":1}').toString('latin1');
    expect(entryFromMessage(Buffer.from(good.replace('X-Sealpost-Certbook: 1\r\n', ''), 'latin1'))).toBeNull();
    expect(entryFromMessage(Buffer.from(`${good}!!`, 'latin1'))).toBeNull();
    expect(entryFromMessage(Buffer.from(good.split('\r\n\r\n')[0]!, 'latin1'))).toBeNull();
    const notUtf8 = good.split('\r\n\r\n')[0] + '\r\n\r\n' + Buffer.from([0xff, 0xfe, 0x41]).toString('base64');
    expect(entryFromMessage(Buffer.from(notUtf8, 'latin1'))).toBeNull();
    const huge = entryMessage(FP, 'x'.repeat(MAX_CERTBOOK_ENTRY_BYTES + 1));
    expect(entryFromMessage(huge)).toBeNull();
  });
});
