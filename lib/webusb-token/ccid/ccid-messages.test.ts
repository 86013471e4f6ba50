import { describe, expect, it } from 'vitest';
import {
  decodeInterruptMessage,
  decodeReaderMessage,
  describeCcidError,
  encodeGetSlotStatus,
  encodeIccPowerOff,
  encodeIccPowerOn,
  encodeSetParametersT1,
  encodeXfrBlock,
  readerMessageLength,
} from './ccid-messages';

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/).map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

// Vectors from CCID rev 1.1 §6.1 (header: type, dwLength LE, bSlot, bSeq, 3 specific bytes).
describe('CCID commands', () => {
  it('encodes IccPowerOn, IccPowerOff and GetSlotStatus', () => {
    expect(toHex(encodeIccPowerOn(0, 1, 1))).toBe('62 00 00 00 00 00 01 01 00 00');
    expect(toHex(encodeIccPowerOff(0, 0xff))).toBe('63 00 00 00 00 00 ff 00 00 00');
    expect(toHex(encodeGetSlotStatus(1, 0x100 + 7))).toBe('65 00 00 00 00 01 07 00 00 00');
  });

  it('encodes XfrBlock with bBWI and a little-endian wLevelParameter', () => {
    expect(toHex(encodeXfrBlock(0, 3, hex('00 c1 01 fe 3e'), { bwi: 2 }))).toBe('6f 05 00 00 00 00 03 02 00 00 00 c1 01 fe 3e');
    expect(toHex(encodeXfrBlock(0, 4, new Uint8Array(0), { levelParameter: 0x0010 }))).toBe('6f 00 00 00 00 00 04 00 10 00');
    expect(toHex(encodeXfrBlock(0, 4, new Uint8Array(300)).subarray(0, 5))).toBe('6f 2c 01 00 00');
  });

  it('encodes SetParameters(T=1) as libccid sent it: 11 10 00 15 00 FE 00', () => {
    const message = encodeSetParametersT1(0, 2, { findexDindex: 0x11, tcckst1: 0x10, guardTime: 0, waitingIntegers: 0x15, clockStop: 0, ifsc: 0xfe, nad: 0 });
    expect(toHex(message)).toBe('61 07 00 00 00 00 02 01 00 00 11 10 00 15 00 fe 00');
  });
});

describe('CCID answers', () => {
  it('decodes a DataBlock with its data and chain parameter', () => {
    const m = decodeReaderMessage(hex('80 02 00 00 00 00 09 00 00 01 90 00'), 271);
    expect(m).toMatchObject({ type: 0x80, seq: 9, iccStatus: 'active', commandStatus: 'ok', specific: 1 });
    expect(toHex(m.data)).toBe('90 00');
  });

  it('decodes bStatus: time extension, failure with an absent card, inactive card', () => {
    expect(decodeReaderMessage(hex('80 00 00 00 00 00 05 80 01 00'), 271)).toMatchObject({ commandStatus: 'time-extension', error: 1 });
    expect(decodeReaderMessage(hex('80 00 00 00 00 00 05 42 fe 00'), 271)).toMatchObject({ commandStatus: 'failed', iccStatus: 'absent', error: 0xfe });
    expect(decodeReaderMessage(hex('81 00 00 00 00 00 05 01 00 00'), 271)).toMatchObject({ type: 0x81, iccStatus: 'inactive' });
  });

  it('names bError codes (§6.2.6)', () => {
    expect(describeCcidError(0xfe)).toBe('ICC_MUTE');
    expect(describeCcidError(0xe0)).toBe('CMD_SLOT_BUSY');
    expect(describeCcidError(5)).toBe('bad parameter at offset 5');
    expect(describeCcidError(0x90)).toBe('error 0x90');
  });

  it('rejects reserved status bits, unknown types, wrong and oversized lengths', () => {
    expect(() => decodeReaderMessage(hex('80 00 00 00 00 00 05 03 00 00'), 271)).toThrow(expect.objectContaining({ code: 'transport-error' }));
    expect(() => decodeReaderMessage(hex('80 00 00 00 00 00 05 c0 00 00'), 271)).toThrow(expect.objectContaining({ code: 'transport-error' }));
    expect(() => decodeReaderMessage(hex('6f 00 00 00 00 00 05 00 00 00'), 271)).toThrow(expect.objectContaining({ code: 'transport-error' }));
    expect(() => decodeReaderMessage(hex('80 03 00 00 00 00 05 00 00 00 90 00'), 271)).toThrow(expect.objectContaining({ code: 'transport-error' }));
    expect(() => readerMessageLength(hex('80 ff ff ff 7f 00 05 00 00 00'), 271)).toThrow(expect.objectContaining({ code: 'limit-exceeded' }));
    expect(readerMessageLength(hex('80 05 01 00 00 00 05 00 00 00'), 271)).toBe(271);
  });

  it('decodes NotifySlotChange (two bits per slot) and HardwareError on interrupt-IN', () => {
    const slots = (bytes: string) => {
      const message = decodeInterruptMessage(hex(bytes));
      return message?.kind === 'slot-change' ? message.slots.slice(0, 2) : null;
    };
    expect(slots('50 03')?.[0]).toEqual({ present: true, changed: true });
    expect(slots('50 02')?.[0]).toEqual({ present: false, changed: true });
    expect(slots('50 0d')).toEqual([{ present: true, changed: false }, { present: true, changed: true }]);
    expect(decodeInterruptMessage(hex('51 00 07 fb'))).toEqual({ kind: 'hardware-error', slot: 0, seq: 7, code: 0xfb });
    expect(decodeInterruptMessage(hex('99'))).toBeNull();
  });
});
