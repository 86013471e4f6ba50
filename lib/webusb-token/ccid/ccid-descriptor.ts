// Finds the CCID interface of a device from its raw configuration descriptor. WebUSB shows
// interfaces and endpoints but not class-specific descriptors, so the CCID functional descriptor
// (USB CCID rev 1.1 §5.1, type 0x21, 54 bytes) is read from GET_DESCRIPTOR(CONFIGURATION) itself.

import { TokenError } from '../errors';
import type { UsbDeviceLike } from './usb-device';
import { transferBytes } from './usb-device';

/** Largest configuration descriptor we read (USB 2.0 allows 65535; real readers send < 200). */
export const MAX_CONFIGURATION_DESCRIPTOR_LENGTH = 4096;

const DESCRIPTOR_CONFIGURATION = 0x02;
const DESCRIPTOR_INTERFACE = 0x04;
const DESCRIPTOR_ENDPOINT = 0x05;
const DESCRIPTOR_CCID_FUNCTIONAL = 0x21;
const CCID_FUNCTIONAL_LENGTH = 54;
const CLASS_SMART_CARD = 0x0b;
/** bInterfaceProtocol 0: bulk-pipe CCID (1 and 2 are the control-pipe ICCD variants). */
const PROTOCOL_CCID = 0;

/** dwFeatures bits (§5.1, names as in libccid's ccid.h). */
export const FEATURE = {
  autoParametersFromAtr: 0x02,
  autoActivation: 0x04,
  autoVoltage: 0x08,
  autoClock: 0x10,
  autoBaud: 0x20,
  autoParameterNegotiation: 0x40,
  autoPps: 0x80,
  autoIfsd: 0x400,
  exchangeLevelMask: 0x00070000,
} as const;

/** dwProtocols bits. */
export const PROTOCOL_T0 = 0x1;
export const PROTOCOL_T1 = 0x2;

export type ExchangeLevel = 'character' | 'tpdu' | 'short-apdu' | 'extended-apdu';

export interface CcidClassDescriptor {
  bcdCcid: number;
  maxSlotIndex: number;
  voltageSupport: number;
  protocols: number;
  defaultClock: number;
  maximumClock: number;
  dataRate: number;
  maxDataRate: number;
  maxIfsd: number;
  features: number;
  maxMessageLength: number;
  classGetResponse: number;
  classEnvelope: number;
  pinSupport: number;
  maxBusySlots: number;
}

export interface CcidEndpoint {
  endpointNumber: number;
  packetSize: number;
}

export interface CcidInterface {
  configurationValue: number;
  interfaceNumber: number;
  bulkIn: CcidEndpoint;
  bulkOut: CcidEndpoint;
  interruptIn?: CcidEndpoint;
  descriptor: CcidClassDescriptor;
  exchangeLevel: ExchangeLevel;
}

export function exchangeLevelOf(features: number): ExchangeLevel {
  switch (features & FEATURE.exchangeLevelMask) {
    case 0x00000:
      return 'character';
    case 0x10000:
      return 'tpdu';
    case 0x20000:
      return 'short-apdu';
    case 0x40000:
      return 'extended-apdu';
    default:
      throw malformed(`dwFeatures 0x${features.toString(16)} names no single exchange level`);
  }
}

/** The CCID functional descriptor's fields (§5.1, Table 5.1-1), little-endian. */
export function parseCcidClassDescriptor(bytes: Uint8Array): CcidClassDescriptor {
  if (bytes.length < CCID_FUNCTIONAL_LENGTH || bytes[0] !== CCID_FUNCTIONAL_LENGTH || bytes[1] !== DESCRIPTOR_CCID_FUNCTIONAL) {
    throw malformed('the CCID functional descriptor is not 54 bytes of type 0x21');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, CCID_FUNCTIONAL_LENGTH);
  const u32 = (offset: number) => view.getUint32(offset, true);
  return {
    bcdCcid: view.getUint16(2, true),
    maxSlotIndex: bytes[4]!,
    voltageSupport: bytes[5]!,
    protocols: u32(6),
    defaultClock: u32(10),
    maximumClock: u32(14),
    dataRate: u32(19),
    maxDataRate: u32(23),
    maxIfsd: u32(28),
    features: u32(40),
    maxMessageLength: u32(44),
    classGetResponse: bytes[48]!,
    classEnvelope: bytes[49]!,
    pinSupport: bytes[52]!,
    maxBusySlots: bytes[53]!,
  };
}

