// A small, deterministic ISO 7816-4 card for transport tests (CCID driver, libccid differential):
// answers that exercise lengths and status words, with no PIV behind them. Two instances answer
// the same script with the same bytes.

import type { SimulatedCard } from '../transport';

/** The application SELECT by name finds. */
export const TEST_CARD_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x08);

/** INS values of the test card's own commands (CLA 80). */
export const TEST_INS = {
  /** Returns its command data (ECHO): long commands, extended ones included. */
  echo: 0xee,
  /** Answers 61xx, then GET RESPONSE hands out the bytes in parts. */
  deferred: 0xca,
} as const;

/** ATR offering T=1 with the given IFSC (TA3), BWI 4 / CWI 5 (TB3), LRC; TCK computed (ISO 7816-3 §8.2). */
export function t1Atr(ifsc: number): Uint8Array {
  const body = [0x80, 0x81, 0x31, ifsc, 0x45];
  return Uint8Array.of(0x3b, ...body, body.reduce((x, b) => x ^ b, 0));
}

interface Command {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
  /** Ne: the most bytes expected (256 or 65536 for a zero Le), 0 without Le. */
  ne: number;
}

export class CcidTestCard implements SimulatedCard {
  private selected = false;
  private pending: Uint8Array | null = null;

  constructor(private readonly atrBytes: Uint8Array = t1Atr(32)) {}

  atr(): Uint8Array {
    return this.atrBytes.slice();
  }

  reset(): void {
    this.selected = false;
    this.pending = null;
  }

  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    const command = parseCommand(apdu);
    if (!command) return sw(0x6700);
    const { cla, ins, p1, p2, data, ne } = command;
    if (ins !== 0xc0) this.pending = null;
    if (cla === 0x00 && ins === 0xa4 && p1 === 0x04) {
      this.selected = data.length === TEST_CARD_AID.length && data.every((b, i) => b === TEST_CARD_AID[i]);
      if (!this.selected) return sw(0x6a82);
      // A short FCI: 6F { 84 AID, A5 { 50 "SEALPOST TEST" } }.
      const label = new TextEncoder().encode('SEALPOST TEST');
      const fci = Uint8Array.of(0x6f, 4 + TEST_CARD_AID.length + 4 + label.length, 0x84, TEST_CARD_AID.length, ...TEST_CARD_AID, 0xa5, 2 + label.length, 0x50, label.length, ...label);
      return withSw(fci.subarray(0, ne || fci.length), 0x9000);
    }
    if (cla === 0x00 && ins === 0x84) return withSw(pattern(ne || 256, 0x5a), 0x9000);
    if (cla === 0x00 && ins === 0xb0) return withSw(pattern(ne || 256, (p1 << 8) | p2), 0x9000);
    if (cla === 0x00 && ins === 0xc0) {
      if (!this.pending) return sw(0x6985);
      const part = this.pending.subarray(0, ne || 256);
      const rest = this.pending.subarray(part.length);
      this.pending = rest.length ? rest : null;
      return withSw(part, rest.length ? 0x6100 | Math.min(rest.length, 0xff) : 0x9000);
    }
    if (cla === 0x80 && ins === TEST_INS.echo) return withSw(data, 0x9000);
    if (cla === 0x80 && ins === TEST_INS.deferred) {
      if (!this.selected) return sw(0x6985);
      this.pending = pattern((p1 << 8) | p2, 0x11);
      return sw(0x6100 | Math.min(this.pending.length, 0xff));
    }
    return sw(cla === 0x00 || cla === 0x80 ? 0x6d00 : 0x6e00);
  }
}

/** ISO 7816-4 §5.1 cases 1-4, short and extended. */
function parseCommand(apdu: Uint8Array): Command | null {
  if (apdu.length < 4) return null;
  const [cla, ins, p1, p2] = apdu as unknown as [number, number, number, number];
  const body = apdu.subarray(4);
  const base = { cla, ins, p1, p2 };
  if (body.length === 0) return { ...base, data: new Uint8Array(0), ne: 0 };
  if (body.length === 1) return { ...base, data: new Uint8Array(0), ne: body[0] || 256 };
  if (body[0] !== 0) {
    const lc = body[0]!;
    if (body.length === 1 + lc) return { ...base, data: body.subarray(1), ne: 0 };
    if (body.length === 2 + lc) return { ...base, data: body.subarray(1, 1 + lc), ne: body[1 + lc] || 256 };
    return null;
  }
  if (body.length === 3) return { ...base, data: new Uint8Array(0), ne: (body[1]! << 8 | body[2]!) || 65536 };
  const lc = (body[1]! << 8) | body[2]!;
  if (lc === 0) return null;
  if (body.length === 3 + lc) return { ...base, data: body.subarray(3), ne: 0 };
  if (body.length === 5 + lc) return { ...base, data: body.subarray(3, 3 + lc), ne: (body[3 + lc]! << 8 | body[4 + lc]!) || 65536 };
  return null;
}

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed + i * 7) & 0xff);
}

const sw = (word: number) => Uint8Array.of(word >> 8, word & 0xff);

function withSw(data: Uint8Array, word: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out.set(sw(word), data.length);
  return out;
}
