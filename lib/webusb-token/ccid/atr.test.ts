import { describe, expect, it } from 'vitest';
import { parseAtr } from './atr';

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/).map((b) => parseInt(b, 16)));

describe('parseAtr (ISO/IEC 7816-3 §8.2)', () => {
  it('reads the T=1 ATR libccid was seen driving: IFSC 254, BWI 1, CWI 5, LRC', () => {
    const atr = parseAtr(hex('3B 80 81 31 FE 15 DB'));
    expect(atr).toMatchObject({ convention: 'direct', protocols: [1], specificMode: false, t1: { ifsc: 254, bwi: 1, cwi: 5, edc: 'lrc' } });
    expect(atr.historical.length).toBe(0);
    expect(atr.ta1).toBeUndefined();
  });

  it("reads a YubiKey 5's ATR: TA1 13, T=1 bytes after TD2, 'YubiKey' in the historical bytes", () => {
    const atr = parseAtr(hex('3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40'));
    expect(atr.ta1).toBe(0x13);
    expect(atr.tc1).toBe(0x00);
    expect(atr.t1).toEqual({ ifsc: 254, bwi: 1, cwi: 5, edc: 'lrc' });
    expect(new TextDecoder().decode(atr.historical.subarray(6))).toBe('YubiKey');
  });

  it('reads a T=0-only ATR, which has no TCK', () => {
    const atr = parseAtr(hex('3B 02 14 50'));
    expect(atr.protocols).toEqual([0]);
    expect(atr.t1).toBeUndefined();
    expect(Array.from(atr.historical)).toEqual([0x14, 0x50]);
  });

  it('takes T=1 defaults when no T=1 bytes follow, and notices CRC and specific mode', () => {
    // TD1 = 0x81 names T=1 but the T=1 bytes start after TD2 (TD1's group is global).
    expect(parseAtr(hex('3B 80 01 81')).t1).toEqual({ ifsc: 32, bwi: 4, cwi: 13, edc: 'lrc' });
    // TD1 C1 (TC2, TD2 follow: T=1), TC2 = 0, TD2 = 41 (TC3 follows, T=1), TC3 = 01 asks for CRC.
    const crc = parseAtr(hex('3B 80 C1 00 41 01 01'));
    expect(crc.t1?.edc).toBe('crc');
    // TA2 present (TD1 = 0x11): specific mode.
    expect(parseAtr(hex('3B 90 11 11 01 91')).specificMode).toBe(true);
  });

  it('rejects a bad TS, a wrong TCK, a truncated or overlong ATR', () => {
    for (const bad of ['3C 00', '3B 80 81 31 FE 15 DA', '3B 80 81 31', '3B 02 14', '3B 02 14 50 00', '3B 80 81 31 FF 15 DA']) {
      expect(() => parseAtr(hex(bad)), bad).toThrow(expect.objectContaining({ code: 'card-unresponsive' }));
    }
    expect(() => parseAtr(new Uint8Array(34).fill(0x3b))).toThrow(expect.objectContaining({ code: 'card-unresponsive' }));
  });
});
