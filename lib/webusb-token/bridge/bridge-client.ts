// The browser side of the local PC/SC bridge: opens the WebSocket, pairs (or presents the token of
// an earlier pairing), lists readers and connects one as an ApduTransport. The bridge relays
// bytes only; PIV, the PIN and hashing stay above the transport, in the browser.
import { TokenError } from '../errors';
import type { ApduTransport } from '../transport';
import {
  BRIDGE_CLOSE,
  BRIDGE_LIMITS,
  type BridgeFrame,
  type BridgeReader,
  type ClientFrame,
  decodeBytes,
  encodeBytes,
  parseBridgeFrame,
} from './bridge-protocol';

/** Where `npm run bridge` listens unless told otherwise. */
export const DEFAULT_BRIDGE_URL = 'wss://127.0.0.1:31417';

/** What the client needs of a WebSocket: the browser's, or `ws` in Node tests. */
export interface BridgeSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
}
export type BridgeSocketFactory = (url: string) => BridgeSocket;

export type BridgeCredential = { token: string } | { pairingCode: string };

export interface OpenBridgeOptions {
  /** Default DEFAULT_BRIDGE_URL. */
  url?: string;
  /** The token an earlier pairing gave (kept by the caller, e.g. in localStorage), or the code the bridge printed. */
  credential: BridgeCredential;
  /** Default: the browser's WebSocket. */
  createSocket?: BridgeSocketFactory;
  /** How long opening and each request may take; default 30 s (an RSA-4096 signature on a slow card takes seconds). */
  timeoutMs?: number;
}

export type BridgeEvent = Extract<BridgeFrame, { type: 'event' }>;

export interface BridgeCardTransport extends ApduTransport {
  /** The card's answer to reset, as the reader reported it. */
  readonly atr: Uint8Array;
}

export interface BridgeConnection {
  /** Present this next time instead of the pairing code. */
  readonly token: string;
  listReaders(): Promise<BridgeReader[]>;
  /** Connects the card in `reader` (one card per connection: a second connect replaces the first). */
  connect(reader: string): Promise<BridgeCardTransport>;
  /** Reader and card changes as the bridge sees them; returns the unsubscribe function. */
  onEvent(listener: (event: BridgeEvent) => void): () => void;
  close(): void;
}

const OPEN = 1;

const browserSocket: BridgeSocketFactory = (url) => new WebSocket(url);

function refusal(code: number, reason: string): TokenError {
  switch (code) {
    case BRIDGE_CLOSE.originNotAllowed:
      return new TokenError('bridge-not-paired', 'The card bridge does not serve this site: start it with --origin set to this address.');
    case BRIDGE_CLOSE.notPaired:
      return new TokenError('bridge-not-paired', 'The card bridge does not know this browser, or the pairing code was wrong.');
    case BRIDGE_CLOSE.pairingLocked:
      return new TokenError('bridge-not-paired', 'Too many wrong pairing codes: use the new code the card bridge shows.');
    default:
      return new TokenError('bridge-unavailable', `The card bridge is not running or cannot be reached${reason ? ` (${reason})` : ''}.`);
  }
}

/** Opens and authenticates a connection; rejects with bridge-unavailable or bridge-not-paired. */
export function openBridge(options: OpenBridgeOptions): Promise<BridgeConnection> {
  const url = options.url ?? DEFAULT_BRIDGE_URL;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const { credential } = options;
  let socket: BridgeSocket;
  try {
    socket = (options.createSocket ?? browserSocket)(url);
  } catch (error) {
    return Promise.reject(new TokenError('bridge-unavailable', `The card bridge address cannot be opened: ${String(error)}`));
  }

  return new Promise<BridgeConnection>((resolve, reject) => {
    let connection: Connection | undefined;
    const timer = setTimeout(() => fail(new TokenError('bridge-unavailable', 'The card bridge did not answer in time.')), timeoutMs);
    const fail = (error: TokenError) => {
      clearTimeout(timer);
      reject(error);
      socket.close();
    };

    socket.addEventListener('open', () => {
      const frame: ClientFrame = 'token' in credential ? { type: 'hello', token: credential.token } : { type: 'pair', code: credential.pairingCode };
      socket.send(JSON.stringify(frame));
    });
    socket.addEventListener('error', () => {
      if (!connection) fail(new TokenError('bridge-unavailable', 'The card bridge is not running or cannot be reached.'));
    });
    socket.addEventListener('close', (event) => {
      if (connection) connection.closed(event.code);
      else fail(refusal(event.code, event.reason));
    });
    socket.addEventListener('message', (event) => {
      if (connection) return connection.received(event.data);
      const frame = parseBridgeFrame(event.data);
      if (frame?.type !== 'welcome' || (!frame.token && !('token' in credential))) {
        return fail(new TokenError('transport-error', 'The card bridge answered outside its protocol.'));
      }
      clearTimeout(timer);
      connection = new Connection(socket, frame.token ?? (credential as { token: string }).token, timeoutMs);
      resolve(connection);
    });
  });
}

