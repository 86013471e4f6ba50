// CCID bulk and interrupt messages (USB CCID rev 1.1, §6.1-6.3): a 10-byte little-endian header
// (type, dwLength, bSlot, bSeq, three type-specific bytes) followed by dwLength bytes of data.

import { TokenError } from '../errors';

export const CCID_HEADER_LENGTH = 10;

/** Host-to-reader message types (§6.1). */
export const PC_TO_RDR = {
  SetParameters: 0x61,
  IccPowerOn: 0x62,
  IccPowerOff: 0x63,
  GetSlotStatus: 0x65,
  Escape: 0x6b,
  XfrBlock: 0x6f,
} as const;

/** Reader-to-host message types: bulk-IN (§6.2) and interrupt-IN (§6.3). */
export const RDR_TO_PC = {
  DataBlock: 0x80,
  SlotStatus: 0x81,
  Parameters: 0x82,
  Escape: 0x83,
  NotifySlotChange: 0x50,
  HardwareError: 0x51,
} as const;

/** bPowerSelect of IccPowerOn (§6.1.1). */
export const POWER_SELECT = { auto: 0, '5V': 1, '3V': 2, '1.8V': 3 } as const;

/** wLevelParameter of XfrBlock and bChainParameter of DataBlock at extended-APDU level (§6.1.4, §6.2.1). */
export const CHAIN = {
  beginsAndEnds: 0x00,
  beginsMoreFollows: 0x01,
  continuesAndEnds: 0x02,
  continues: 0x03,
  /** Host: an empty XfrBlock asking for the next response part. Reader: send the next command part. */
  next: 0x10,
} as const;

/** bError values of a failed command (§6.2.6, Table 6.2-2). */
export const CCID_ERROR = {
  CMD_ABORTED: 0xff,
  ICC_MUTE: 0xfe,
  XFR_PARITY_ERROR: 0xfd,
  XFR_OVERRUN: 0xfc,
  HW_ERROR: 0xfb,
  BAD_ATR_TS: 0xf8,
  BAD_ATR_TCK: 0xf7,
  ICC_PROTOCOL_NOT_SUPPORTED: 0xf6,
  ICC_CLASS_NOT_SUPPORTED: 0xf5,
  PROCEDURE_BYTE_CONFLICT: 0xf4,
  DEACTIVATED_PROTOCOL: 0xf3,
  BUSY_WITH_AUTO_SEQUENCE: 0xf2,
  PIN_TIMEOUT: 0xf0,
  PIN_CANCELLED: 0xef,
  CMD_SLOT_BUSY: 0xe0,
  CMD_NOT_SUPPORTED: 0x00,
} as const;

const EMPTY = new Uint8Array(0);

export function encodeCommand(
  type: number,
  slot: number,
  seq: number,
  data: Uint8Array = EMPTY,
  specific: readonly [number, number, number] = [0, 0, 0],
): Uint8Array {
  const message = new Uint8Array(CCID_HEADER_LENGTH + data.length);
  const view = new DataView(message.buffer);
  message[0] = type;
  view.setUint32(1, data.length, true);
  message[5] = slot;
  message[6] = seq & 0xff;
  message.set(specific, 7);
  message.set(data, CCID_HEADER_LENGTH);
  return message;
}

export const encodeIccPowerOn = (slot: number, seq: number, powerSelect: number): Uint8Array =>
  encodeCommand(PC_TO_RDR.IccPowerOn, slot, seq, EMPTY, [powerSelect, 0, 0]);

export const encodeIccPowerOff = (slot: number, seq: number): Uint8Array => encodeCommand(PC_TO_RDR.IccPowerOff, slot, seq);

export const encodeGetSlotStatus = (slot: number, seq: number): Uint8Array => encodeCommand(PC_TO_RDR.GetSlotStatus, slot, seq);

/**
 * XfrBlock (§6.1.4). bBWI extends the block waiting time for this transfer (T=1 WTX);
 * wLevelParameter chains extended APDUs at APDU level, or gives the expected length for T=0 TPDUs.
 */
export function encodeXfrBlock(slot: number, seq: number, data: Uint8Array, options: { bwi?: number; levelParameter?: number } = {}): Uint8Array {
  const level = options.levelParameter ?? 0;
  return encodeCommand(PC_TO_RDR.XfrBlock, slot, seq, data, [options.bwi ?? 0, level & 0xff, level >> 8]);
}

/** abProtocolDataStructure for T=1 (§6.1.7, Table 6.1-7). */
export interface T1ProtocolData {
  /** TA1: Fi in the high nibble, Di in the low one (0x11 = defaults). */
  findexDindex: number;
  /** 0x10 | (inverse convention ? 0x02 : 0) | (CRC ? 0x01 : 0). */
  tcckst1: number;
  /** TC1, extra guard time. */
  guardTime: number;
  /** BWI << 4 | CWI. */
  waitingIntegers: number;
  clockStop: number;
  ifsc: number;
  nad: number;
}

