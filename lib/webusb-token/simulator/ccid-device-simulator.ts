// A CCID smart-card reader as a WebUSB device (ccid/usb-device.ts shape) holding a SimulatedCard:
// descriptors that match the chosen exchange level, a bulk-IN pipe with USB packet semantics
// (short packets end a transfer; a zero-length packet ends one that fills its last packet), an
// interrupt-IN pipe for NotifySlotChange, and the faults real readers show.

import type { SimulatedCard } from '../transport';
import type {
  UsbConfigurationLike,
  UsbControlTransferSetup,
  UsbDeviceLike,
  UsbInTransferResultLike,
  UsbInterfaceLike,
  UsbOutTransferResultLike,
} from '../ccid/usb-device';
import { CcidSlotSimulator, type CcidSlotFaults, type SimulatedExchangeLevel } from './ccid-slot-simulator';

export interface CcidDeviceFaults extends CcidSlotFaults {
  /** Each message reaches the host in pieces of this many bytes, each ending a transfer. */
  splitTransfers?: number;
  /** The reader sends no zero-length packet after a message that fills its last packet. */
  noZeroLengthPacket?: boolean;
  /** Every transfer fails, as when the reader is unplugged, once this many more XfrBlocks came. */
  unplugAfterXfrBlocks?: number;
}

export interface CcidDeviceSimulatorOptions {
  level: SimulatedExchangeLevel;
  card: SimulatedCard | null;
  /** dwMaxCCIDMessageLength; 271 (short APDU + header) unless given. */
  maxMessageLength?: number;
  /** dwFeatures, to present a particular reader; the level's usual features (auto PPS included) unless given. */
  features?: number;
  packetSize?: number;
  /** Offer an interrupt-IN endpoint (NotifySlotChange); true unless false. */
  interruptEndpoint?: boolean;
  faults?: CcidDeviceFaults;
}

const BULK_OUT = 1;
const BULK_IN = 2;
const INTERRUPT_IN = 3;
const INTERFACE_NUMBER = 0;
const CONFIGURATION_VALUE = 1;

/** dwFeatures per level: auto configuration, voltage, clock, baud and PPS (0xBA) plus the level (CCID §5.1). */
const FEATURES: Record<SimulatedExchangeLevel, number> = {
  tpdu: 0x000100ba,
  'short-apdu': 0x000200ba,
  'extended-apdu': 0x000400fe,
};

export class CcidDeviceSimulator implements UsbDeviceLike {
  readonly vendorId = 0x1209;
  readonly productId = 0xcc1d;
  readonly slot: CcidSlotSimulator;
  readonly faults: CcidDeviceFaults;
  readonly maxMessageLength: number;
  readonly packetSize: number;
  opened = false;
  configuration: UsbConfigurationLike | null = null;

  private claimed = false;
  private unplugged = false;
  /** Bulk-IN packets waiting for the host; an empty packet is a ZLP. */
  private packets: Uint8Array[] = [];
  private bulkWaiter: (() => void) | null = null;
  private interruptQueue: Uint8Array[] = [];
  private interruptWaiter: ((message: Uint8Array | null) => void) | null = null;
  private readonly hasInterrupt: boolean;
  private readonly level: SimulatedExchangeLevel;
  private readonly features: number;
  /** The slot works on one message at a time, as a reader with bMaxCCIDBusySlots 1. */
  private work: Promise<void> = Promise.resolve();

  constructor(options: CcidDeviceSimulatorOptions) {
    this.level = options.level;
    this.features = options.features ?? FEATURES[options.level];
    this.maxMessageLength = options.maxMessageLength ?? 271;
    this.packetSize = options.packetSize ?? 64;
    this.hasInterrupt = options.interruptEndpoint ?? true;
    this.faults = options.faults ?? {};
    this.slot = new CcidSlotSimulator({ level: options.level, maxMessageLength: this.maxMessageLength, card: options.card, faults: this.faults });
    this.slot.onInterrupt = (message) => this.pushInterrupt(message);
  }

