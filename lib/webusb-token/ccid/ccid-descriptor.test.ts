import { describe, expect, it } from 'vitest';
import { exchangeLevelOf, parseCcidClassDescriptor, parseConfigurationDescriptor, readConfigurationDescriptor } from './ccid-descriptor';
import { CcidDeviceSimulator } from '../simulator/ccid-device-simulator';

const hex = (s: string) => Uint8Array.from(s.replace(/\/\/.*$/gm, '').trim().split(/\s+/).map((b) => parseInt(b, 16)));

// QEMU hw/usb/dev-smartcard-reader.c qemu_ccid_descriptor, byte for byte (dwProtocols is written
// byte-swapped there: 00 00 01 00).
const QEMU_FUNCTIONAL = hex(`
  36 21 10 01 00 07  00 00 01 00  a0 0f 00 00  00 00 01 00  00  80 25 00 00  00 c2 01 00  00
  fe 00 00 00  00 00 00 00  00 00 00 00  fe 04 01 00  12 00 01 00  ff ff  00 00  01  01`);

// YubiKey 5 OTP+FIDO+CCID (1050:0407), from libccid readers/Yubico_Yubikey_4_OTP+U2F+CCID.txt:
// bcdCCID 1.00, 5/3/1.8 V, T=1, 4 MHz, 307200 bps, dwMaxIFSD 3062, dwFeatures 0x000400FE, 3072 bytes.
const YUBIKEY_FUNCTIONAL = hex(`
  36 21 00 01 00 07  02 00 00 00  a0 0f 00 00  a0 0f 00 00  00  00 b0 04 00  00 b0 04 00  00
  f6 0b 00 00  00 00 00 00  00 00 00 00  fe 00 04 00  00 0c 00 00  ff ff  00 00  00  01`);

/** A functional descriptor with the fields libccid's readers/*.txt list for a reader (the rest zero). */
function functional(f: { bcd: number; voltage: number; protocols: number; maxIfsd: number; features: number; maxMessage: number }): Uint8Array {
  const d = new Uint8Array(54);
  const v = new DataView(d.buffer);
  d[0] = 54;
  d[1] = 0x21;
  v.setUint16(2, f.bcd, true);
  d[5] = f.voltage;
  v.setUint32(6, f.protocols, true);
  v.setUint32(28, f.maxIfsd, true);
  v.setUint32(40, f.features, true);
  v.setUint32(44, f.maxMessage, true);
  d[48] = d[49] = 0xff;
  d[53] = 1;
  return d;
}