interface Pending {
  resolve(frame: Extract<BridgeFrame, { type: 'result' }>): void;
  reject(error: TokenError): void;
  timer: ReturnType<typeof setTimeout>;
}

class Connection implements BridgeConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: BridgeEvent) => void>();
  private card: BridgeCard | undefined;
  private lost: TokenError | undefined;

  constructor(
    private readonly socket: BridgeSocket,
    readonly token: string,
    private readonly timeoutMs: number,
  ) {}

  async listReaders(): Promise<BridgeReader[]> {
    const result = await this.request({ type: 'list-readers' });
    if (!result.readers) throw new TokenError('transport-error', 'The card bridge sent no reader list.');
    return result.readers;
  }

  async connect(reader: string): Promise<BridgeCardTransport> {
    this.card?.detach();
    const result = await this.request({ type: 'connect', reader });
    const atr = decodeBytes(result.atr, 33);
    if (!atr) throw new TokenError('transport-error', 'The card bridge sent no answer to reset.');
    this.card = new BridgeCard(this, reader, atr);
    return this.card;
  }

  onEvent(listener: (event: BridgeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed(1000);
    this.socket.close(1000);
  }

  /** One request, its one answer; the bridge's errors arrive as their TokenError. */
  request(body: { type: 'list-readers' | 'disconnect' } | { type: 'connect'; reader: string } | { type: 'transmit'; apdu: string }): Promise<Extract<BridgeFrame, { type: 'result' }>> {
    if (this.lost || this.socket.readyState !== OPEN) return Promise.reject(this.lost ?? new TokenError('bridge-unavailable', 'The card bridge connection is closed.'));
    if (this.pending.size >= BRIDGE_LIMITS.pendingRequests) return Promise.reject(new TokenError('limit-exceeded', 'Too many card bridge requests at once.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new TokenError('card-unresponsive', 'The card bridge did not answer in time.'));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ ...body, id } satisfies ClientFrame));
    });
  }

  received(data: unknown): void {
    const frame = parseBridgeFrame(data);
    if (!frame || frame.type === 'welcome') {
      this.closed(BRIDGE_CLOSE.protocolError, new TokenError('transport-error', 'The card bridge answered outside its protocol.'));
      this.socket.close(BRIDGE_CLOSE.protocolError);
      return;
    }
    if (frame.type === 'event') {
      if (frame.event === 'card-removed' && this.card && frame.reader === this.card.reader) this.card.removed();
      this.listeners.forEach((listener) => listener(frame));
      return;
    }
    const pending = this.pending.get(frame.id);
    if (!pending) return;
    this.pending.delete(frame.id);
    clearTimeout(pending.timer);
    if (frame.type === 'error') pending.reject(new TokenError(frame.code, frame.message));
    else pending.resolve(frame);
  }

  /** The socket is gone: every open request fails, and so does every later one. */
  closed(code: number, error?: TokenError): void {
    if (this.lost) return;
    this.lost =
      error ??
      (code === BRIDGE_CLOSE.replaced
        ? new TokenError('bridge-unavailable', 'Another tab of this site took over the card bridge.')
        : new TokenError('bridge-unavailable', 'The card bridge stopped or closed the connection.'));
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(this.lost);
    }
    this.pending.clear();
  }
}

class BridgeCard implements BridgeCardTransport {
  // The bridge cannot tell what the reader does with extended APDUs across every PC/SC driver,
  // so it offers short ones: the session chains and collects GET RESPONSE parts itself.
  readonly capabilities = { extendedLength: false };
  private state: 'connected' | 'removed' | 'closed' = 'connected';

  constructor(
    private readonly connection: Connection,
    readonly reader: string,
    readonly atr: Uint8Array,
  ) {}

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.state === 'removed') throw new TokenError('card-removed', 'The card was removed.');
    if (this.state === 'closed') throw new TokenError('invalid-argument', 'This card connection is closed.');
    if (command.length < 4 || command.length > BRIDGE_LIMITS.apduBytes) throw new TokenError('invalid-argument', `A command APDU of ${command.length} bytes cannot be sent.`);
    const result = await this.connection.request({ type: 'transmit', apdu: encodeBytes(command) });
    const response = decodeBytes(result.apdu, BRIDGE_LIMITS.apduBytes);
    if (!response || response.length < 2) throw new TokenError('transport-error', 'The card bridge sent no valid response APDU.');
    return response;
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    // With the bridge gone there is no card handle left to release.
    await this.connection.request({ type: 'disconnect' }).catch(() => undefined);
  }

  removed(): void {
    if (this.state === 'connected') this.state = 'removed';
  }

  /** Another connect() took the bridge's one card slot for this connection. */
  detach(): void {
    this.state = 'closed';
  }
}