interface InterfaceDraft {
  interfaceNumber: number;
  alternateSetting: number;
  interfaceClass: number;
  interfaceProtocol: number;
  endpoints: { address: number; transfer: number; packetSize: number }[];
  functional?: Uint8Array;
}

/** Walks a configuration descriptor (USB 2.0 §9.6.3) and returns its first bulk CCID interface. */
export function parseConfigurationDescriptor(bytes: Uint8Array): CcidInterface {
  if (bytes.length < 9 || bytes[1] !== DESCRIPTOR_CONFIGURATION) throw malformed('no configuration descriptor');
  const totalLength = bytes[2]! | (bytes[3]! << 8);
  if (totalLength > bytes.length || totalLength < 9) throw malformed(`wTotalLength ${totalLength} does not fit the ${bytes.length} bytes read`);
  const configurationValue = bytes[5]!;

  const interfaces: InterfaceDraft[] = [];
  let current: InterfaceDraft | undefined;
  for (let offset = 0; offset < totalLength; ) {
    const length = bytes[offset]!;
    if (length < 2 || offset + length > totalLength) throw malformed(`a descriptor at offset ${offset} has length ${length}`);
    const d = bytes.subarray(offset, offset + length);
    const type = d[1]!;
    if (type === DESCRIPTOR_INTERFACE && length >= 9) {
      current = { interfaceNumber: d[2]!, alternateSetting: d[3]!, interfaceClass: d[5]!, interfaceProtocol: d[7]!, endpoints: [] };
      interfaces.push(current);
    } else if (type === DESCRIPTOR_ENDPOINT && length >= 7 && current) {
      current.endpoints.push({ address: d[2]!, transfer: d[3]! & 0x03, packetSize: (d[4]! | (d[5]! << 8)) & 0x7ff });
    } else if (type === DESCRIPTOR_CCID_FUNCTIONAL && length === CCID_FUNCTIONAL_LENGTH && current) {
      // A HID descriptor is also type 0x21 but 9 bytes long: the length tells them apart.
      current.functional = d;
    }
    offset += length;
  }

  for (const candidate of interfaces) {
    const ccid = toCcidInterface(candidate, configurationValue);
    if (ccid) return ccid;
  }
  throw new TokenError('no-reader', 'The USB device has no CCID smart-card reader interface.');
}

function toCcidInterface(draft: InterfaceDraft, configurationValue: number): CcidInterface | null {
  if (draft.interfaceClass !== CLASS_SMART_CARD || draft.interfaceProtocol !== PROTOCOL_CCID || draft.alternateSetting !== 0 || !draft.functional) return null;
  const endpoint = (direction: 'in' | 'out', transfer: number): CcidEndpoint | undefined => {
    const found = draft.endpoints.find((e) => ((e.address & 0x80) === 0x80) === (direction === 'in') && e.transfer === transfer);
    return found && { endpointNumber: found.address & 0x0f, packetSize: found.packetSize };
  };
  const bulkIn = endpoint('in', 2);
  const bulkOut = endpoint('out', 2);
  if (!bulkIn || !bulkOut) throw malformed('the CCID interface lacks a bulk-IN or bulk-OUT endpoint');
  if (bulkIn.packetSize < 8) throw malformed(`bulk-IN packets of ${bulkIn.packetSize} bytes`);
  const descriptor = parseCcidClassDescriptor(draft.functional);
  const interruptIn = endpoint('in', 3);
  return {
    configurationValue,
    interfaceNumber: draft.interfaceNumber,
    bulkIn,
    bulkOut,
    ...(interruptIn ? { interruptIn } : {}),
    descriptor,
    exchangeLevel: exchangeLevelOf(descriptor.features),
  };
}

/** GET_DESCRIPTOR(CONFIGURATION, index 0) through the default control pipe. */
export async function readConfigurationDescriptor(device: UsbDeviceLike): Promise<Uint8Array> {
  const result = await device.controlTransferIn(
    { requestType: 'standard', recipient: 'device', request: 0x06, value: DESCRIPTOR_CONFIGURATION << 8, index: 0 },
    MAX_CONFIGURATION_DESCRIPTOR_LENGTH,
  );
  if (result.status !== undefined && result.status !== 'ok') throw malformed(`GET_DESCRIPTOR answered ${result.status}`);
  return transferBytes(result);
}

const malformed = (what: string) => new TokenError('transport-error', `The reader's USB descriptors are malformed: ${what}.`);
