import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';

import { SmimeError } from '../errors';
import { checkStructure, parseAsn1, parseAsn1InPlace, toDer } from './parse-der';

const der = toDer(new asn1js.Sequence({ value: [new asn1js.Integer({ value: 5 }), new asn1js.OctetString({ valueHex: new Uint8Array([1, 2]).buffer })] }));

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof SmimeError ? error.code : 'untyped';
  }
  return undefined;
}

describe('parseAsn1', () => {
  it('parses a well-formed value', () => {
    const value = parseAsn1(der, 'test value') as asn1js.Sequence;
    expect(value.valueBlock.value).toHaveLength(2);
  });

  it('rejects trailing bytes, truncation and overlong lengths with malformed-asn1', () => {
    expect(codeOf(() => parseAsn1(new Uint8Array([...der, 0]), 'x'))).toBe('malformed-asn1');
    expect(codeOf(() => parseAsn1(der.slice(0, der.length - 1), 'x'))).toBe('malformed-asn1');
    expect(codeOf(() => parseAsn1(new Uint8Array([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff]), 'x'))).toBe('malformed-asn1');
    expect(codeOf(() => parseAsn1(new Uint8Array([]), 'x'))).toBe('malformed-asn1');
  });

  it('accepts BER indefinite lengths and rejects an unterminated one', () => {
    const ber = new Uint8Array([0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00]);
    expect(() => checkStructure(ber, 'x', 64)).not.toThrow();
    expect(codeOf(() => checkStructure(ber.slice(0, 5), 'x', 64))).toBe('malformed-asn1');
  });

  it('stops deep nesting with limit-exceeded before asn1js recurses', () => {
    const depth = 100_000;
    const deep = new Uint8Array(depth * 2);
    for (let i = 0; i < depth; i++) {
      deep[i * 2] = 0x30;
      deep[i * 2 + 1] = 0x80;
    }
    expect(codeOf(() => parseAsn1(deep, 'x'))).toBe('limit-exceeded');
  });
});

describe('parseAsn1 on large and many-valued input', () => {
  it('parses values beyond asn1js’s 16 MB default', () => {
    const size = 17 * 1024 * 1024;
    const big = new Uint8Array(6 + size);
    big.set([0x04, 0x84, (size >>> 24) & 0xff, (size >>> 16) & 0xff, (size >>> 8) & 0xff, size & 0xff]);
    const value = parseAsn1(big, 'big value') as asn1js.OctetString;
    expect(value.valueBlock.valueHexView.byteLength).toBe(size);
  });

  it('parses BER split into many pieces, and caps the node count with limit-exceeded', () => {
    const pieces = (count: number) => {
      const out = new Uint8Array(2 + count * 3 + 2);
      out.set([0x24, 0x80]);
      for (let i = 0; i < count; i++) out.set([0x04, 0x01, i & 0xff], 2 + i * 3);
      return out;
    };
    expect(() => parseAsn1(pieces(30_000), 'streamed content')).not.toThrow();
    expect(codeOf(() => parseAsn1(pieces(300_000), 'streamed content'))).toBe('limit-exceeded');
  });
});

describe('parseAsn1 on strings asn1js cannot decode', () => {
  it('turns asn1js’s own throw into malformed-asn1 (found by the fuzz test)', () => {
    // UniversalString (tag 28) whose length is not a multiple of 4.
    expect(codeOf(() => parseAsn1(new Uint8Array([0x30, 0x05, 0x1c, 0x03, 0x41, 0x42, 0x43]), 'x'))).toBe('malformed-asn1');
  });
});

describe('parseAsn1InPlace', () => {
  const octetsOf = (value: asn1js.AsnType) => (value as asn1js.Sequence).valueBlock.value[1]!.valueBlock as unknown as { valueHexView: Uint8Array };

  it('reads views into the input where parseAsn1 reads its own copy', () => {
    const input = der.slice();
    const inPlace = octetsOf(parseAsn1InPlace(input, 'x'));
    const copied = octetsOf(parseAsn1(input, 'x'));
    input[input.length - 1] = 9;
    expect([...inPlace.valueHexView]).toEqual([1, 9]);
    expect([...copied.valueHexView]).toEqual([1, 2]);
  });

  it('still copies a SharedArrayBuffer view, and checks like parseAsn1', () => {
    const shared = new Uint8Array(new SharedArrayBuffer(der.length));
    shared.set(der);
    const value = octetsOf(parseAsn1InPlace(shared, 'x'));
    shared[shared.length - 1] = 9;
    expect([...value.valueHexView]).toEqual([1, 2]);
    expect(codeOf(() => parseAsn1InPlace(new Uint8Array([...der, 0]), 'x'))).toBe('malformed-asn1');
  });
});
