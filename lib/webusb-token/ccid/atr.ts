// The answer to reset (ISO/IEC 7816-3 §8.2): TS, T0, the TA/TB/TC/TD interface-byte chain,
// historical bytes and TCK; and the T=1 parameters it sets (§11.4).

import { TokenError } from '../errors';

/** An ATR has at most 33 bytes (TS + 32, §8.2.1). */
export const MAX_ATR_LENGTH = 33;

export interface T1AtrParameters {
  /** Information field size of the card (TA for T=1, default 32). */
  ifsc: number;
  /** Block and character waiting time integers (TB for T=1: BWI<<4 | CWI; defaults 4 and 13). */
  bwi: number;
  cwi: number;
  /** Error detection code (TC for T=1, bit 0). */
  edc: 'lrc' | 'crc';
}

export interface Atr {
  convention: 'direct' | 'inverse';
  /** Protocols the TDi bytes offer, each once, in order (T=15 excluded); [0] when there is no TD1. */
  protocols: number[];
  /** TA1: Fi/Di, absent for the defaults. */
  ta1?: number;
  /** TC1: extra guard time. */
  tc1?: number;
  /** TA2 present: the card starts in specific mode, no PPS. */
  specificMode: boolean;
  historical: Uint8Array;
  /** T=1 parameters, when the card offers T=1. */
  t1?: T1AtrParameters;
}

export function parseAtr(atr: Uint8Array): Atr {
  if (atr.length < 2 || atr.length > MAX_ATR_LENGTH) throw badAtr(`${atr.length} bytes`);
  const ts = atr[0];
  if (ts !== 0x3b && ts !== 0x3f) throw badAtr(`TS 0x${ts!.toString(16)}`);
  const historicalLength = atr[1]! & 0x0f;

  // interface[i][k]: TA(i+1), TB(i+1), TC(i+1), TD(i+1) for k = 0..3.
  const interfaceBytes: (number | undefined)[][] = [];
  const protocols: number[] = [];
  let y = atr[1]! >> 4;
  let offset = 2;
  while (true) {
    const group: (number | undefined)[] = [];
    for (let k = 0; k < 4; k++) {
      if (y & (1 << k)) {
        if (offset >= atr.length) throw badAtr('it ends inside its interface bytes');
        group.push(atr[offset++]);
      } else group.push(undefined);
    }
    interfaceBytes.push(group);
    const td = group[3];
    if (td === undefined) break;
    if ((td & 0x0f) !== 15 && !protocols.includes(td & 0x0f)) protocols.push(td & 0x0f);
    y = td >> 4;
  }

  const tckPresent = protocols.some((t) => t !== 0);
  if (offset + historicalLength + (tckPresent ? 1 : 0) !== atr.length) {
    throw badAtr(`${atr.length} bytes where its T0 and TDi bytes announce ${offset + historicalLength + (tckPresent ? 1 : 0)}`);
  }
  if (tckPresent) {
    // TCK makes the XOR of T0..TCK zero (§8.2.5).
    let check = 0;
    for (const byte of atr.subarray(1)) check ^= byte;
    if (check !== 0) throw badAtr('its TCK check byte is wrong');
  }

  const parsed: Atr = {
    convention: ts === 0x3b ? 'direct' : 'inverse',
    protocols: protocols.length ? protocols : [0],
    specificMode: interfaceBytes[1]?.[0] !== undefined,
    historical: atr.slice(offset, offset + historicalLength),
  };
  const ta1 = interfaceBytes[0]![0];
  const tc1 = interfaceBytes[0]![2];
  if (ta1 !== undefined) parsed.ta1 = ta1;
  if (tc1 !== undefined) parsed.tc1 = tc1;
  if (parsed.protocols.includes(1)) parsed.t1 = t1Parameters(interfaceBytes);
  return parsed;
}

/** T=1-specific bytes follow the first TDi (i >= 2) that names T=1 (§8.2.3: TD1 is global). */
function t1Parameters(interfaceBytes: (number | undefined)[][]): T1AtrParameters {
  const t1 = { ifsc: 32, bwi: 4, cwi: 13, edc: 'lrc' as 'lrc' | 'crc' };
  for (let i = 1; i + 1 < interfaceBytes.length; i++) {
    const td = interfaceBytes[i]![3];
    if (td === undefined || (td & 0x0f) !== 1) continue;
    const [ta, tb, tc] = interfaceBytes[i + 1]!;
    if (ta !== undefined) {
      if (ta === 0x00 || ta === 0xff) throw badAtr(`IFSC ${ta}`);
      t1.ifsc = ta;
    }
    if (tb !== undefined) {
      t1.bwi = tb >> 4;
      t1.cwi = tb & 0x0f;
    }
    if (tc !== undefined) t1.edc = tc & 0x01 ? 'crc' : 'lrc';
    break;
  }
  return t1;
}

const badAtr = (what: string) => new TokenError('card-unresponsive', `The card's answer to reset is malformed: ${what}.`);
