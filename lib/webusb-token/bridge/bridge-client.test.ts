// bridge-client against a scripted socket: what it sends, how it reads the bridge's answers and
// refusals, and what it does with hostile frames. The real bridge is in
// tests/integration/pcsc-bridge.test.ts.
import { describe, expect, it } from 'vitest';

import { isTokenError, type TokenErrorCode } from '../errors';
import { openBridge, type BridgeConnection, type BridgeCredential, type BridgeSocket } from './bridge-client';
import { BRIDGE_CLOSE, BRIDGE_LIMITS } from './bridge-protocol';

type Listener = (event: never) => void;

class ScriptedSocket implements BridgeSocket {
  readyState = 0;
  readonly sent: Record<string, unknown>[] = [];
  closedWith: number | undefined;
  private readonly listeners = new Map<string, Listener[]>();

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code?: number): void {
    this.closedWith ??= code ?? 1005;
    this.readyState = 3;
  }
  private fire(type: string, event: unknown): void {
    (this.listeners.get(type) ?? []).forEach((listener) => (listener as (event: unknown) => void)(event));
  }
  open(): void {
    this.readyState = 1;
    this.fire('open', {});
  }
  message(frame: unknown): void {
    this.fire('message', { data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  drop(code: number, reason = ''): void {
    this.readyState = 3;
    this.fire('close', { code, reason });
  }
  /** The request with `type` sent last. */
  last(type: string): Record<string, unknown> {
    const frame = this.sent.filter((f) => f.type === type).at(-1);
    if (!frame) throw new Error(`no ${type} sent`);
    return frame;
  }
}

const TOKEN = 'T'.repeat(43);

function start(credential: BridgeCredential = { token: TOKEN }, timeoutMs = 1000) {
  const socket = new ScriptedSocket();
  const opening = openBridge({ url: 'wss://127.0.0.1:1', credential, createSocket: () => socket, timeoutMs });
  return { socket, opening };
}

async function connected(): Promise<{ socket: ScriptedSocket; connection: BridgeConnection }> {
  const { socket, opening } = start();
  socket.open();
  socket.message({ type: 'welcome' });
  return { socket, connection: await opening };
}

async function codeOf(promise: Promise<unknown>): Promise<TokenErrorCode> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isTokenError(error)) throw new Error(`expected a TokenError, got ${String(error)}`);
  return error.code;
}

describe('openBridge', () => {
  it('sends the pairing code first and keeps the token the bridge issues', async () => {
    const { socket, opening } = start({ pairingCode: 'ABCD-EFGH' });
    socket.open();
    expect(socket.sent).toEqual([{ type: 'pair', code: 'ABCD-EFGH' }]);
    socket.message({ type: 'welcome', token: TOKEN });
    expect((await opening).token).toBe(TOKEN);
  });

  it('presents a kept token with hello, and keeps it', async () => {
    const { socket, opening } = start({ token: TOKEN });
    socket.open();
    expect(socket.sent).toEqual([{ type: 'hello', token: TOKEN }]);
    socket.message({ type: 'welcome' });
    expect((await opening).token).toBe(TOKEN);
  });

  it.each([
    [BRIDGE_CLOSE.originNotAllowed, 'bridge-not-paired'],
    [BRIDGE_CLOSE.notPaired, 'bridge-not-paired'],
    [BRIDGE_CLOSE.pairingLocked, 'bridge-not-paired'],
    [1006, 'bridge-unavailable'],
  ] as const)('reads close code %i before the welcome as %s', async (closeCode, expected) => {
    const { socket, opening } = start();
    socket.open();
    socket.drop(closeCode);
    expect(await codeOf(opening)).toBe(expected);
  });

  it('answers bridge-unavailable when the socket fails to open, when nothing answers, and when the address is unusable', async () => {
    const failed = start();
    failed.socket.drop(1006);
    expect(await codeOf(failed.opening)).toBe('bridge-unavailable');

    const silent = start({ token: TOKEN }, 20);
    silent.socket.open();
    expect(await codeOf(silent.opening)).toBe('bridge-unavailable');
    expect(silent.socket.closedWith).toBeDefined();

    const thrown = openBridge({ url: 'not a url', credential: { token: TOKEN }, createSocket: () => { throw new SyntaxError('bad URL'); } });
    expect(await codeOf(thrown)).toBe('bridge-unavailable');
  });

  it('refuses a pairing welcome without a token', async () => {
    const { socket, opening } = start({ pairingCode: 'ABCD-EFGH' });
    socket.open();
    socket.message({ type: 'welcome' });
    expect(await codeOf(opening)).toBe('transport-error');
  });
});

