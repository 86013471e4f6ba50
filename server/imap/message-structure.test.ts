import type { MessageStructureObject } from 'imapflow';
import { describe, expect, it } from 'vitest';

import type { MessagePart } from '@/lib/api/types';

import { PART_SECTION } from './message-part';
import { MAX_PART_PARAMETERS, MAX_PART_STRING, MAX_STRUCTURE_PARTS, toMessageStructure } from './message-structure';
import { MAX_STRUCTURE_DEPTH } from './messages';

const leaf = (part: string | undefined, type: string, extra: Partial<MessageStructureObject> = {}) => ({ part, type, ...extra }) as MessageStructureObject;

function count(p: MessagePart): number {
  return 1 + (p.children ?? []).reduce((n, c) => n + count(c), 0);
}

describe('toMessageStructure', () => {
  it('keeps part numbers, types, parameters, encodings, sizes and dispositions', () => {
    const s = toMessageStructure(9, 1234, {
      type: 'multipart/mixed',
      parameters: { boundary: 'b' },
      childNodes: [
        leaf('1', 'text/plain', { parameters: { charset: 'UTF-8' }, encoding: 'quoted-printable', size: 12 }),
        leaf('2', 'image/png', { id: '<logo@x>', encoding: 'BASE64', size: 400, disposition: 'INLINE', dispositionParameters: { filename: 'logo.png' } }),
      ],
    } as MessageStructureObject);
    expect(s).toMatchObject({ uid: 9, size: 1234, truncated: false });
    expect(s.root).toMatchObject({ part: '', type: 'multipart/mixed', parameters: { boundary: 'b' }, encoding: null });
    expect(s.root.children).toEqual([
      { part: '1', type: 'text/plain', parameters: { charset: 'UTF-8' }, encoding: 'quoted-printable', size: 12, id: null, disposition: null, dispositionParameters: {} },
      { part: '2', type: 'image/png', parameters: {}, encoding: 'base64', size: 400, id: 'logo@x', disposition: 'inline', dispositionParameters: { filename: 'logo.png' } },
    ]);
  });

  it('numbers a single-part message as part 1 (RFC 3501 6.4.5)', () => {
    expect(toMessageStructure(1, 10, leaf(undefined, 'text/plain')).root.part).toBe('1');
  });

  it('cuts nesting deeper than MAX_STRUCTURE_DEPTH and says so', () => {
    let node = leaf('1', 'text/plain');
    for (let i = 0; i < 100; i++) node = { type: 'multipart/mixed', part: '1', childNodes: [node] } as MessageStructureObject;
    const s = toMessageStructure(1, 10, node);
    expect(s.truncated).toBe(true);
    let depth = 0;
    for (let p = s.root; p.children?.length; p = p.children[0]!) depth++;
    expect(depth).toBe(MAX_STRUCTURE_DEPTH);
    expect(toMessageStructure(1, 10, { type: 'multipart/mixed', childNodes: [leaf('1', 'text/plain')] } as MessageStructureObject).truncated).toBe(false);
  });

  it('describes at most MAX_STRUCTURE_PARTS parts', () => {
    const wide = { type: 'multipart/mixed', childNodes: Array.from({ length: 1000 }, (_, i) => leaf(String(i + 1), 'text/plain')) } as MessageStructureObject;
    const s = toMessageStructure(1, 10, wide);
    expect(s.truncated).toBe(true);
    expect(count(s.root)).toBe(MAX_STRUCTURE_PARTS);
  });

  it('clips parameter counts and string lengths', () => {
    const parameters = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`p${i}`, 'v'.repeat(5000)]));
    const s = toMessageStructure(1, 10, leaf(undefined, 'application/x-thing', { parameters }));
    expect(Object.keys(s.root.parameters)).toHaveLength(MAX_PART_PARAMETERS);
    expect(s.root.parameters.p0).toHaveLength(MAX_PART_STRING);
  });
});

describe('PART_SECTION', () => {
  it('accepts IMAP body sections and nothing else', () => {
    for (const ok of ['HEADER', 'TEXT', '1', '2.1', '1.2.MIME', '3.HEADER', '3.TEXT']) expect(PART_SECTION.test(ok), ok).toBe(true);
    const tooDeep = Array.from({ length: 33 }, () => '1').join('.');
    for (const bad of ['', '0', '1.0', 'MIME', '1.', '1..2', '1 BODY[]', '1]', 'header', '1.mime', tooDeep, '123456']) {
      expect(PART_SECTION.test(bad), bad).toBe(false);
    }
  });
});
