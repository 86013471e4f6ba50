// The local PC/SC bridge end to end, with real parts: a private pcscd with a vpcd reader holding the
// PIV simulator, the bridge as its own process (`node --import tsx bridge/pcsc-bridge.ts`) over
// that pcscd, and bridge-client with Node's `ws` as the browser's WebSocket. TLS is checked for real:
// the client trusts only the certificate the bridge made, which must name 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

import { Iso7816Session } from '@/lib/webusb-token/apdu/iso7816-session';
import { openBridge, type BridgeConnection, type BridgeCredential, type BridgeEvent, type BridgeSocketFactory } from '@/lib/webusb-token/bridge/bridge-client';
import { isTokenError, type TokenErrorCode } from '@/lib/webusb-token/errors';
import { PIV_AID, PIV_SLOT, PivClient } from '@/lib/webusb-token/piv/piv-client';
import { createPivSimulator } from '@/lib/webusb-token/simulator/piv-simulator';
import type { SimulatedCard } from '@/lib/webusb-token/transport';
import { freeVpcdPort, startPcscd, vpcdReader, VPCD_DRIVER, type Pcscd } from '../support/pcscd';
import { createTestPki, openssl, type IssuedCert, type TestPki } from '../support/test-pki';
import { attachCardToVpcd, type VpcdCard } from '../support/vpcd-card';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APP_ORIGIN = 'http://127.0.0.1:7100';
const OTHER_ALLOWED_ORIGIN = 'https://mail.example.test';
const READER = 'Virtual PCD 00 00';
const EMPTY_READER = 'Virtual PCD 00 01';

const REQUIRED = {
  pcscd: '/usr/sbin/pcscd',
  'vsmartcard-vpcd': VPCD_DRIVER,
  'util-linux (unshare)': '/usr/bin/unshare',
  openssl: '/usr/bin/openssl',
};

let pki: TestPki;
let signCert: IssuedCert;
let pcscd: Pcscd;
let vpcdPort: number;
let card: VpcdCard | undefined;
let configDir: string;
let bridge: ChildProcess;
let bridgeOutput = '';
let bridgeUrl: string;
let certPem: string;
let token: string | undefined;

const explain = () => `--- bridge ---\n${bridgeOutput}\n--- pcscd ---\n${pcscd?.log() ?? ''}\n--- card ---\n${card?.trace().slice(-20).join('\n') ?? ''}`;

const socketFor =
  (origin: string): BridgeSocketFactory =>
  (url) =>
    new WebSocket(url, { origin, ca: certPem });

const open = (credential: BridgeCredential, origin = APP_ORIGIN) => openBridge({ url: bridgeUrl, credential, createSocket: socketFor(origin), timeoutMs: 10_000 });

async function rejection(promise: Promise<unknown>): Promise<{ code: TokenErrorCode; message: string }> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isTokenError(error)) throw new Error(`expected a TokenError, got ${String(error)}\n${explain()}`);
  return { code: error.code, message: error.message };
}

