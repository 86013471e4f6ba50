// The bridge connector and the card store over a bridge that answers by its protocol (a socket
// whose far end is a PIV simulator): pairing, the token kept per address, refusals, readers
// without a card, removal events. The real bridge over pcscd is in tests/integration/pcsc-bridge
// and e2e/smime/smart-card-bridge.spec.ts.
import { beforeAll, describe, expect, it } from 'vitest';

import type { BridgeSocket } from '@/lib/webusb-token/bridge/bridge-client';
import { BRIDGE_CLOSE, decodeBytes, encodeBytes } from '@/lib/webusb-token/bridge/bridge-protocol';
import { createPivSimulator } from '@/lib/webusb-token/simulator/piv-simulator';
import { type TestCardKey, makeTestCardKey } from '@/lib/webusb-token/simulator/test-card-key';
import type { SimulatedCard } from '@/lib/webusb-token/transport';

import { type TokenStorage, bridgeConnector, normalizeBridgeUrl, normalizePairingCode } from './bridge-connector';
import { createCardStore } from './card-store';

const CODE = 'ABCD-2345';
const READER = 'Virtual PCD 00 00';

interface FarEnd {
  readers: { name: string; card: SimulatedCard | null }[];
  tokens: Set<string>;
  /** Every URL a socket was opened to, and every first frame. */
  opened: string[];
  hellos: Record<string, unknown>[];
  sockets: BridgeSideSocket[];
}

/** The bridge's side of one WebSocket, answering as bridge/bridge-server.ts does. */
class BridgeSideSocket implements BridgeSocket {
  readyState = 0;
  private readonly listeners = new Map<string, ((event: never) => void)[]>();
  private connected: SimulatedCard | null = null;

  constructor(private readonly far: FarEnd) {
    setTimeout(() => {
      this.readyState = 1;
      this.fire('open', {});
    });
  }
  addEventListener(type: string, listener: (event: never) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  send(data: string): void {
    const frame = JSON.parse(data) as Record<string, unknown>;
    setTimeout(() => void this.answer(frame));
  }
  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.fire('close', { code: 1000, reason: '' });
  }
  /** A PC/SC event, as the bridge forwards it. */
  event(event: string, reader: string): void {
    this.reply({ type: 'event', event, reader });
  }
  private fire(type: string, event: unknown): void {
    (this.listeners.get(type) ?? []).forEach((listener) => (listener as (event: unknown) => void)(event));
  }
  private reply(frame: unknown): void {
    this.fire('message', { data: JSON.stringify(frame) });
  }
  private refuse(code: number): void {
    this.readyState = 3;
    this.fire('close', { code, reason: '' });
  }
  private async answer(frame: Record<string, unknown>): Promise<void> {
    if (frame.type === 'pair' || frame.type === 'hello') {
      this.far.hellos.push(frame);
      if (frame.type === 'pair' && frame.code === CODE) {
        const token = `token-${this.far.tokens.size + 1}`.padEnd(43, 'x');
        this.far.tokens.add(token);
        return this.reply({ type: 'welcome', token });
      }
      if (frame.type === 'hello' && this.far.tokens.has(frame.token as string)) return this.reply({ type: 'welcome' });
      return this.refuse(BRIDGE_CLOSE.notPaired);
    }
    const id = frame.id as number;
    switch (frame.type) {
      case 'list-readers':
        return this.reply({ type: 'result', id, readers: this.far.readers.map((r) => ({ name: r.name, cardPresent: r.card !== null })) });
      case 'connect': {
        const card = this.far.readers.find((r) => r.name === frame.reader)?.card;
        if (!card) return this.reply({ type: 'error', id, code: 'no-card', message: 'No card.' });
        this.connected = card;
        return this.reply({ type: 'result', id, atr: encodeBytes(await card.atr()) });
      }
      case 'transmit':
        return this.reply({ type: 'result', id, apdu: encodeBytes(await this.connected!.transmit(decodeBytes(frame.apdu, 65544)!)) });
      case 'disconnect':
        this.connected = null;
        return this.reply({ type: 'result', id });
    }
  }
}

function memoryStorage(): TokenStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k) };
}

let key: TestCardKey;
beforeAll(async () => {
  key = await makeTestCardKey({ name: 'EC', curve: 'P-256' }, 7);
});

function setUp(readers?: FarEnd['readers']) {
  const far: FarEnd = {
    readers: readers ?? [
      { name: 'Empty reader', card: null },
      { name: READER, card: createPivSimulator({ slots: { 0x9a: { privateKeyPkcs8: key.pkcs8, certificateDer: key.der } } }) },
    ],
    tokens: new Set(),
    opened: [],
    hellos: [],
    sockets: [],
  };
  const storage = memoryStorage();
  const createSocket = (url: string) => {
    far.opened.push(url);
    const socket = new BridgeSideSocket(far);
    far.sockets.push(socket);
    return socket;
  };
  const connector = bridgeConnector({ storage, createSocket, timeoutMs: 2000 });
  const store = createCardStore({ connectors: { bridge: connector } });
  return { far, storage, connector, store };
}

