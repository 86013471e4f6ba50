import { openCcidReader } from '@/lib/webusb-token/ccid/ccid-reader';
import type { UsbDeviceLike } from '@/lib/webusb-token/ccid/usb-device';
import { TokenError } from '@/lib/webusb-token/errors';
import type { ApduTransport } from '@/lib/webusb-token/transport';

// How the webmail reaches a smart card: one connector per transport, each ending in an
// ApduTransport, so the card store above is the same for WebUSB-CCID and the local PC/SC bridge
// (stores/bridge-connector.ts over lib/webusb-token/bridge/).

export type ConnectorKind = 'webusb' | 'bridge';

export interface CardConnection {
  kind: ConnectorKind;
  /** The reader's name as the user knows it (product name, PC/SC reader name). */
  reader: string;
  transport: ApduTransport;
  /** Transports that hear of removal before the next command (the bridge's PC/SC events). */
  onCardRemoved?(listener: () => void): () => void;
}

/** What the user typed for the bridge (stores/bridge-connector.ts); WebUSB needs nothing. */
export interface CardConnectInput {
  /** The bridge's wss:// address. */
  url?: string;
  /** The pairing code the bridge printed, for the first connection from this browser. */
  pairingCode?: string;
}

export interface CardConnector {
  readonly kind: ConnectorKind;
  /** Lets the user pick a reader and opens its card. Rejects with TokenError or CardConnectError. */
  connect(input?: CardConnectInput): Promise<CardConnection>;
}

/** Failures before any card protocol runs: what the browser itself allows. */
export type CardConnectErrorCode =
  /** The browser has no WebUSB (not Chromium, or not a secure context). */
  | 'webusb-unavailable'
  /** The user closed the browser's device chooser without picking one. */
  | 'no-device-chosen'
  /** claimInterface threw SecurityError: Chromium protects the smart-card class (0x0B) from web pages. */
  | 'transport-refused';

export class CardConnectError extends Error {
  constructor(
    readonly code: CardConnectErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CardConnectError';
  }
}

/** USB interface class of CCID smart-card readers (USB-IF class code 0x0B). */
export const SMART_CARD_CLASS = 0x0b;

/** The part of navigator.usb the connector uses. */
export interface UsbLike {
  requestDevice(options: { filters: { classCode?: number }[] }): Promise<UsbDeviceLike & { productName?: string }>;
}

/**
 * WebUSB-CCID: the browser's chooser lists devices with a smart-card interface; the chosen one is
 * opened with lib/webusb-token's CCID driver. A SecurityError from claimInterface (Chromium's
 * protected interface classes) is told apart from other claim failures by watching that call.
 */
/** `usb` for tests; the page's navigator.usb, looked up when connecting, otherwise. */
export function webUsbConnector(given?: UsbLike): CardConnector {
  return {
    kind: 'webusb',
    async connect() {
      const usb = given ?? browserUsb();
      if (!usb) throw new CardConnectError('webusb-unavailable', 'This browser cannot reach USB devices (WebUSB needs Chromium or Edge over HTTPS).');
      let device: UsbDeviceLike & { productName?: string };
      try {
        device = await usb.requestDevice({ filters: [{ classCode: SMART_CARD_CLASS }] });
      } catch (error) {
        if (error instanceof Error && error.name === 'NotFoundError') throw new CardConnectError('no-device-chosen', 'No reader was chosen.');
        throw new TokenError('no-reader', 'No smart-card reader could be found.');
      }
      let refused = false;
      const claim = async (interfaceNumber: number) => {
        try {
          await device.claimInterface(interfaceNumber);
        } catch (error) {
          refused = error instanceof Error && error.name === 'SecurityError';
          throw error;
        }
      };
      // A proxy, not a copy: a native USBDevice's methods must run on the device itself.
      const watched = new Proxy(device, {
        get(target, property) {
          if (property === 'claimInterface') return claim;
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      try {
        const transport = await openCcidReader(watched);
        return { kind: 'webusb', reader: device.productName || 'USB smart-card reader', transport };
      } catch (error) {
        if (refused) {
          throw new CardConnectError('transport-refused', 'The browser refused access to the reader: smart-card readers are a protected USB class that web pages may not claim.');
        }
        throw error;
      }
    },
  };
}

function browserUsb(): UsbLike | undefined {
  if (typeof navigator === 'undefined') return undefined;
  return (navigator as Navigator & { usb?: UsbLike }).usb;
}
