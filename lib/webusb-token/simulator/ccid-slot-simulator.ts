// A CCID reader's message handling for one slot (USB CCID rev 1.1 §6), independent of the
// transport that carries the messages: the WebUSB-shaped device simulator and the serial bridge
// the libccid test uses both drive this. Written from the specification apart from the driver's
// ccid/ccid-messages.ts, so the two are not the same code checking itself.

import type { SimulatedCard } from '../transport';
import { T1CardSide, type T1CardFaults } from './ccid-t1-card';

export type SimulatedExchangeLevel = 'tpdu' | 'short-apdu' | 'extended-apdu';

/** Misbehaviour on demand. Counters count down as they fire; change them at any time. */
export interface CcidSlotFaults extends T1CardFaults {
  /** Time-extension messages (bmCommandStatus 2) before each answer to XfrBlock. */
  timeExtensions?: number;
  /** Before each answer, the answer to the previous command again, with its old bSeq. */
  staleAnswers?: boolean;
  /** The card stops answering after this many more XfrBlocks: the reader reports ICC_MUTE. */
  muteAfterXfrBlocks?: number;
  /** The card is pulled out while the reader handles the XfrBlock after this many more. */
  removeAfterXfrBlocks?: number;
}

export interface CcidSlotOptions {
  level: SimulatedExchangeLevel;
  /** dwMaxCCIDMessageLength of the reader this slot belongs to. */
  maxMessageLength: number;
  card: SimulatedCard | null;
  faults?: CcidSlotFaults;
}

// Message types and header offsets, CCID rev 1.1 §6.1-6.3.
const HEADER = 10;
const M = {
  setParameters: 0x61,
  powerOn: 0x62,
  powerOff: 0x63,
  getSlotStatus: 0x65,
  getParameters: 0x6c,
  resetParameters: 0x6d,
  escape: 0x6b,
  xfrBlock: 0x6f,
  dataBlock: 0x80,
  slotStatus: 0x81,
  parameters: 0x82,
  escapeAnswer: 0x83,
  notifySlotChange: 0x50,
} as const;
const ICC_ACTIVE = 0;
const ICC_INACTIVE = 1;
const ICC_ABSENT = 2;
const FAILED = 0x40;
const TIME_EXTENSION = 0x80;
const ERR_ICC_MUTE = 0xfe;
const ERR_HW = 0xfb;
const ERR_NOT_SUPPORTED = 0x00;
const ERR_BAD_SLOT = 5;
const ERR_BAD_LENGTH = 1;
const ERR_BAD_LEVEL = 8;
const MAX_EXTENDED_COMMAND = 65536 + 7 + 3;
/** What SetParameters/GetParameters report for T=1 before anything is set: Fi/Di 11, LRC, BWI 4 CWI 13, IFSC 32. */
const DEFAULT_T1_PARAMETERS = Uint8Array.of(0x11, 0x10, 0x00, 0x4d, 0x00, 0x20, 0x00);

export class CcidSlotSimulator {
  readonly level: SimulatedExchangeLevel;
  readonly maxMessageLength: number;
  faults: CcidSlotFaults;
  /** Called with each interrupt-IN message (NotifySlotChange) the reader sends. */
  onInterrupt: (message: Uint8Array) => void = () => {};
  /** The messages received, in order (the last 1024), for tests that check the host's steps. */
  readonly received: Uint8Array[] = [];

  private card: SimulatedCard | null;
  private powered = false;
  private muted = false;
  private t1: T1CardSide | null = null;
  private t1Parameters = DEFAULT_T1_PARAMETERS;
  private commandChain: number[] | null = null;
  private responseChain: Uint8Array[] = [];
  private lastAnswer: Uint8Array | null = null;

  constructor(options: CcidSlotOptions) {
    this.level = options.level;
    this.maxMessageLength = options.maxMessageLength;
    this.card = options.card;
    this.faults = options.faults ?? {};
  }

  get cardPresent(): boolean {
    return this.card !== null;
  }

  /** The host's IFSD as the card side knows it (after S(IFS)); 32 before. */
  get t1HostIfsd(): number | null {
    return this.t1?.hostInformationFieldSize ?? null;
  }

  insertCard(card: SimulatedCard): void {
    this.card = card;
    this.powered = false;
    this.muted = false;
    this.onInterrupt(Uint8Array.of(M.notifySlotChange, 0x03));
  }

  removeCard(): void {
    this.card = null;
    this.powered = false;
    this.t1 = null;
    this.onInterrupt(Uint8Array.of(M.notifySlotChange, 0x02));
  }

