// The part of WebUSB's USBDevice (https://wicg.github.io/webusb/#device-usage) the CCID driver
// uses, as structural types: a real navigator.usb device and the CCID device simulator both fit,
// and lib needs no DOM typings for WebUSB.

export interface UsbEndpointLike {
  readonly endpointNumber: number;
  readonly direction: 'in' | 'out';
  readonly type: 'bulk' | 'interrupt' | 'isochronous';
  readonly packetSize: number;
}

export interface UsbAlternateInterfaceLike {
  readonly alternateSetting: number;
  readonly interfaceClass: number;
  readonly interfaceSubclass: number;
  readonly interfaceProtocol: number;
  readonly endpoints: readonly UsbEndpointLike[];
}

export interface UsbInterfaceLike {
  readonly interfaceNumber: number;
  readonly alternate: UsbAlternateInterfaceLike;
  readonly alternates: readonly UsbAlternateInterfaceLike[];
  readonly claimed: boolean;
}

export interface UsbConfigurationLike {
  readonly configurationValue: number;
  readonly interfaces: readonly UsbInterfaceLike[];
}

export interface UsbControlTransferSetup {
  requestType: 'standard' | 'class' | 'vendor';
  recipient: 'device' | 'interface' | 'endpoint' | 'other';
  request: number;
  value: number;
  index: number;
}

export interface UsbInTransferResultLike {
  readonly data?: DataView;
  readonly status?: 'ok' | 'stall' | 'babble';
}

export interface UsbOutTransferResultLike {
  readonly bytesWritten: number;
  readonly status?: 'ok' | 'stall' | 'babble';
}

export interface UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly opened: boolean;
  readonly configuration?: UsbConfigurationLike | null;
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  controlTransferIn(setup: UsbControlTransferSetup, length: number): Promise<UsbInTransferResultLike>;
  /** Endpoint number without the direction bit, as WebUSB takes it. */
  transferIn(endpointNumber: number, length: number): Promise<UsbInTransferResultLike>;
  transferOut(endpointNumber: number, data: Uint8Array): Promise<UsbOutTransferResultLike>;
}

/** The bytes of an IN transfer's result, as a view on the same memory. */
export function transferBytes(result: UsbInTransferResultLike): Uint8Array {
  const view = result.data;
  return view ? new Uint8Array(view.buffer, view.byteOffset, view.byteLength) : new Uint8Array(0);
}