  /** The raw configuration descriptor: configuration, CCID interface, functional descriptor, endpoints. */
  configurationDescriptor(): Uint8Array {
    const endpoints = [endpointDescriptor(0x80 | BULK_IN, 2, this.packetSize), endpointDescriptor(BULK_OUT, 2, this.packetSize)];
    if (this.hasInterrupt) endpoints.push(endpointDescriptor(0x80 | INTERRUPT_IN, 3, 8));
    const iface = Uint8Array.of(9, 0x04, INTERFACE_NUMBER, 0, endpoints.length, 0x0b, 0, 0, 0);
    const functional = this.functionalDescriptor();
    const total = 9 + iface.length + functional.length + endpoints.length * 7;
    const config = Uint8Array.of(9, 0x02, total & 0xff, total >> 8, 1, CONFIGURATION_VALUE, 0, 0x80, 50);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const part of [config, iface, functional, ...endpoints]) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  private functionalDescriptor(): Uint8Array {
    const d = new Uint8Array(54);
    const v = new DataView(d.buffer);
    d[0] = 54;
    d[1] = 0x21;
    v.setUint16(2, 0x0110, true); // bcdCCID 1.10
    d[4] = 0; // bMaxSlotIndex
    d[5] = 0x07; // 5 V, 3 V, 1.8 V
    v.setUint32(6, 0x2, true); // T=1 only
    v.setUint32(10, 4000, true);
    v.setUint32(14, 4000, true);
    v.setUint32(19, 10752, true);
    v.setUint32(23, 344086, true);
    v.setUint32(28, 254, true); // dwMaxIFSD
    v.setUint32(40, this.features, true);
    v.setUint32(44, this.maxMessageLength, true);
    d[48] = 0xff;
    d[49] = 0xff;
    d[53] = 1; // bMaxCCIDBusySlots
    return d;
  }

  async open(): Promise<void> {
    this.checkPlugged();
    this.opened = true;
  }

  async close(): Promise<void> {
    this.opened = false;
    this.claimed = false;
    this.configuration = null;
    this.packets = [];
    this.bulkWaiter?.();
    this.interruptWaiter?.(null);
  }

  async selectConfiguration(configurationValue: number): Promise<void> {
    this.checkOpen();
    if (configurationValue !== CONFIGURATION_VALUE) throw new DOMException('No such configuration.', 'NotFoundError');
    const endpoints = [
      { endpointNumber: BULK_IN, direction: 'in' as const, type: 'bulk' as const, packetSize: this.packetSize },
      { endpointNumber: BULK_OUT, direction: 'out' as const, type: 'bulk' as const, packetSize: this.packetSize },
      ...(this.hasInterrupt ? [{ endpointNumber: INTERRUPT_IN, direction: 'in' as const, type: 'interrupt' as const, packetSize: 8 }] : []),
    ];
    const alternate = { alternateSetting: 0, interfaceClass: 0x0b, interfaceSubclass: 0, interfaceProtocol: 0, endpoints };
    const isClaimed = () => this.claimed;
    const iface: UsbInterfaceLike = {
      interfaceNumber: INTERFACE_NUMBER,
      alternate,
      alternates: [alternate],
      get claimed() {
        return isClaimed();
      },
    };
    this.configuration = { configurationValue, interfaces: [iface] };
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    this.checkOpen();
    if (!this.configuration || interfaceNumber !== INTERFACE_NUMBER) throw new DOMException('No such interface.', 'NotFoundError');
    this.claimed = true;
  }

  async controlTransferIn(setup: UsbControlTransferSetup, length: number): Promise<UsbInTransferResultLike> {
    this.checkOpen();
    if (setup.requestType === 'standard' && setup.recipient === 'device' && setup.request === 0x06 && setup.value === 0x0200) {
      const bytes = this.configurationDescriptor().slice(0, length);
      return { status: 'ok', data: new DataView(bytes.buffer) };
    }
    return { status: 'stall' };
  }