describe('a connected bridge', () => {
  it('lists readers and relays APDUs in base64 both ways', async () => {
    const { socket, connection } = await connected();
    const listing = connection.listReaders();
    const list = socket.last('list-readers');
    socket.message({ type: 'result', id: list.id, readers: [{ name: 'Virtual PCD 00 00', cardPresent: true }] });
    expect(await listing).toEqual([{ name: 'Virtual PCD 00 00', cardPresent: true }]);

    const connecting = connection.connect('Virtual PCD 00 00');
    socket.message({ type: 'result', id: socket.last('connect').id, atr: 'O/0TAACBMf4VgHPAIcBXWXViaUtleUA=' });
    const card = await connecting;
    expect(card.atr[0]).toBe(0x3b);
    expect(card.capabilities.extendedLength).toBe(false);

    const answer = card.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x00));
    const transmit = socket.last('transmit');
    expect(transmit.apdu).toBe('AKQEAA==');
    socket.message({ type: 'result', id: transmit.id, apdu: 'kAA=' });
    expect(await answer).toEqual(Uint8Array.of(0x90, 0x00));
  });

  it("maps the bridge's error codes, and reads a code it does not know as transport-error", async () => {
    const { socket, connection } = await connected();
    const first = connection.connect('Empty 00 01');
    socket.message({ type: 'error', id: socket.last('connect').id, code: 'no-card', message: 'No card.' });
    expect(await codeOf(first)).toBe('no-card');
    const second = connection.listReaders();
    socket.message({ type: 'error', id: socket.last('list-readers').id, code: 'wrong-pin', message: 'not a bridge code' });
    expect(await codeOf(second)).toBe('transport-error');
  });

  it('fails transmits with card-removed once the bridge says the card left its reader', async () => {
    const { socket, connection } = await connected();
    const connecting = connection.connect('R 00 00');
    socket.message({ type: 'result', id: socket.last('connect').id, atr: 'O/0=' });
    const card = await connecting;
    socket.message({ type: 'event', event: 'card-removed', reader: 'R 00 00' });
    const before = socket.sent.length;
    expect(await codeOf(card.transmit(Uint8Array.of(0, 0xa4, 4, 0)))).toBe('card-removed');
    expect(socket.sent.length).toBe(before);
  });

  it('fails every open and later request with bridge-unavailable when the socket drops', async () => {
    const { socket, connection } = await connected();
    const pending = connection.listReaders();
    socket.drop(1006);
    expect(await codeOf(pending)).toBe('bridge-unavailable');
    expect(await codeOf(connection.listReaders())).toBe('bridge-unavailable');
  });

  it('closes on a frame outside the protocol and fails what was pending', async () => {
    const { socket, connection } = await connected();
    const pending = connection.listReaders();
    socket.message('{"type":"result","id":');
    expect(await codeOf(pending)).toBe('transport-error');
    expect(socket.closedWith).toBe(BRIDGE_CLOSE.protocolError);
  });

  it('refuses a response APDU over the cap, a reader list over the cap, and too many requests at once', async () => {
    const { socket, connection } = await connected();
    const connecting = connection.connect('R 00 00');
    socket.message({ type: 'result', id: socket.last('connect').id, atr: 'O/0=' });
    const card = await connecting;
    const answer = card.transmit(Uint8Array.of(0, 0xa4, 4, 0));
    socket.message({ type: 'result', id: socket.last('transmit').id, apdu: btoa('\0'.repeat(BRIDGE_LIMITS.apduBytes + 3)) });
    expect(await codeOf(answer)).toBe('transport-error');

    const many = Array.from({ length: BRIDGE_LIMITS.pendingRequests + 1 }, () => codeOf(connection.listReaders()));
    const readers = Array.from({ length: BRIDGE_LIMITS.readers + 1 }, (_, i) => ({ name: `R ${i}`, cardPresent: false }));
    socket.message({ type: 'result', id: socket.last('list-readers').id, readers });
    const codes = await Promise.all(many);
    expect(codes.at(-1)).toBe('limit-exceeded');
    // The over-long list breaks the protocol: every open request fails with it.
    expect(new Set(codes.slice(0, -1))).toEqual(new Set(['transport-error']));
  });
});
