// The card's side of T=1 (ISO/IEC 7816-3 §11) for the CCID device simulator's TPDU level.
// Written from the standard apart from the driver's ccid/t1.ts, so the two check each other.
// One call per block the reader forwards; the answer is the card's next block, or null when a
// fault makes the card mute.

import type { SimulatedCard } from '../transport';

/** What the simulated card does on purpose, for tests of the host's recovery. */
export interface T1CardFaults {
  /** S(WTX request) blocks sent before each answer, each to be confirmed by S(WTX response). */
  wtxRequests?: number;
  /** The next this-many blocks the card sends get a wrong LRC. */
  corruptBlocks?: number;
}

const MAX_COMMAND = 65536 + 7 + 3;

export class T1CardSide {
  /** The card's IFSC (what it accepts per block, from its ATR); the host's IFSD is 32 until S(IFS). */
  private hostIfsd = 32;
  private nextSendSeq = 0;
  private expectedReceiveSeq = 0;
  private command: number[] = [];
  /** The response parts not yet sent, and the last block sent (for retransmission). */
  private pending: Uint8Array[] = [];
  private lastSent: Uint8Array | null = null;
  private lastIBlockSeq = -1;
  private wtxLeft = 0;
  private ppsAllowed = true;

  constructor(
    private readonly card: SimulatedCard,
    private readonly ifsc: number,
    private readonly faults: () => T1CardFaults,
  ) {}

  get hostInformationFieldSize(): number {
    return this.hostIfsd;
  }

  async receive(block: Uint8Array): Promise<Uint8Array> {
    // A PPS request (PPSS = FF) may come before the first block; the card accepts it by echoing it (§9.3).
    if (this.ppsAllowed && block[0] === 0xff) {
      this.ppsAllowed = false;
      return block.slice();
    }
    this.ppsAllowed = false;
    const frame = checkFrame(block, this.ifsc);
    if (frame === 'edc' || frame === 'other') return this.send(rBlock(this.expectedReceiveSeq, frame === 'edc' ? 1 : 2));
    const { pcb, inf } = frame;

    if ((pcb & 0x80) === 0) return this.onIBlock((pcb >> 6) & 1, (pcb & 0x20) !== 0, inf);
    if ((pcb & 0xc0) === 0x80) return this.onRBlock((pcb >> 4) & 1);
    return this.onSBlock(pcb, inf);
  }

  private async onIBlock(ns: number, more: boolean, inf: Uint8Array): Promise<Uint8Array> {
    if (ns !== this.expectedReceiveSeq || this.pending.length > 0) return this.send(rBlock(this.expectedReceiveSeq, 2));
    this.expectedReceiveSeq ^= 1;
    if (this.command.length + inf.length > MAX_COMMAND) {
      this.command = [];
      return this.send(rBlock(this.expectedReceiveSeq, 2));
    }
    this.command.push(...inf);
    if (more) return this.send(rBlock(this.expectedReceiveSeq));

    const response = await this.card.transmit(Uint8Array.from(this.command));
    this.command = [];
    for (let offset = 0; offset < response.length || offset === 0; offset += this.hostIfsd) {
      this.pending.push(response.slice(offset, offset + this.hostIfsd));
    }
    this.wtxLeft = this.faults().wtxRequests ?? 0;
    return this.wtxLeft > 0 ? this.send(sBlock(0xc3, Uint8Array.of(0x02))) : this.sendNextPart();
  }

  private onRBlock(nr: number): Uint8Array {
    // An R-block naming our last I-block asks for it again; naming the other one acknowledges it.
    if (this.lastIBlockSeq >= 0 && nr === this.lastIBlockSeq && this.lastSent) return this.send(this.lastSent, true);
    if (this.lastIBlockSeq >= 0 && nr !== this.lastIBlockSeq && this.pending.length > 0) return this.sendNextPart();
    return this.send(this.lastSent ?? rBlock(this.expectedReceiveSeq, 2), true);
  }

  private onSBlock(pcb: number, inf: Uint8Array): Uint8Array {
    switch (pcb) {
      case 0xc1: // S(IFS request): the host's IFSD
        if (inf.length !== 1 || inf[0] === 0 || inf[0] === 0xff) return this.send(rBlock(this.expectedReceiveSeq, 2));
        this.hostIfsd = inf[0]!;
        return this.send(sBlock(0xe1, inf));
      case 0xc0: // S(RESYNCH request)
        this.nextSendSeq = 0;
        this.expectedReceiveSeq = 0;
        this.command = [];
        this.pending = [];
        this.lastIBlockSeq = -1;
        this.hostIfsd = 32;
        return this.send(sBlock(0xe0));
      case 0xc2: // S(ABORT request)
        this.command = [];
        this.pending = [];
        return this.send(sBlock(0xe2));
      case 0xe3: // S(WTX response) to our request
        if (this.wtxLeft === 0 || inf.length !== 1) return this.send(rBlock(this.expectedReceiveSeq, 2));
        this.wtxLeft -= 1;
        return this.wtxLeft > 0 ? this.send(sBlock(0xc3, Uint8Array.of(0x02))) : this.sendNextPart();
      default:
        return this.send(rBlock(this.expectedReceiveSeq, 2));
    }
  }

  private sendNextPart(): Uint8Array {
    const part = this.pending.shift()!;
    const more = this.pending.length > 0;
    this.lastIBlockSeq = this.nextSendSeq;
    this.nextSendSeq ^= 1;
    return this.send(encode((this.lastIBlockSeq << 6) | (more ? 0x20 : 0), part));
  }

  /** Remembers what went out (for a retransmission), and spoils it if a fault asks so. */
  private send(block: Uint8Array, retransmission = false): Uint8Array {
    if (!retransmission) this.lastSent = block;
    const faults = this.faults();
    if ((faults.corruptBlocks ?? 0) > 0) {
      faults.corruptBlocks! -= 1;
      const spoiled = block.slice();
      spoiled[spoiled.length - 1]! ^= 0x5a;
      return spoiled;
    }
    return block;
  }
}

function checkFrame(block: Uint8Array, ifsc: number): { pcb: number; inf: Uint8Array } | 'edc' | 'other' {
  if (block.length < 4 || block[2] === 0xff || block.length !== 4 + block[2]!) return 'other';
  let x = 0;
  for (const b of block) x ^= b;
  if (x !== 0) return 'edc';
  if (block[0] !== 0x00 || block[2]! > ifsc) return 'other';
  return { pcb: block[1]!, inf: block.subarray(3, 3 + block[2]!) };
}

function encode(pcb: number, inf: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(4 + inf.length);
  out.set([0x00, pcb, inf.length]);
  out.set(inf, 3);
  let x = 0;
  for (let i = 0; i < out.length - 1; i++) x ^= out[i]!;
  out[out.length - 1] = x;
  return out;
}

const rBlock = (nr: number, error = 0) => encode(0x80 | (nr << 4) | error);
const sBlock = (pcb: number, inf?: Uint8Array) => encode(pcb, inf);
