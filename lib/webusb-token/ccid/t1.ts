// The host side of the T=1 block protocol (ISO/IEC 7816-3 §11), for TPDU-level CCID readers.
// Pure: the caller's exchange function carries one block to the card and back; this module
// owns the sequence numbers, chaining both ways, S-blocks and error recovery.

import { concatBytes } from '../../bytes';
import { TokenError } from '../errors';

/** The largest information field (§11.4.2: IFSC/IFSD 1..254). */
export const T1_MAX_INF = 254;
/** Errors in a row before giving up on a block (§11.6.3: retransmit, then resynchronize). */
export const T1_MAX_RETRIES = 3;
/** WTX requests one APDU may see (a card waiting for a touch asks again and again). */
export const T1_MAX_WTX = 1024;
/** Default cap on a response: the largest extended-length response, data and SW1 SW2. */
export const T1_MAX_RESPONSE = 65536 + 2;

const PCB_R = 0x80;
const PCB_S = 0xc0;
const S_RESPONSE = 0x20;
export const S_TYPE = { resynch: 0, ifs: 1, abort: 2, wtx: 3 } as const;

export type T1Block =
  | { kind: 'I'; ns: number; more: boolean; inf: Uint8Array }
  | { kind: 'R'; nr: number; error: number }
  | { kind: 'S'; response: boolean; type: number; inf: Uint8Array }
  | { kind: 'invalid'; reason: 'edc' | 'other' };

/** The longitudinal redundancy check: XOR of all bytes (§11.3.5.1). */
export function lrc(bytes: Uint8Array): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

/** NAD PCB LEN INF LRC, with NAD 0 (no node addressing). */
export function encodeT1Block(pcb: number, inf: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (inf.length > T1_MAX_INF) throw new TokenError('invalid-argument', `A T=1 block carries at most ${T1_MAX_INF} bytes.`);
  const block = new Uint8Array(4 + inf.length);
  block[1] = pcb;
  block[2] = inf.length;
  block.set(inf, 3);
  block[3 + inf.length] = lrc(block.subarray(0, 3 + inf.length));
  return block;
}

export const iBlock = (ns: number, more: boolean, inf: Uint8Array) => encodeT1Block((ns << 6) | (more ? 0x20 : 0), inf);
export const rBlock = (nr: number, error = 0) => encodeT1Block(PCB_R | (nr << 4) | error);
export const sBlock = (type: number, response: boolean, inf?: Uint8Array) => encodeT1Block(PCB_S | (response ? S_RESPONSE : 0) | type, inf);

/** Parses a block received from the card; `maxInf` is our IFSD. */
export function parseT1Block(block: Uint8Array, maxInf: number): T1Block {
  if (block.length < 4) return { kind: 'invalid', reason: 'other' };
  const length = block[2]!;
  if (length === 0xff || block.length !== 4 + length) return { kind: 'invalid', reason: 'other' };
  if (lrc(block) !== 0) return { kind: 'invalid', reason: 'edc' };
  if (length > maxInf) return { kind: 'invalid', reason: 'other' };
  const pcb = block[1]!;
  const inf = block.subarray(3, 3 + length);
  if ((pcb & 0x80) === 0) return { kind: 'I', ns: (pcb >> 6) & 1, more: (pcb & 0x20) !== 0, inf };
  if ((pcb & 0xc0) === PCB_R) {
    if (length !== 0 || (pcb & 0x2c) !== 0) return { kind: 'invalid', reason: 'other' };
    return { kind: 'R', nr: (pcb >> 4) & 1, error: pcb & 0x03 };
  }
  const type = pcb & 0x1f;
  if (type > S_TYPE.wtx || ((type === S_TYPE.ifs || type === S_TYPE.wtx) && length !== 1)) return { kind: 'invalid', reason: 'other' };
  return { kind: 'S', response: (pcb & S_RESPONSE) !== 0, type, inf };
}