export function encodeSetParametersT1(slot: number, seq: number, p: T1ProtocolData): Uint8Array {
  const data = Uint8Array.of(p.findexDindex, p.tcckst1, p.guardTime, p.waitingIntegers, p.clockStop, p.ifsc, p.nad);
  return encodeCommand(PC_TO_RDR.SetParameters, slot, seq, data, [1, 0, 0]);
}

export type IccStatus = 'active' | 'inactive' | 'absent';
export type CommandStatus = 'ok' | 'failed' | 'time-extension';

export interface ReaderMessage {
  type: number;
  slot: number;
  seq: number;
  iccStatus: IccStatus;
  commandStatus: CommandStatus;
  /** bError: the BWT multiplier on a time extension, an error code when failed. */
  error: number;
  /** Byte 9: bChainParameter (DataBlock), bClockStatus (SlotStatus), bProtocolNum (Parameters). */
  specific: number;
  data: Uint8Array;
}

/** The total size (header included) of the message whose first 10 bytes are given. */
export function readerMessageLength(header: Uint8Array, maxMessageLength: number): number {
  if (header.length < CCID_HEADER_LENGTH) throw protocolError('a CCID header is 10 bytes');
  const dataLength = new DataView(header.buffer, header.byteOffset, CCID_HEADER_LENGTH).getUint32(1, true);
  if (dataLength > maxMessageLength - CCID_HEADER_LENGTH) {
    throw new TokenError('limit-exceeded', `The reader announced a ${dataLength}-byte CCID message, more than its ${maxMessageLength}-byte maximum.`);
  }
  return CCID_HEADER_LENGTH + dataLength;
}

/** Decodes one complete bulk-IN message (§6.2). */
export function decodeReaderMessage(message: Uint8Array, maxMessageLength: number): ReaderMessage {
  const total = readerMessageLength(message, maxMessageLength);
  if (message.length !== total) throw protocolError(`the CCID message holds ${message.length} bytes, its header says ${total}`);
  const type = message[0]!;
  if (type !== RDR_TO_PC.DataBlock && type !== RDR_TO_PC.SlotStatus && type !== RDR_TO_PC.Parameters && type !== RDR_TO_PC.Escape) {
    throw protocolError(`unknown CCID message type 0x${type.toString(16)}`);
  }
  const status = message[7]!;
  return {
    type,
    slot: message[5]!,
    seq: message[6]!,
    iccStatus: decodeIccStatus(status),
    commandStatus: decodeCommandStatus(status),
    error: message[8]!,
    specific: message[9]!,
    data: message.subarray(CCID_HEADER_LENGTH),
  };
}

// bStatus (§6.2.6): bmICCStatus in bits 0-1, bmCommandStatus in bits 6-7.
function decodeIccStatus(status: number): IccStatus {
  switch (status & 0x03) {
    case 0:
      return 'active';
    case 1:
      return 'inactive';
    case 2:
      return 'absent';
    default:
      throw protocolError('bmICCStatus 3 is reserved');
  }
}

function decodeCommandStatus(status: number): CommandStatus {
  switch (status & 0xc0) {
    case 0x00:
      return 'ok';
    case 0x40:
      return 'failed';
    case 0x80:
      return 'time-extension';
    default:
      throw protocolError('bmCommandStatus 3 is reserved');
  }
}

const ERROR_NAMES = new Map<number, string>(Object.entries(CCID_ERROR).map(([name, code]) => [code, name]));

/** A readable name for bError: the table's name, or the offset of the bad header field (§6.2.6). */
export function describeCcidError(code: number): string {
  const name = ERROR_NAMES.get(code);
  if (name) return name;
  if (code >= 0x01 && code <= 0x7f) return `bad parameter at offset ${code}`;
  return `error 0x${code.toString(16).padStart(2, '0')}`;
}

export type InterruptMessage =
  | { kind: 'slot-change'; slots: { present: boolean; changed: boolean }[] }
  | { kind: 'hardware-error'; slot: number; seq: number; code: number };

/** Decodes an interrupt-IN message (§6.3); null for anything else (a reader may send vendor data). */
export function decodeInterruptMessage(message: Uint8Array): InterruptMessage | null {
  if (message[0] === RDR_TO_PC.NotifySlotChange && message.length >= 2) {
    // bmSlotICCState: two bits per slot, bit 0 present, bit 1 changed, slot 0 in the low bits.
    const slots: { present: boolean; changed: boolean }[] = [];
    for (const byte of message.subarray(1)) {
      for (let shift = 0; shift < 8; shift += 2) slots.push({ present: ((byte >> shift) & 1) === 1, changed: ((byte >> shift) & 2) === 2 });
    }
    return { kind: 'slot-change', slots };
  }
  if (message[0] === RDR_TO_PC.HardwareError && message.length >= 4) {
    return { kind: 'hardware-error', slot: message[1]!, seq: message[2]!, code: message[3]! };
  }
  return null;
}

const protocolError = (what: string) => new TokenError('transport-error', `The reader broke the CCID protocol: ${what}.`);