  /** One PC_to_RDR message in; the RDR_to_PC messages the reader sends back, in order. */
  async handle(message: Uint8Array): Promise<Uint8Array[]> {
    if (message.length < HEADER) return [];
    const type = message[0]!;
    const length = message[1]! | (message[2]! << 8) | (message[3]! << 16) | (message[4]! << 24);
    const slot = message[5]!;
    const seq = message[6]!;
    const data = message.subarray(HEADER);
    this.received.push(message.slice());
    if (this.received.length > 1024) this.received.shift();

    const answers: Uint8Array[] = [];
    if (this.faults.staleAnswers && this.lastAnswer) answers.push(this.lastAnswer);
    let answer: Uint8Array;
    if (length !== data.length) answer = this.failed(type, slot, seq, ERR_BAD_LENGTH);
    else if (slot !== 0) answer = this.failed(type, slot, seq, ERR_BAD_SLOT);
    else {
      if (type === M.xfrBlock) {
        for (let i = 0; i < (this.faults.timeExtensions ?? 0); i++) answers.push(build(M.dataBlock, slot, seq, TIME_EXTENSION | this.iccStatus(), 1, 0));
      }
      answer = await this.answer(type, seq, message, data);
    }
    this.lastAnswer = answer;
    answers.push(answer);
    return answers;
  }

  private async answer(type: number, seq: number, message: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
    switch (type) {
      case M.getSlotStatus:
        return this.slotStatus(seq, 0, 0);
      case M.powerOn: {
        if (!this.card) return this.failed(type, 0, seq, ERR_ICC_MUTE);
        this.card.reset();
        this.powered = true;
        this.muted = false;
        this.t1Parameters = DEFAULT_T1_PARAMETERS;
        this.commandChain = null;
        this.responseChain = [];
        const atr = this.card.atr();
        this.t1 = this.level === 'tpdu' ? new T1CardSide(this.card, t1IfscOf(atr), () => this.faults) : null;
        return build(M.dataBlock, 0, seq, ICC_ACTIVE, 0, 0, atr);
      }
      case M.powerOff:
        this.powered = false;
        this.t1 = null;
        return this.slotStatus(seq, 0, 0);
      case M.getParameters:
      case M.resetParameters:
      case M.setParameters:
        return this.parameters(type, seq, message, data);
      case M.escape:
        // The GemPC Twin vendor commands libccid's serial driver sends at start-up: get firmware
        // (02) and synchronous card-movement notification (01 01 01). No others.
        if (data.length === 1 && data[0] === 0x02) return build(M.escapeAnswer, 0, seq, this.iccStatus(), 0, 0, new TextEncoder().encode('Sealpost CCID sim 1.0'));
        if (data.length === 3 && data[0] === 0x01) return build(M.escapeAnswer, 0, seq, this.iccStatus(), 0, 0);
        return this.failed(type, 0, seq, ERR_NOT_SUPPORTED);
      case M.xfrBlock:
        return this.xfrBlock(seq, message, data);
      default:
        return this.failed(type, 0, seq, ERR_NOT_SUPPORTED);
    }
  }

  private parameters(type: number, seq: number, message: Uint8Array, data: Uint8Array): Uint8Array {
    if (!this.card) return this.failed(type, 0, seq, ERR_ICC_MUTE);
    if (type === M.setParameters) {
      // Only T=1 (bProtocolNum 1, 7 bytes) is offered by the simulated cards.
      if (message[7] !== 1 || data.length !== 7) return this.failed(type, 0, seq, 7);
      this.t1Parameters = data.slice();
    } else if (type === M.resetParameters) {
      this.t1Parameters = DEFAULT_T1_PARAMETERS;
    }
    return build(M.parameters, 0, seq, this.iccStatus(), 0, 1, this.t1Parameters);
  }

  private async xfrBlock(seq: number, message: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
    const removeIn = this.faults.removeAfterXfrBlocks;
    if (removeIn !== undefined) {
      if (removeIn === 0) {
        delete this.faults.removeAfterXfrBlocks;
        this.removeCard();
      } else this.faults.removeAfterXfrBlocks = removeIn - 1;
    }
    const muteIn = this.faults.muteAfterXfrBlocks;
    if (muteIn !== undefined) {
      if (muteIn === 0) this.muted = true;
      else this.faults.muteAfterXfrBlocks = muteIn - 1;
    }
    if (!this.card || !this.powered || this.muted) return this.failed(M.xfrBlock, 0, seq, ERR_ICC_MUTE);

    const level = message[8]! | (message[9]! << 8);
    if (this.level === 'tpdu') return build(M.dataBlock, 0, seq, ICC_ACTIVE, 0, 0, await this.t1!.receive(data));
    if (this.level === 'short-apdu') {
      if (level !== 0 || isExtendedApdu(data)) return this.failed(M.xfrBlock, 0, seq, ERR_BAD_LEVEL);
      return this.apduAnswer(seq, await this.card.transmit(data.slice()));
    }
    return this.extendedXfr(seq, level, data);
  }