/**
 * Carries one block to the card and returns its answer, or null when none came in time (the
 * reader reported a mute card). `wtxMultiplier` > 1 asks the reader for a longer block
 * waiting time after an S(WTX) (CCID XfrBlock bBWI).
 */
export type T1Exchange = (block: Uint8Array, wtxMultiplier: number) => Promise<Uint8Array | null>;

export interface T1Options {
  /** The card's information field size, from the ATR (or a later S(IFS) request). */
  ifsc: number;
  /** Ours: what we accept per block (254 unless the reader allows less). */
  ifsd?: number;
  maxResponseLength?: number;
}

type Phase = 'sending-chain' | 'awaiting-response' | 'receiving-chain';

/** Thrown inside transceive when a block failed T1_MAX_RETRIES times: resynchronize, then report. */
class RetriesExhausted extends Error {}

export class T1Engine {
  private ifsc: number;
  private readonly ifsd: number;
  private readonly maxResponseLength: number;
  /** N(S) of our next I-block, and N(S) we expect on the card's next one (§11.6.2.2). */
  private sendSeq = 0;
  private receiveSeq = 0;
  private broken = false;

  constructor(
    private readonly exchange: T1Exchange,
    options: T1Options,
  ) {
    this.ifsc = clampInf(options.ifsc);
    this.ifsd = clampInf(options.ifsd ?? T1_MAX_INF);
    this.maxResponseLength = options.maxResponseLength ?? T1_MAX_RESPONSE;
  }

  get informationFieldSizes(): { ifsc: number; ifsd: number } {
    return { ifsc: this.ifsc, ifsd: this.ifsd };
  }

  /** S(IFS request) telling the card our IFSD (§11.4.2), usually the first block after the ATR. */
  async negotiateIfsd(): Promise<void> {
    const inf = Uint8Array.of(this.ifsd);
    for (let attempt = 0; attempt <= T1_MAX_RETRIES; attempt++) {
      const answer = await this.exchange(sBlock(S_TYPE.ifs, false, inf), 1);
      const block = answer ? parseT1Block(answer, this.ifsd) : null;
      if (block?.kind === 'S' && block.response && block.type === S_TYPE.ifs && block.inf[0] === this.ifsd) return;
    }
    throw new TokenError('card-unresponsive', 'The card did not accept the T=1 information field size (S(IFS)).');
  }