  async transferOut(endpointNumber: number, data: Uint8Array): Promise<UsbOutTransferResultLike> {
    this.checkClaimed();
    if (endpointNumber !== BULK_OUT) throw new DOMException('Not an OUT endpoint of a claimed interface.', 'NotFoundError');
    const message = data.slice();
    if (message[0] === 0x6f) this.countDownUnplug();
    this.checkPlugged();
    this.work = this.work
      .then(async () => {
        const answers = await this.slot.handle(message);
        for (const answer of answers) this.queueMessage(answer);
      })
      // A card that breaks its contract (throws) leaves the reader dead, not the host waiting.
      .catch(() => this.unplug());
    return { status: 'ok', bytesWritten: data.length };
  }

  async transferIn(endpointNumber: number, length: number): Promise<UsbInTransferResultLike> {
    this.checkClaimed();
    if (endpointNumber === INTERRUPT_IN && this.hasInterrupt) return this.interruptIn();
    if (endpointNumber !== BULK_IN) throw new DOMException('Not an IN endpoint of a claimed interface.', 'NotFoundError');
    // A transfer ends on a short packet (a ZLP included) or when `length` bytes have come (USB 2.0 §5.8.3).
    const received: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      while (this.packets.length === 0) {
        await new Promise<void>((resolve) => (this.bulkWaiter = resolve));
        this.bulkWaiter = null;
        this.checkClaimed();
      }
      const packet = this.packets[0]!;
      if (total + packet.length > length) {
        this.packets.shift();
        return { status: 'babble' };
      }
      this.packets.shift();
      received.push(packet);
      total += packet.length;
      if (packet.length < this.packetSize || total === length) break;
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const part of received) {
      bytes.set(part, offset);
      offset += part.length;
    }
    return { status: 'ok', data: new DataView(bytes.buffer) };
  }

  /** Cuts a message into packets; the split fault makes each piece end its own transfer. */
  private queueMessage(message: Uint8Array): void {
    const split = this.faults.splitTransfers;
    const pieces: Uint8Array[] = [];
    if (split && split > 0) for (let o = 0; o < message.length; o += split) pieces.push(message.subarray(o, o + split));
    else pieces.push(message);
    for (const piece of pieces) {
      for (let o = 0; o < piece.length; o += this.packetSize) this.packets.push(piece.slice(o, o + this.packetSize));
      // A piece that fills its last packet needs a ZLP to end the transfer, unless the fault drops it.
      if (piece.length % this.packetSize === 0 && !this.faults.noZeroLengthPacket) this.packets.push(new Uint8Array(0));
    }
    this.bulkWaiter?.();
  }

  private async interruptIn(): Promise<UsbInTransferResultLike> {
    const queued = this.interruptQueue.shift();
    const message = queued ?? (await new Promise<Uint8Array | null>((resolve) => (this.interruptWaiter = resolve)));
    this.interruptWaiter = null;
    this.checkClaimed();
    if (!message) throw new DOMException('The transfer was cancelled.', 'AbortError');
    return { status: 'ok', data: new DataView(message.slice().buffer) };
  }

  private pushInterrupt(message: Uint8Array): void {
    if (this.interruptWaiter) this.interruptWaiter(message);
    else if (this.interruptQueue.length < 16) this.interruptQueue.push(message);
  }

  private countDownUnplug(): void {
    const left = this.faults.unplugAfterXfrBlocks;
    if (left === undefined) return;
    if (left > 0) {
      this.faults.unplugAfterXfrBlocks = left - 1;
      return;
    }
    this.unplug();
  }

  /** From now on every transfer fails, as when the reader is pulled out. */
  unplug(): void {
    this.unplugged = true;
    this.bulkWaiter?.();
    this.interruptWaiter?.(null);
  }

  private checkPlugged(): void {
    if (this.unplugged) throw new DOMException('The device was disconnected.', 'NetworkError');
  }

  private checkOpen(): void {
    this.checkPlugged();
    if (!this.opened) throw new DOMException('The device must be opened first.', 'InvalidStateError');
  }

  private checkClaimed(): void {
    this.checkOpen();
    if (!this.claimed) throw new DOMException('The interface must be claimed first.', 'InvalidStateError');
  }
}

function endpointDescriptor(address: number, transfer: number, packetSize: number): Uint8Array {
  return Uint8Array.of(7, 0x05, address, transfer, packetSize & 0xff, packetSize >> 8, transfer === 3 ? 10 : 0);
}