  /** Extended-APDU level (§6.1.4 wLevelParameter, §6.2.1 bChainParameter). */
  private async extendedXfr(seq: number, level: number, data: Uint8Array): Promise<Uint8Array> {
    switch (level) {
      case 0x00:
        this.commandChain = null;
        return this.apduAnswer(seq, await this.card!.transmit(data.slice()));
      case 0x01:
        this.commandChain = [...data];
        return build(M.dataBlock, 0, seq, ICC_ACTIVE, 0, 0x10);
      case 0x03:
      case 0x02: {
        if (!this.commandChain || this.commandChain.length + data.length > MAX_EXTENDED_COMMAND) {
          this.commandChain = null;
          return this.failed(M.xfrBlock, 0, seq, ERR_BAD_LEVEL);
        }
        this.commandChain.push(...data);
        if (level === 0x03) return build(M.dataBlock, 0, seq, ICC_ACTIVE, 0, 0x10);
        const command = Uint8Array.from(this.commandChain);
        this.commandChain = null;
        return this.apduAnswer(seq, await this.card!.transmit(command));
      }
      case 0x10: {
        const part = this.responseChain.shift();
        if (!part) return this.failed(M.xfrBlock, 0, seq, ERR_BAD_LEVEL);
        return build(M.dataBlock, 0, seq, ICC_ACTIVE, 0, this.responseChain.length ? 0x03 : 0x02, part);
      }
      default:
        return this.failed(M.xfrBlock, 0, seq, ERR_BAD_LEVEL);
    }
  }

  /** A response APDU in one DataBlock, or in parts when it does not fit one message. */
  private apduAnswer(seq: number, response: Uint8Array): Uint8Array {
    const room = this.maxMessageLength - HEADER;
    if (response.length <= room) return build(M.dataBlock, 0, seq, ICC_ACTIVE, 0, 0, response);
    if (this.level !== 'extended-apdu') return this.failed(M.xfrBlock, 0, seq, ERR_HW);
    this.responseChain = [];
    for (let offset = room; offset < response.length; offset += room) this.responseChain.push(response.slice(offset, offset + room));
    return build(M.dataBlock, 0, seq, ICC_ACTIVE, 0, 0x01, response.subarray(0, room));
  }

  private iccStatus(): number {
    if (!this.card) return ICC_ABSENT;
    return this.powered ? ICC_ACTIVE : ICC_INACTIVE;
  }

  private slotStatus(seq: number, extraStatus: number, error: number): Uint8Array {
    return build(M.slotStatus, 0, seq, this.iccStatus() | extraStatus, error, 0);
  }

  /** The answer type that belongs to a command, marked failed with bError (§6.2.6). */
  private failed(type: number, slot: number, seq: number, error: number): Uint8Array {
    const answerType = type === M.powerOn || type === M.xfrBlock ? M.dataBlock : type === M.escape ? M.escapeAnswer : type === M.setParameters || type === M.getParameters || type === M.resetParameters ? M.parameters : M.slotStatus;
    return build(answerType, slot, seq, FAILED | this.iccStatus(), error, 0);
  }
}

function build(type: number, slot: number, seq: number, status: number, error: number, specific: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(HEADER + data.length);
  out[0] = type;
  out[1] = data.length & 0xff;
  out[2] = (data.length >> 8) & 0xff;
  out[3] = (data.length >> 16) & 0xff;
  out[4] = (data.length >>> 24) & 0xff;
  out[5] = slot;
  out[6] = seq;
  out[7] = status;
  out[8] = error;
  out[9] = specific;
  out.set(data, HEADER);
  return out;
}

/** An extended-length command: Lc or Le coded on more than one byte (ISO 7816-4 §5.1: byte 4 is 00 and more follows). */
function isExtendedApdu(apdu: Uint8Array): boolean {
  return apdu.length > 5 && apdu[4] === 0x00;
}

/** The card's IFSC from its ATR: TA after the first TD(i>=2) naming T=1, 32 if none (ISO 7816-3 §11.4.2). */
function t1IfscOf(atr: Uint8Array): number {
  let y = atr[1]! >> 4;
  let offset = 2;
  let index = 1;
  let t1Next = false;
  while (offset <= atr.length) {
    const ta = y & 1 ? atr[offset++] : undefined;
    if (y & 2) offset++;
    if (y & 4) offset++;
    if (t1Next) return ta ?? 32;
    if (!(y & 8)) return 32;
    const td = atr[offset++]!;
    t1Next = index >= 2 && (td & 0x0f) === 1;
    y = td >> 4;
    index++;
  }
  return 32;
}