describe('pairing codes and addresses', () => {
  it('accepts the code as printed, in lower case or with spaces, and nothing else', () => {
    expect(normalizePairingCode('abcd 2345')).toBe(CODE);
    expect(normalizePairingCode(' ABCD2345 ')).toBe(CODE);
    expect(normalizePairingCode('ABCD-234')).toBeNull();
    expect(normalizePairingCode('ABCD-23456')).toBeNull();
    expect(normalizePairingCode('ABC?-2345')).toBeNull();
  });

  it('takes only wss:// addresses on this computer', () => {
    expect(normalizeBridgeUrl(undefined)).toBe('wss://127.0.0.1:31417');
    expect(normalizeBridgeUrl(' wss://localhost:4000 ')).toBe('wss://localhost:4000');
    for (const bad of ['ws://127.0.0.1:31417', 'wss://bridge.example.com:31417', 'wss://127.0.0.1:31417/x', 'https://127.0.0.1:31417', 'wss://user@127.0.0.1:1', 'wss://[::1]:31417', 'not a url']) {
      expect(() => normalizeBridgeUrl(bad), bad).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
  });
});

describe('connecting through the bridge', () => {
  it('pairs with the code once, keeps the token for that address and presents it next time', async () => {
    const { far, storage, store } = setUp();
    expect(store.getState().bridgePaired).toBe(false);

    await store.getState().connect('bridge', { url: 'wss://127.0.0.1:4000', pairingCode: 'abcd 2345' });
    expect(store.getState()).toMatchObject({ status: 'connected', connector: 'bridge', reader: READER, bridgePaired: true, bridgeUrl: 'wss://127.0.0.1:4000', problem: null });
    expect(store.getState().certificates.map((c) => c.slot)).toEqual([0x9a]);
    expect(far.opened).toEqual(['wss://127.0.0.1:4000']);
    expect(far.hellos).toEqual([{ type: 'pair', code: CODE }]);
    const [token] = [...far.tokens];
    expect(storage.items.get('sealpost.cardBridge.token:wss://127.0.0.1:4000')).toBe(token);

    await store.getState().disconnect();
    expect(far.sockets[0]!.readyState).toBe(3);
    await store.getState().connect('bridge', { url: 'wss://127.0.0.1:4000' });
    expect(store.getState().status).toBe('connected');
    expect(far.hellos.at(-1)).toEqual({ type: 'hello', token });
  });

  it('asks for the code when this browser has no token, before opening anything', async () => {
    const { far, store } = setUp();
    await store.getState().connect('bridge');
    expect(store.getState()).toMatchObject({ status: 'disconnected', problem: { code: 'bridge-not-paired', message: expect.stringMatching(/pairing code/) } });
    expect(far.opened).toEqual([]);
  });

  it('refuses a malformed code without sending it, and says when the bridge refuses a wrong one', async () => {
    const { far, store } = setUp();
    await store.getState().connect('bridge', { pairingCode: '12' });
    expect(store.getState().problem).toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/eight letters and digits/) });
    expect(far.opened).toEqual([]);

    await store.getState().connect('bridge', { pairingCode: 'ZZZZ-9999' });
    expect(store.getState()).toMatchObject({ status: 'disconnected', bridgePaired: false, problem: { code: 'bridge-not-paired' } });
  });

  it('drops a token the bridge no longer knows, so the next try asks for a code', async () => {
    const { far, store, storage } = setUp();
    await store.getState().connect('bridge', { pairingCode: CODE });
    await store.getState().disconnect();
    far.tokens.clear(); // the bridge's config was reset
    await store.getState().connect('bridge');
    expect(store.getState()).toMatchObject({ status: 'disconnected', bridgePaired: false, problem: { code: 'bridge-not-paired' } });
    expect([...storage.items.keys()].filter((k) => k.includes('token'))).toEqual([]);
  });

  it('"Forget pairing" drops the token', async () => {
    const { store, connector } = setUp();
    await store.getState().connect('bridge', { pairingCode: CODE });
    expect(connector.isPaired()).toBe(true);
    store.getState().forgetBridgePairing();
    expect(store.getState().bridgePaired).toBe(false);
    expect(connector.isPaired()).toBe(false);
  });

  it('says when the bridge sees no reader, or readers without a card, and closes the connection', async () => {
    const none = setUp([]);
    await none.store.getState().connect('bridge', { pairingCode: CODE });
    expect(none.store.getState().problem?.code).toBe('no-reader');
    expect(none.far.sockets[0]!.readyState).toBe(3);

    const empty = setUp([{ name: 'Empty reader', card: null }]);
    await empty.store.getState().connect('bridge', { pairingCode: CODE });
    expect(empty.store.getState().problem).toMatchObject({ code: 'no-card', message: expect.stringMatching(/Insert your card/) });
  });

  it('forgets the card when the bridge reports it removed from the connected reader, not from another', async () => {
    const { far, store } = setUp();
    await store.getState().connect('bridge', { pairingCode: CODE });
    const socket = far.sockets[0]!;
    socket.event('card-removed', 'Empty reader');
    expect(store.getState().status).toBe('connected');
    socket.event('card-removed', READER);
    await expect.poll(() => store.getState().status).toBe('disconnected');
    expect(store.getState().problem).toMatchObject({ code: 'card-removed', message: expect.stringMatching(/removed/) });
    expect(store.getState().certificates).toEqual([]);
  });

  it('tells a bridge that does not answer from one that refuses', async () => {
    const { store } = setUp();
    const unreachable = createCardStore({
      connectors: {
        bridge: bridgeConnector({
          storage: memoryStorage(),
          createSocket: () => {
            throw new Error('connection refused');
          },
        }),
      },
    });
    await unreachable.getState().connect('bridge', { pairingCode: CODE });
    expect(unreachable.getState().problem).toMatchObject({ code: 'bridge-unavailable', message: expect.stringMatching(/Is the bridge running on this computer/) });
    await store.getState().connect('bridge', { url: 'https://127.0.0.1:1', pairingCode: CODE });
    expect(store.getState().problem?.code).toBe('invalid-argument');
  });
});
