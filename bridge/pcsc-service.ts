// The OS PC/SC service (pcsc-lite on Linux, WinSCard on Windows, CryptoTokenKit's PC/SC layer on
// macOS) through @pokusew/pcsclite, turned into promises and TokenError codes. libpcsclite finds
// pcscd through PCSCLITE_CSOCK_NAME itself, which is how the tests point it at a private daemon.
import { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';

import { TokenError } from '@/lib/webusb-token/errors';
import { BRIDGE_LIMITS, type BridgeReader } from '@/lib/webusb-token/bridge/bridge-protocol';

/** The subset of @pokusew/pcsclite's CardReader this module uses (its index.d.ts, narrowed). */
interface NativeReader extends EventEmitter {
  name: string;
  state: number;
  connected: boolean;
  SCARD_SHARE_SHARED: number;
  SCARD_STATE_PRESENT: number;
  SCARD_LEAVE_CARD: number;
  connect(options: { share_mode?: number }, callback: (error: unknown, protocol: number) => void): void;
  disconnect(disposition: number, callback: (error: unknown) => void): void;
  transmit(data: Buffer, responseLength: number, protocol: number, callback: (error: unknown, response: Buffer) => void): void;
  close(): void;
}
interface NativePcsc extends EventEmitter {
  close(): void;
}

export const PCSC_MISSING =
  'The PC/SC module @pokusew/pcsclite is not installed or did not build. On Debian/Ubuntu install ' +
  'libpcsclite-dev (apt-get install libpcsclite-dev), then run npm install again; on macOS and ' +
  'Windows npm install builds it against the system PC/SC service.';

/** Loads the optional native module; throws PCSC_MISSING when npm could not build it. */
function loadNative(): () => NativePcsc {
  try {
    return createRequire(import.meta.url)('@pokusew/pcsclite') as () => NativePcsc;
  } catch {
    throw new Error(PCSC_MISSING);
  }
}

// PC/SC return codes (pcsclite.h) that say where the card went.
const SCARD_CODES: Array<[RegExp, 'no-card' | 'card-removed' | 'no-reader' | 'card-unresponsive']> = [
  [/0x80100069|0x8010000C/i, 'card-removed'], // SCARD_W_REMOVED_CARD, SCARD_E_NO_SMARTCARD
  [/0x80100066/i, 'card-unresponsive'], // SCARD_W_UNRESPONSIVE_CARD
  [/0x80100009|0x80100017/i, 'no-reader'], // SCARD_E_UNKNOWN_READER, SCARD_E_READER_UNAVAILABLE
];

function pcscError(error: unknown, what: string): TokenError {
  const text = String((error as Error)?.message ?? error);
  const match = SCARD_CODES.find(([pattern]) => pattern.test(text));
  return new TokenError(match?.[1] ?? 'transport-error', `${what}: ${text}`);
}

/** pcscd's state word for "card present" (SCARD_STATE_PRESENT), the same on every platform. */
const STATE_PRESENT = 0x20;
/** Longer than pcscd's polling of readers without card-movement interrupts (400 ms in pcsc-lite 1.9). */
const STATUS_SETTLE_MS = 1500;

export interface CardConnection {
  readonly atr: Uint8Array;
  transmit(command: Uint8Array): Promise<Uint8Array>;
  disconnect(): Promise<void>;
}

export type PcscEvent = { event: 'readers-changed' } | { event: 'card-inserted' | 'card-removed'; reader: string };

export class PcscService extends EventEmitter<{ change: [PcscEvent]; error: [Error] }> {
  private readonly readers = new Map<string, NativeReader>();
  /** Each reader's card's ATR from its last status event (the library's get_status would start a second watcher thread). */
  private readonly atrs = new Map<string, Uint8Array>();
  private readonly native: NativePcsc;

  constructor() {
    super();
    this.native = loadNative()();
    this.native.on('error', (error: unknown) => this.emit('error', new Error(`PC/SC service: ${String((error as Error)?.message ?? error)}`)));
    this.native.on('reader', (reader: NativeReader) => this.track(reader));
  }

  list(): BridgeReader[] {
    return [...this.readers.values()].slice(0, BRIDGE_LIMITS.readers).map((reader) => ({ name: reader.name, cardPresent: isPresent(reader.state) }));
  }

  /**
   * Connects the card in `reader`, shared: holding it exclusively would lock the user's other
   * PC/SC programs (logon, mail client) out for as long as a tab stays connected.
   */
  async connect(name: string): Promise<CardConnection> {
    const reader = this.readers.get(name);
    if (!reader) throw new TokenError('no-reader', `No reader named "${name}".`);
    if (!isPresent(reader.state)) throw new TokenError('no-card', `No card in "${name}".`);
    const protocol = await new Promise<number>((resolve, reject) => {
      reader.connect({ share_mode: reader.SCARD_SHARE_SHARED }, (error, value) => (error ? reject(pcscError(error, 'Connecting the card failed')) : resolve(value)));
    }).catch((error: TokenError) => {
      throw error.code === 'card-removed' ? new TokenError('no-card', error.message) : error;
    });
    const atr = this.atrs.get(name);
    if (!atr) throw new TokenError('card-unresponsive', `The card in "${name}" gave no answer to reset.`);
    return {
      atr,
      transmit: (command) =>
        new Promise((resolve, reject) => {
          reader.transmit(Buffer.from(command), BRIDGE_LIMITS.apduBytes, protocol, (error, response) => {
            if (!error && response.length >= 2) return resolve(new Uint8Array(response));
            // Some drivers (vpcd among them) report success with no bytes when the card vanished.
            const failure = error ? pcscError(error, 'The card did not take the command') : new TokenError('card-unresponsive', 'The reader returned no status word.');
            if (failure.code === 'card-removed') return reject(failure);
            // A card pulled mid-command fails like that, or as SCARD_E_NOT_TRANSACTED, before pcscd's
            // next poll notices it is gone: wait for that news, then let the reader's state decide.
            void this.nextStatus(reader).then(() => reject(isPresent(reader.state) ? failure : new TokenError('card-removed', failure.message)));
          });
        }),
      disconnect: () => new Promise<void>((resolve) => reader.disconnect(reader.SCARD_LEAVE_CARD, () => resolve())),
    };
  }

  /** The reader's next status event, or nothing after STATUS_SETTLE_MS. */
  private nextStatus(reader: NativeReader): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        reader.off('status', done);
        resolve();
      };
      const timer = setTimeout(done, STATUS_SETTLE_MS);
      reader.on('status', done);
    });
  }

  close(): void {
    this.readers.forEach((reader) => reader.close());
    this.native.close();
  }

  private track(reader: NativeReader): void {
    this.readers.set(reader.name, reader);
    this.emit('change', { event: 'readers-changed' });
    let present = isPresent(reader.state);
    reader.on('status', (status: { state: number; atr?: Buffer }) => {
      reader.state = status.state;
      if (status.atr && status.atr.length > 0) this.atrs.set(reader.name, new Uint8Array(status.atr));
      else this.atrs.delete(reader.name);
      const now = isPresent(status.state);
      if (now !== present) this.emit('change', { event: now ? 'card-inserted' : 'card-removed', reader: reader.name });
      present = now;
    });
    reader.on('error', (error: unknown) => this.emit('error', pcscError(error, `Reader "${reader.name}"`)));
    reader.on('end', () => {
      this.readers.delete(reader.name);
      this.atrs.delete(reader.name);
      if (present) this.emit('change', { event: 'card-removed', reader: reader.name });
      this.emit('change', { event: 'readers-changed' });
    });
  }
}

const isPresent = (state: number | undefined) => ((state ?? 0) & STATE_PRESENT) !== 0;
