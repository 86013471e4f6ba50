// The bridge's WebSocket server: TLS on 127.0.0.1 only, the Origin allowlist, pairing, then
// requests relayed to PC/SC one at a time per connection. One connection per paired origin: a
// newer one (a reloaded tab) takes over and the older one is closed.
import https from 'node:https';
import type { AddressInfo } from 'node:net';

import { WebSocketServer, type WebSocket } from 'ws';

import { TokenError, isTokenError } from '@/lib/webusb-token/errors';
import {
  BRIDGE_CLOSE,
  BRIDGE_ERROR_CODES,
  BRIDGE_LIMITS,
  type BridgeErrorCode,
  type BridgeFrame,
  type ClientRequest,
  decodeBytes,
  encodeBytes,
  parseClientFrame,
} from '@/lib/webusb-token/bridge/bridge-protocol';
import type { LocalCertificate } from './local-certificate';
import type { PairingBook } from './pairing';
import type { CardConnection, PcscEvent, PcscService } from './pcsc-service';

/** How long a client may take to pair or say hello before it is dropped. */
const AUTH_TIMEOUT_MS = 10_000;

export interface BridgeServerOptions {
  port: number;
  /** Exact origins (scheme://host[:port]) allowed to connect. */
  origins: ReadonlySet<string>;
  certificate: LocalCertificate;
  pairing: PairingBook;
  pcsc: PcscService;
  log: (line: string) => void;
}

export interface BridgeServer {
  port: number;
  close(): Promise<void>;
}

export async function startBridgeServer(options: BridgeServerOptions): Promise<BridgeServer> {
  const { origins, pairing, pcsc, log } = options;
  const https_ = https.createServer({ key: options.certificate.keyPem, cert: options.certificate.certPem }, (_request, response) => {
    // A plain visit is how a user accepts or checks the certificate in a browser.
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Sealpost card bridge is running.\n');
  });
  const wss = new WebSocketServer({ server: https_, maxPayload: BRIDGE_LIMITS.messageBytes });
  const byOrigin = new Map<string, ClientSession>();

  wss.on('connection', (socket, request) => {
    const origin = request.headers.origin ?? '';
    if (!origins.has(origin)) {
      log(`refused a connection from origin ${JSON.stringify(origin.slice(0, 200))}`);
      socket.close(BRIDGE_CLOSE.originNotAllowed, 'origin not allowed');
      return;
    }
    const authTimer = setTimeout(() => socket.close(BRIDGE_CLOSE.notPaired, 'not paired'), AUTH_TIMEOUT_MS);
    socket.once('close', () => clearTimeout(authTimer));
    socket.once('message', (data, isBinary) => {
      clearTimeout(authTimer);
      const frame = isBinary ? null : parseClientFrame(data.toString());
      let token: string | undefined;
      if (frame?.type === 'pair') {
        const result = pairing.pair(origin, frame.code);
        if (!result.ok) {
          log(`wrong pairing code from ${origin}${result.locked ? ': too many, new code issued' : ''}`);
          return socket.close(result.locked ? BRIDGE_CLOSE.pairingLocked : BRIDGE_CLOSE.notPaired, 'wrong pairing code');
        }
        token = result.token;
        log(`paired ${origin}`);
      } else if (frame?.type !== 'hello' || !pairing.knows(origin, frame.token)) {
        return socket.close(BRIDGE_CLOSE.notPaired, 'not paired');
      }
      byOrigin.get(origin)?.close(BRIDGE_CLOSE.replaced, 'replaced by a newer connection');
      const session = new ClientSession(socket, pcsc);
      byOrigin.set(origin, session);
      socket.once('close', () => {
        if (byOrigin.get(origin) === session) byOrigin.delete(origin);
      });
      session.send(token ? { type: 'welcome', token } : { type: 'welcome' });
    });
  });

  const forward = (event: PcscEvent) => byOrigin.forEach((session) => session.pcscChanged(event));
  pcsc.on('change', forward);

  await new Promise<void>((resolve, reject) => {
    https_.once('error', reject);
    https_.listen(options.port, '127.0.0.1', () => resolve());
  });
  return {
    port: (https_.address() as AddressInfo).port,
    close: async () => {
      pcsc.off('change', forward);
      // Clients learn it from the dropped socket; waiting for their close handshakes could hang the exit.
      wss.clients.forEach((client) => client.terminate());
      https_.closeAllConnections();
      await new Promise<void>((resolve) => wss.close(() => https_.close(() => resolve())));
    },
  };
}

/** One authenticated browser connection and the one card it may hold. */
class ClientSession {
  private card: CardConnection | undefined;
  private cardReader: string | undefined;
  private cardRemoved = false;
  private pending = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: WebSocket,
    private readonly pcsc: PcscService,
  ) {
    socket.on('message', (data, isBinary) => this.received(isBinary ? null : data.toString()));
    socket.on('close', () => void this.releaseCard());
  }

  send(frame: BridgeFrame): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  pcscChanged(event: PcscEvent): void {
    if (event.event === 'card-removed' && event.reader === this.cardReader) this.cardRemoved = true;
    this.send({ type: 'event', ...event });
  }

  private received(text: string | null): void {
    const frame = parseClientFrame(text);
    if (!frame || !('id' in frame) || ++this.pending > BRIDGE_LIMITS.pendingRequests) {
      this.close(BRIDGE_CLOSE.protocolError, 'protocol error');
      return;
    }
    // One request at a time: PC/SC handles are not meant for interleaved transmits.
    this.queue = this.queue.then(async () => {
      try {
        this.send({ type: 'result', id: frame.id, ...(await this.handle(frame)) });
      } catch (error) {
        const failure = isTokenError(error) ? error : new TokenError('transport-error', String(error));
        const code: BridgeErrorCode = (BRIDGE_ERROR_CODES as readonly string[]).includes(failure.code) ? (failure.code as BridgeErrorCode) : 'transport-error';
        this.send({ type: 'error', id: frame.id, code, message: failure.message });
      } finally {
        this.pending--;
      }
    });
  }

  private async handle(request: ClientRequest): Promise<{ readers?: ReturnType<PcscService['list']>; atr?: string; apdu?: string }> {
    switch (request.type) {
      case 'list-readers':
        return { readers: this.pcsc.list() };
      case 'connect': {
        await this.releaseCard();
        this.card = await this.pcsc.connect(request.reader);
        this.cardReader = request.reader;
        this.cardRemoved = false;
        return { atr: encodeBytes(this.card.atr) };
      }
      case 'transmit': {
        if (!this.card) throw new TokenError('invalid-argument', 'No card is connected.');
        if (this.cardRemoved) throw new TokenError('card-removed', 'The card was removed.');
        const apdu = decodeBytes(request.apdu, BRIDGE_LIMITS.apduBytes);
        if (!apdu || apdu.length < 4) throw new TokenError('invalid-argument', 'The command APDU is not valid base64 of 4 to 65,545 bytes.');
        return { apdu: encodeBytes(await this.card.transmit(apdu)) };
      }
      case 'disconnect':
        await this.releaseCard();
        return {};
    }
  }

  private async releaseCard(): Promise<void> {
    const card = this.card;
    this.card = undefined;
    this.cardReader = undefined;
    await card?.disconnect();
  }
}