/** Configuration descriptor around the interfaces given (each: interface bytes, extras, endpoints). */
function configuration(...parts: Uint8Array[]): Uint8Array {
  const total = 9 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  out.set([9, 2, total & 0xff, total >> 8, 3, 1, 0, 0x80, 15]);
  let offset = 9;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
const iface = (n: number, cls: number, endpoints: number, protocol = 0) => Uint8Array.of(9, 4, n, 0, endpoints, cls, 0, protocol, 0);
const endpoint = (address: number, transfer: number, size: number) => Uint8Array.of(7, 5, address, transfer, size & 0xff, size >> 8, 0);
/** A 9-byte HID descriptor: also type 0x21, told apart by its length. */
const HID = hex('09 21 11 01 00 01 22 22 00');

describe('CCID functional descriptor (CCID rev 1.1 §5.1)', () => {
  it("reads QEMU usb-ccid's raw bytes: TPDU level, auto IFSD, 65554-byte messages", () => {
    const d = parseCcidClassDescriptor(QEMU_FUNCTIONAL);
    expect(d).toMatchObject({ bcdCcid: 0x0110, maxSlotIndex: 0, voltageSupport: 7, protocols: 0x00010000, defaultClock: 4000, features: 0x000104fe, maxMessageLength: 65554, maxIfsd: 254, pinSupport: 1 });
    expect(exchangeLevelOf(d.features)).toBe('tpdu');
  });

  it('reads the YubiKey: extended APDU level, 3072-byte messages', () => {
    const d = parseCcidClassDescriptor(YUBIKEY_FUNCTIONAL);
    expect(d).toMatchObject({ bcdCcid: 0x0100, protocols: 2, dataRate: 307200, maxDataRate: 307200, maxIfsd: 3062, features: 0x000400fe, maxMessageLength: 3072 });
    expect(exchangeLevelOf(d.features)).toBe('extended-apdu');
  });

  it.each([
    ['Identiv SCR3310 04E6:5116', { bcd: 0x0110, voltage: 1, protocols: 3, maxIfsd: 252, features: 0x000100ba, maxMessage: 271 }, 'tpdu'],
    ['HID OMNIKEY 3x21 076B:3031', { bcd: 0x0110, voltage: 7, protocols: 3, maxIfsd: 254, features: 0x000407ba, maxMessage: 271 }, 'extended-apdu'],
    ['ACS ACR39U 072F:B100', { bcd: 0x0110, voltage: 7, protocols: 3, maxIfsd: 247, features: 0x000100b2, maxMessage: 271 }, 'tpdu'],
  ] as const)('finds %s in a configuration and its exchange level', (_name, fields, level) => {
    const ccid = parseConfigurationDescriptor(configuration(iface(0, 0x0b, 3), functional(fields), endpoint(0x81, 3, 16), endpoint(0x02, 2, 64), endpoint(0x83, 2, 64)));
    expect(ccid).toMatchObject({ interfaceNumber: 0, configurationValue: 1, bulkIn: { endpointNumber: 3, packetSize: 64 }, bulkOut: { endpointNumber: 2 }, interruptIn: { endpointNumber: 1 }, exchangeLevel: level });
    expect(ccid.descriptor).toMatchObject({ features: fields.features, maxMessageLength: fields.maxMessage, maxIfsd: fields.maxIfsd });
  });

  it("skips a composite device's HID interfaces (their 0x21 descriptors are 9 bytes) to the YubiKey's CCID interface 2", () => {
    const ccid = parseConfigurationDescriptor(
      configuration(
        iface(0, 0x03, 1), HID, endpoint(0x81, 3, 8),
        iface(1, 0x03, 2), HID, endpoint(0x02, 3, 64), endpoint(0x82, 3, 64),
        iface(2, 0x0b, 3), YUBIKEY_FUNCTIONAL, endpoint(0x04, 2, 64), endpoint(0x84, 2, 64), endpoint(0x85, 3, 8),
      ),
    );
    expect(ccid).toMatchObject({ interfaceNumber: 2, bulkIn: { endpointNumber: 4 }, bulkOut: { endpointNumber: 4 }, interruptIn: { endpointNumber: 5 }, exchangeLevel: 'extended-apdu' });
  });

  it('reports a device without a CCID interface, an ICCD one, and malformed descriptors', () => {
    expect(() => parseConfigurationDescriptor(configuration(iface(0, 0x03, 1), HID, endpoint(0x81, 3, 8)))).toThrow(expect.objectContaining({ code: 'no-reader' }));
    expect(() => parseConfigurationDescriptor(configuration(iface(0, 0x0b, 0, 2), YUBIKEY_FUNCTIONAL))).toThrow(expect.objectContaining({ code: 'no-reader' }));
    const truncated = configuration(iface(0, 0x0b, 3), YUBIKEY_FUNCTIONAL).subarray(0, 40);
    expect(() => parseConfigurationDescriptor(truncated)).toThrow(expect.objectContaining({ code: 'transport-error' }));
    const zeroLength = configuration(Uint8Array.of(0, 4));
    expect(() => parseConfigurationDescriptor(zeroLength)).toThrow(expect.objectContaining({ code: 'transport-error' }));
    const noBulk = configuration(iface(0, 0x0b, 1), YUBIKEY_FUNCTIONAL, endpoint(0x81, 3, 8));
    expect(() => parseConfigurationDescriptor(noBulk)).toThrow(expect.objectContaining({ code: 'transport-error' }));
    expect(() => exchangeLevelOf(0x00030000)).toThrow(expect.objectContaining({ code: 'transport-error' }));
  });

  it('reads the simulator through GET_DESCRIPTOR as a WebUSB host would', async () => {
    const device = new CcidDeviceSimulator({ level: 'extended-apdu', card: null, maxMessageLength: 3072 });
    await device.open();
    const ccid = parseConfigurationDescriptor(await readConfigurationDescriptor(device));
    expect(ccid).toMatchObject({ interfaceNumber: 0, bulkIn: { endpointNumber: 2 }, bulkOut: { endpointNumber: 1 }, interruptIn: { endpointNumber: 3 }, exchangeLevel: 'extended-apdu' });
    expect(ccid.descriptor.maxMessageLength).toBe(3072);
  });
});
