import { describe, expect, it } from 'vitest';

import { hex, toHex } from '@/tests/support/scripted-transport';

import { LE_MAX, encodeCommand, parseResponse, statusError, swCount } from './apdu';

const PIV_AID = hex('a0 00 00 03 08 00 00 10 00');

describe('command APDU encoding (ISO/IEC 7816-4 section 5.1)', () => {
  it('encodes the four short cases', () => {
    expect(toHex(encodeCommand({ cla: 0, ins: 0x20, p1: 0, p2: 0x80 }, 'short'))).toBe('00200080');
    expect(toHex(encodeCommand({ cla: 0, ins: 0xc0, p1: 0, p2: 0, le: 8 }, 'short'))).toBe('00c0000008');
    expect(toHex(encodeCommand({ cla: 0, ins: 0xc0, p1: 0, p2: 0, le: 256 }, 'short'))).toBe('00c0000000');
    expect(toHex(encodeCommand({ cla: 0, ins: 0x20, p1: 0, p2: 0x80, data: hex('313233343536ffff') }, 'short'))).toBe('0020008008313233343536ffff');
    // The SELECT of SP 800-73-4 / the notes: 00 A4 04 00 09 <AID> 00.
    expect(toHex(encodeCommand({ cla: 0, ins: 0xa4, p1: 4, p2: 0, data: PIV_AID, le: 256 }, 'short'))).toBe('00a4040009a0000003080000100000');
  });

  it('encodes the extended cases with the 00 marker and two-byte Lc and Le', () => {
    expect(toHex(encodeCommand({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, le: LE_MAX }, 'extended'))).toBe('00cb3fff000000');
    expect(toHex(encodeCommand({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, le: 300 }, 'extended'))).toBe('00cb3fff00012c');
    const data = new Uint8Array(266).fill(0xab);
    const case3 = encodeCommand({ cla: 0, ins: 0x87, p1: 7, p2: 0x9c, data }, 'extended');
    expect(toHex(case3.subarray(0, 7))).toBe('0087079c00010a');
    expect(case3).toHaveLength(7 + 266);
    const case4 = encodeCommand({ cla: 0, ins: 0x87, p1: 7, p2: 0x9c, data, le: LE_MAX }, 'extended');
    expect(case4).toHaveLength(7 + 266 + 2);
    expect(toHex(case4.subarray(0, 7))).toBe('0087079c00010a');
    expect(toHex(case4.subarray(7 + 266))).toBe('0000');
    expect(case4.subarray(7, 7 + 266)).toEqual(data);
  });

  it('refuses what a form cannot carry and fields that are not bytes', () => {
    const invalid = expect.objectContaining({ code: 'invalid-argument' });
    expect(() => encodeCommand({ cla: 0, ins: 0x87, p1: 7, p2: 0x9c, data: new Uint8Array(256) }, 'short')).toThrow(invalid);
    expect(() => encodeCommand({ cla: 0, ins: 0xc0, p1: 0, p2: 0, le: 257 }, 'short')).toThrow(invalid);
    expect(() => encodeCommand({ cla: 0, ins: 0xc0, p1: 0, p2: 0, le: 0 }, 'short')).toThrow(invalid);
    expect(() => encodeCommand({ cla: 0, ins: 0xc0, p1: 0, p2: 0, le: LE_MAX + 1 }, 'extended')).toThrow(invalid);
    expect(() => encodeCommand({ cla: 0x100, ins: 0xc0, p1: 0, p2: 0 }, 'short')).toThrow(invalid);
    expect(() => encodeCommand({ cla: 0, ins: 0xc0, p1: -1, p2: 0 }, 'short')).toThrow(invalid);
  });
});

describe('response APDUs and status words', () => {
  it('splits data from SW1 SW2', () => {
    expect(parseResponse(hex('9000'))).toEqual({ data: new Uint8Array(0), sw: 0x9000 });
    expect(parseResponse(hex('01 02 03 61 08'))).toEqual({ data: hex('010203'), sw: 0x6108 });
    expect(() => parseResponse(hex('90'))).toThrow(expect.objectContaining({ code: 'card-unresponsive' }));
    expect(() => parseResponse(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'card-unresponsive' }));
  });

  it('reads 61xx and 6Cxx counts, 00 standing for 256', () => {
    expect(swCount(0x6108)).toBe(8);
    expect(swCount(0x6100)).toBe(256);
    expect(swCount(0x6c20)).toBe(32);
  });

  it('maps status words to coded errors', () => {
    expect(statusError(0x63c2, 'VERIFY')).toMatchObject({ code: 'wrong-pin', retriesLeft: 2 });
    expect(statusError(0x63c0, 'VERIFY')).toMatchObject({ code: 'pin-blocked' });
    expect(statusError(0x6983, 'VERIFY')).toMatchObject({ code: 'pin-blocked' });
    expect(statusError(0x6982, 'GENERAL AUTHENTICATE')).toMatchObject({ code: 'pin-required' });
    expect(statusError(0x6a82, 'GET DATA')).toMatchObject({ code: 'unsupported-card' });
    expect(statusError(0x6a88, 'GENERAL AUTHENTICATE')).toMatchObject({ code: 'unsupported-card' });
    expect(statusError(0x6d00, 'GENERAL AUTHENTICATE')).toMatchObject({ code: 'unsupported-card' });
    expect(statusError(0x6a86, 'GENERAL AUTHENTICATE')).toMatchObject({ code: 'unsupported-algorithm' });
    const other = statusError(0x6f00, 'GENERAL AUTHENTICATE');
    expect(other).toMatchObject({ code: 'card-error' });
    expect(other.message).toContain('6F00');
  });
});