  /** One APDU through T=1: chained to IFSC-sized I-blocks, the response reassembled. */
  async transceive(apdu: Uint8Array): Promise<Uint8Array> {
    if (this.broken) throw new TokenError('card-unresponsive', 'The T=1 link to the card is lost; reconnect to the card.');
    if (apdu.length === 0) throw new TokenError('invalid-argument', 'An APDU has at least four bytes.');
    let offset = 0;
    let lastIBlock = this.nextIBlock(apdu, offset);
    let phase: Phase = lastIBlock.more ? 'sending-chain' : 'awaiting-response';
    let sent = lastIBlock.block;
    let wtx = 1;
    let wtxCount = 0;
    let errors = 0;
    const response: Uint8Array[] = [];
    let responseLength = 0;

    const onError = (reason: 'edc' | 'other', resend?: Uint8Array): Uint8Array => {
      if (++errors > T1_MAX_RETRIES) throw new RetriesExhausted();
      // §11.6.3 rule 7.1-7.2: an R-block naming the I-block we expect; a pending R-block is resent.
      return resend ?? rBlock(this.receiveSeq, reason === 'edc' ? 1 : 2);
    };

    try {
      for (;;) {
        const answer = await this.exchange(sent, wtx);
        wtx = 1;
        const block: T1Block = answer === null ? { kind: 'invalid', reason: 'other' } : parseT1Block(answer, this.ifsd);
        const pendingR = phase === 'receiving-chain' ? sent : undefined;
        switch (block.kind) {
          case 'invalid':
            sent = onError(block.reason, pendingR);
            break;
          case 'S':
            if (block.response) {
              sent = onError('other', pendingR);
            } else if (block.type === S_TYPE.wtx) {
              if (++wtxCount > T1_MAX_WTX) throw new TokenError('card-unresponsive', 'The card asked for more time again and again (T=1 WTX).');
              wtx = Math.max(1, block.inf[0]!);
              sent = sBlock(S_TYPE.wtx, true, block.inf);
            } else if (block.type === S_TYPE.ifs) {
              const ifsc = block.inf[0]!;
              if (ifsc === 0 || ifsc === 0xff) {
                sent = onError('other', pendingR);
              } else {
                this.ifsc = ifsc;
                sent = sBlock(S_TYPE.ifs, true, block.inf);
              }
            } else if (block.type === S_TYPE.abort) {
              await this.exchange(sBlock(S_TYPE.abort, true), 1);
              throw new TokenError('card-unresponsive', 'The card aborted the command (T=1 S(ABORT)).');
            } else {
              sent = onError('other', pendingR);
            }
            break;
          case 'R':
            if (phase === 'sending-chain' && block.nr !== lastIBlock.ns) {
              // The card acknowledged our chained block (§11.6.2.3): on to the next part.
              this.sendSeq ^= 1;
              offset += lastIBlock.length;
              lastIBlock = this.nextIBlock(apdu, offset);
              phase = lastIBlock.more ? 'sending-chain' : 'awaiting-response';
              sent = lastIBlock.block;
              errors = 0;
            } else if (phase !== 'receiving-chain' && block.nr === lastIBlock.ns) {
              // The card asks for our last I-block again (§11.6.3 rule 7.4 on its side).
              if (++errors > T1_MAX_RETRIES) throw new RetriesExhausted();
              sent = lastIBlock.block;
            } else {
              sent = onError('other', pendingR);
            }
            break;
          case 'I': {
            if (phase === 'sending-chain' || block.ns !== this.receiveSeq) {
              sent = onError('other', pendingR);
              break;
            }
            if (phase === 'awaiting-response') this.sendSeq ^= 1; // the card's I-block acknowledges ours
            responseLength += block.inf.length;
            if (responseLength > this.maxResponseLength) {
              throw new TokenError('limit-exceeded', `The card's response passed ${this.maxResponseLength} bytes.`);
            }
            response.push(block.inf.slice());
            this.receiveSeq ^= 1;
            errors = 0;
            if (!block.more) return concatBytes(...response);
            phase = 'receiving-chain';
            sent = rBlock(this.receiveSeq);
            break;
          }
        }
      }
    } catch (error) {
      if (error instanceof RetriesExhausted) {
        await this.resynchronize();
        throw new TokenError('card-unresponsive', 'The card kept answering outside the T=1 protocol; the command was abandoned.');
      }
      throw error;
    }
  }

  private nextIBlock(apdu: Uint8Array, offset: number): { block: Uint8Array; ns: number; more: boolean; length: number } {
    const length = Math.min(this.ifsc, apdu.length - offset);
    const more = offset + length < apdu.length;
    return { block: iBlock(this.sendSeq, more, apdu.subarray(offset, offset + length)), ns: this.sendSeq, more, length };
  }

  /** S(RESYNCH) resets both sequence numbers (§11.6.3 rule 6); without it the link is lost. */
  private async resynchronize(): Promise<void> {
    for (let attempt = 0; attempt < T1_MAX_RETRIES; attempt++) {
      const answer = await this.exchange(sBlock(S_TYPE.resynch, false), 1);
      const block = answer ? parseT1Block(answer, this.ifsd) : null;
      if (block?.kind === 'S' && block.response && block.type === S_TYPE.resynch) {
        this.sendSeq = 0;
        this.receiveSeq = 0;
        return;
      }
    }
    this.broken = true;
  }
}

function clampInf(size: number): number {
  return Math.min(T1_MAX_INF, Math.max(1, Math.floor(size)));
}
