import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';

import { derWithHole } from './der-with-hole';
import { toDer } from './parse-der';

describe('derWithHole', () => {
  // Short, one-byte, two-byte and three-byte lengths (X.690 8.1.3.5) around the hole.
  it.each([5, 127, 128, 255, 256, 70_000])('writes the DER asn1js writes, with a %i-byte value filled in place', (length) => {
    const value = new Uint8Array(length).map((_, i) => i & 0xff);
    const oid = new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.1' });
    const tail = new asn1js.Integer({ value: 7 });
    const expected = toDer(
      new asn1js.Sequence({
        value: [oid, new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.OctetString({ valueHex: value.slice().buffer })] }), tail],
      }),
    );
    const { der, hole } = derWithHole({ tag: 0x30, children: [toDer(oid), { tag: 0xa0, children: [{ tag: 0x04, holeLength: length }] }, toDer(tail)] });
    expect(hole.length).toBe(length);
    hole.set(value);
    expect(der).toEqual(expected);
  });

  it('takes at most one hole, and one-byte tags', () => {
    expect(derWithHole({ tag: 0x30, children: [new Uint8Array([5, 0])] })).toEqual({ der: new Uint8Array([0x30, 2, 5, 0]), hole: new Uint8Array(0) });
    expect(() => derWithHole({ tag: 0x30, children: [{ tag: 0x04, holeLength: 1 }, { tag: 0x04, holeLength: 1 }] })).toThrow(/one hole/);
    expect(() => derWithHole({ tag: 0x1f, holeLength: 1 })).toThrow(/one-byte tags/);
  });
});