/** The newest pairing code the bridge printed (it prints a new one after each pairing or lockout). */
const currentCode = () => [...bridgeOutput.matchAll(/Pairing code: ([0-9A-Z]{4}-[0-9A-Z]{4})/g)].at(-1)?.[1] ?? '';

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${explain()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

/** A card whose answers to GET DATA wait for `release`, so the test can pull it out mid-command. */
function stallingCard(inner: SimulatedCard) {
  let stalled: () => void = () => {};
  const reached = new Promise<void>((resolve) => (stalled = resolve));
  const wrapped: SimulatedCard = {
    atr: () => inner.atr(),
    reset: () => inner.reset(),
    transmit: async (command) => {
      if (command[1] === 0xcb) {
        stalled();
        await new Promise(() => {}); // never answers: the card goes away instead
      }
      return inner.transmit(command);
    },
  };
  return { card: wrapped, reached };
}

const simulator = () => createPivSimulator({ slots: { [PIV_SLOT.signature]: { privateKeyPkcs8: signCert.keyPkcs8, certificateDer: signCert.certDer } } });

beforeAll(async () => {
  const missing = Object.entries(REQUIRED).filter(([, p]) => !fs.existsSync(p));
  if (missing.length > 0) throw new Error(`The bridge test needs ${missing.map(([name, p]) => `${name} (${p})`).join(', ')}: run scripts/bootstrap.mjs`);
  createRequire(import.meta.url).resolve('@pokusew/pcsclite'); // throws with a clear name when npm did not build it

  pki = createTestPki('sealpost-bridge-');
  signCert = pki.issue({ name: 'bridge-sign', key: 'rsa-2048', email: 'bridge-sign@example.test' });
  vpcdPort = await freeVpcdPort();
  pcscd = await startPcscd([vpcdReader(vpcdPort)]);
  card = await attachCardToVpcd(simulator(), vpcdPort);
  await card.powered;

  configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-bridge-config-'));
  bridge = spawn(
    process.execPath,
    ['--import', 'tsx', 'bridge/pcsc-bridge.ts', '--origin', APP_ORIGIN, '--origin', OTHER_ALLOWED_ORIGIN, '--port', '0', '--config-dir', configDir],
    { cwd: ROOT, env: pcscd.clientEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  bridge.stdout?.on('data', (chunk: Buffer) => (bridgeOutput += chunk.toString()));
  bridge.stderr?.on('data', (chunk: Buffer) => (bridgeOutput += chunk.toString()));
  const port = await until(() => /listening on wss:\/\/127\.0\.0\.1:(\d+)/.exec(bridgeOutput)?.[1], 'the bridge to listen', 30_000);
  bridgeUrl = `wss://127.0.0.1:${port}`;
  certPem = fs.readFileSync(path.join(configDir, 'cert.pem'), 'utf8');
});

afterAll(async () => {
  if (bridge && bridge.exitCode === null && bridge.signalCode === null) {
    bridge.kill('SIGTERM');
    // A bridge that does not stop must not keep pcscd and the temp dirs alive.
    const killer = setTimeout(() => bridge.kill('SIGKILL'), 5000);
    await exited(bridge);
    clearTimeout(killer);
  }
  await card?.close();
  await pcscd?.stop();
  pki?.cleanup();
  if (configDir) fs.rmSync(configDir, { recursive: true, force: true });
});

describe('its TLS certificate', () => {
  it('names 127.0.0.1, keeps its key private, and the printed SPKI hash is what OpenSSL computes', () => {
    const certFile = path.join(configDir, 'cert.pem');
    const text = openssl(['x509', '-in', certFile, '-noout', '-text']).toString();
    expect(text).toContain('IP Address:127.0.0.1');
    expect(text).toContain('TLS Web Server Authentication');
    expect(text).toMatch(/CA:FALSE/);
    const spkiDer = openssl(['pkey', '-pubin', '-outform', 'DER'], openssl(['x509', '-in', certFile, '-pubkey', '-noout']));
    const expected = crypto.createHash('sha256').update(spkiDer).digest('base64');
    expect(bridgeOutput).toContain(`SPKI SHA-256: ${expected}`);
    expect(fs.statSync(path.join(configDir, 'key.pem')).mode & 0o077).toBe(0);
  });
});

describe('who may connect', () => {
  it('refuses an origin that is not on its list, before any pairing', async () => {
    const error = await rejection(open({ pairingCode: currentCode() }, 'http://evil.example'));
    expect(error.code).toBe('bridge-not-paired');
    expect(error.message).toMatch(/--origin/);
  });

  it('refuses an allowed origin that never paired', async () => {
    expect((await rejection(open({ token: 'A'.repeat(43) }))).code).toBe('bridge-not-paired');
  });

  it('refuses a wrong pairing code', async () => {
    const right = currentCode();
    const wrong = right.startsWith('0') ? `1${right.slice(1)}` : `0${right.slice(1)}`;
    expect((await rejection(open({ pairingCode: wrong }))).code).toBe('bridge-not-paired');
    expect(currentCode()).toBe(right); // one wrong try does not burn the code the user sees
  });

  it('pairs with the printed code, once, and keeps only a digest of the token, readable by its user alone', async () => {
    const code = currentCode();
    const connection = await open({ pairingCode: code.toLowerCase().replace('-', '') });
    token = connection.token;
    connection.close();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const issued = connection.token;
    await until(() => (currentCode() !== code ? true : undefined), 'a new pairing code');
    expect((await rejection(open({ pairingCode: code }))).code).toBe('bridge-not-paired');
    const stored = fs.readFileSync(path.join(configDir, 'tokens.json'), 'utf8');
    expect(stored).toContain(APP_ORIGIN);
    expect(stored).not.toContain(issued);
    expect(fs.statSync(path.join(configDir, 'tokens.json')).mode & 0o077).toBe(0);
  });

  it('takes the token on later connections, from the origin it was issued to only', async () => {
    const connection = await open({ token: token! });
    expect(connection.token).toBe(token);
    connection.close();
    expect((await rejection(open({ token: token! }, OTHER_ALLOWED_ORIGIN))).code).toBe('bridge-not-paired');
  });

  it('replaces the code after at most five wrong ones, and the old code no longer pairs', async () => {
    const code = currentCode();
    const wrong = code.startsWith('0') ? '1111-1111' : '0000-0000';
    let tries = 0;
    let message = '';
    // Earlier tests may have spent some of this code's tries already.
    while (tries < 5 && !/new code/.test(message)) {
      message = (await rejection(open({ pairingCode: wrong }))).message;
      tries++;
      if (!/new code/.test(message)) expect(currentCode()).toBe(code);
    }
    expect(message).toMatch(/new code/);
    expect(currentCode()).not.toBe(code);
    expect((await rejection(open({ pairingCode: code }))).code).toBe('bridge-not-paired');
  });
});

describe('the card through the bridge', () => {
  let connection: BridgeConnection;
  const events: BridgeEvent[] = [];

  beforeAll(async () => {
    // Paired already when the pairing tests ran; alone (vitest -t) this block pairs for itself.
    connection = await open(token ? { token } : { pairingCode: currentCode() });
    token = connection.token;
    connection.onEvent((event) => events.push(event));
  });
  afterAll(() => connection?.close());

  it('lists the vpcd readers, with the card in the first', async () => {
    const readers = await connection.listReaders();
    expect(readers).toContainEqual({ name: READER, cardPresent: true });
    expect(readers).toContainEqual({ name: EMPTY_READER, cardPresent: false });
  });

  it('answers no-card for the empty slot and no-reader for a name it does not have', async () => {
    expect((await rejection(connection.connect(EMPTY_READER))).code).toBe('no-card');
    expect((await rejection(connection.connect('No Such Reader 00 00'))).code).toBe('no-reader');
  });

  it('selects PIV and reads the 9C certificate byte for byte (session GET DATA and the PIV client)', async () => {
    const transport = await connection.connect(READER);
    expect(transport.atr[0]).toBe(0x3b);
    const session = new Iso7816Session(transport);
    const select = await session.transmit({ cla: 0, ins: 0xa4, p1: 0x04, p2: 0x00, data: PIV_AID, le: 256 });
    expect(select.sw).toBe(0x9000);
    // GET DATA 5FC10A, the 9C certificate object (SP 800-73-4 part 1 table 3): 53 { 70 cert, 71 CertInfo, FE }.
    const object = await session.send({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, data: Uint8Array.of(0x5c, 0x03, 0x5f, 0xc1, 0x0a), le: 256 }, 'GET DATA');
    expect(object.length).toBeGreaterThan(256); // so GET RESPONSE rounds crossed the bridge too
    expect(Buffer.from(object).includes(Buffer.from(signCert.certDer))).toBe(true);

    const piv = await PivClient.open(transport);
    expect(Buffer.from((await piv.readCertificate(PIV_SLOT.signature))!).equals(Buffer.from(signCert.certDer))).toBe(true);
    await transport.close();
  });

  it('answers card-removed when the card goes while a command waits for it', async () => {
    // A card that stalls on GET DATA takes the plain one's place; the events show pcscd saw both moves.
    await card?.close();
    await until(() => (events.some((e) => e.event === 'card-removed' && e.reader === READER) ? true : undefined), 'the card-removed event');
    const stall = stallingCard(simulator());
    card = await attachCardToVpcd(stall.card, vpcdPort);
    await card.powered;
    await until(() => (events.some((e) => e.event === 'card-inserted' && e.reader === READER) ? true : undefined), 'the card-inserted event');
    const transport = await connection.connect(READER);
    const session = new Iso7816Session(transport);
    expect((await session.transmit({ cla: 0, ins: 0xa4, p1: 0x04, p2: 0x00, data: PIV_AID, le: 256 })).sw).toBe(0x9000);
    const pending = rejection(session.transmit({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, data: Uint8Array.of(0x5c, 0x03, 0x5f, 0xc1, 0x0a), le: 256 }));
    await stall.reached;
    await card.close();
    card = undefined;
    expect(await pending).toMatchObject({ code: 'card-removed' });
    expect((await rejection(session.transmit({ cla: 0, ins: 0xa4, p1: 0x04, p2: 0x00, data: PIV_AID, le: 256 }))).code).toBe('card-removed');
  });
});

describe('when the bridge stops', () => {
  it('fails the open connection and every new one with bridge-unavailable', async () => {
    const connection = await open(token ? { token } : { pairingCode: currentCode() });
    bridge.kill('SIGTERM');
    await exited(bridge);
    expect((await rejection(connection.listReaders())).code).toBe('bridge-unavailable');
    expect((await rejection(open({ token: connection.token }))).code).toBe('bridge-unavailable');
  });
});
