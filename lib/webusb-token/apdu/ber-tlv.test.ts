import { describe, expect, it } from 'vitest';

import { hex, toHex } from '@/tests/support/scripted-transport';

import { TLV_LIMITS, children, encodeLength, encodeTag, encodeTlv, readTlvs, requireTlv } from './ber-tlv';

const cardError = expect.objectContaining({ code: 'card-error' });
const limit = expect.objectContaining({ code: 'limit-exceeded' });

describe('BER-TLV', () => {
  it('reads the YubiKey SELECT answer (Application Property Template)', () => {
    const [apt, ...rest] = readTlvs(hex('61 11 4F 06 00 00 10 00 01 00 79 07 4F 05 A0 00 00 03 08'));
    expect(rest).toEqual([]);
    expect(apt!.tag).toBe(0x61);
    const inner = children(apt!);
    expect(inner.map((t) => t.tag)).toEqual([0x4f, 0x79]);
    expect(toHex(children(inner[1]!)[0]!.value)).toBe('a000000308');
  });

  it('reads multi-byte tags and long-form lengths', () => {
    const cert = new Uint8Array(300).fill(0x30);
    const [object] = readTlvs(hex(`53 82 01 35 70 82 01 2c ${toHex(cert)} 71 01 00 fe 00`));
    expect(object!.tag).toBe(0x53);
    const inner = children(object!);
    expect(inner.map((t) => t.tag)).toEqual([0x70, 0x71, 0xfe]);
    expect(inner[0]!.value).toEqual(cert);
    expect(readTlvs(hex('5f c1 05 02 ab cd'))[0]).toMatchObject({ tag: 0x5fc105, value: hex('abcd') });
    expect(readTlvs(hex('5f 2f 02 40 00'))[0]).toMatchObject({ tag: 0x5f2f, value: hex('4000') });
    expect(readTlvs(hex('82 81 03 01 02 03'))[0]).toMatchObject({ tag: 0x82, value: hex('010203') });
    expect(readTlvs(hex('82 83 00 00 02 01 02'))[0]).toMatchObject({ tag: 0x82, value: hex('0102') });
  });

  it('skips 00 and FF padding between objects', () => {
    expect(readTlvs(hex('00 ff 80 01 aa 00 00 81 00 ff')).map((t) => t.tag)).toEqual([0x80, 0x81]);
  });

  it('writes tags and the shortest lengths', () => {
    expect(toHex(encodeTag(0x5fc105))).toBe('5fc105');
    expect(toHex(encodeTag(0x7c))).toBe('7c');
    expect(toHex(encodeLength(0x7f))).toBe('7f');
    expect(toHex(encodeLength(0x80))).toBe('8180');
    expect(toHex(encodeLength(0x106))).toBe('820106');
    expect(toHex(encodeLength(0x10000))).toBe('83010000');
    expect(toHex(encodeTlv(0x5c, hex('5fc105')))).toBe('5c035fc105');
    // Round trip of a 256-byte value.
    const value = new Uint8Array(256).fill(7);
    const [back] = readTlvs(encodeTlv(0x81, value));
    expect(back).toMatchObject({ tag: 0x81, value });
  });

  it('refuses malformed input with card-error', () => {
    expect(() => readTlvs(hex('70 05 01 02'))).toThrow(cardError); // length beyond the data
    expect(() => readTlvs(hex('70 84 ff ff ff ff 00'))).toThrow(cardError); // 4 GB claimed
    expect(() => readTlvs(hex('70 85 00 00 00 00 01 00'))).toThrow(cardError); // five length bytes
    expect(() => readTlvs(hex('70 80 00 00'))).toThrow(cardError); // indefinite length
    expect(() => readTlvs(hex('70'))).toThrow(cardError); // no length
    expect(() => readTlvs(hex('70 82 01'))).toThrow(cardError); // truncated length
    expect(() => readTlvs(hex('5f c1'))).toThrow(cardError); // truncated tag
    expect(() => readTlvs(hex('5f c1 85 81 01 00'))).toThrow(cardError); // four-byte tag
    expect(() => requireTlv(readTlvs(hex('80 00')), 0x82, 'the response')).toThrow(cardError);
  });

  it('caps depth and object count with limit-exceeded', () => {
    let nested = hex('80 00');
    for (let i = 0; i <= TLV_LIMITS.depth + 1; i++) nested = encodeTlv(0x7c, nested);
    let level = readTlvs(nested);
    const descend = () => {
      for (;;) level = children(level[0]!);
    };
    expect(descend).toThrow(limit);
    const many = new Uint8Array(2 * (TLV_LIMITS.objectsPerLevel + 1)).map((_, i) => (i % 2 === 0 ? 0x80 : 0));
    expect(() => readTlvs(many)).toThrow(limit);
    expect(readTlvs(many.subarray(0, 2 * TLV_LIMITS.objectsPerLevel))).toHaveLength(TLV_LIMITS.objectsPerLevel);
  });
});
