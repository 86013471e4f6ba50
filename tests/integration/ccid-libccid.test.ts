// The CCID device simulator judged by Debian's reference CCID host: libccid (libccidtwin.so)
// under a private pcscd drives the simulator's message handling over a pty, and a raw PC/SC
// client (and opensc-tool) sends APDU scripts through it. The same scripts then go through our
// driver (openCcidReader, TPDU level, T=1) on the WebUSB-shaped simulator with the same card:
// the responses, and the T=1 blocks on the wire, must be identical.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCcidReader } from '@/lib/webusb-token/ccid/ccid-reader';
import { CcidDeviceSimulator } from '@/lib/webusb-token/simulator/ccid-device-simulator';
import { CcidSlotSimulator, type CcidSlotFaults } from '@/lib/webusb-token/simulator/ccid-slot-simulator';
import { CcidTestCard, TEST_CARD_AID, TEST_INS, t1Atr } from '@/lib/webusb-token/simulator/ccid-test-card';
import { startCcidSerialBridge, waitFor, type CcidSerialBridge } from '../support/ccid-serial-bridge';
import { canStartPcscd, startPcscd, type Pcscd } from '../support/pcscd';

const run = promisify(execFile);
const LIBCCID_TWIN = '/usr/lib/pcsc/drivers/serial/libccidtwin.so';
const READER = 'Sealpost CCID simulator';
const PCSC_CLIENT = path.join(__dirname, '../support/pcsc-transmit.py');

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const apdu = (...parts: (number | Uint8Array)[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : Array.from(p))));
const filler = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + 1) & 0xff);

const SELECT = apdu(0x00, 0xa4, 0x04, 0x00, TEST_CARD_AID.length, TEST_CARD_AID);
const GET_CHALLENGE = apdu(0x00, 0x84, 0x00, 0x00, 0x08);
/** The script: SELECT, GET CHALLENGE, a 258-byte answer (over IFSD 254: the card chains), a 205-byte command (over IFSC 32: the host chains), 61xx and GET RESPONSE, two errors. */
const SCRIPT = [
  SELECT,
  GET_CHALLENGE,
  apdu(0x00, 0xb0, 0x00, 0x00, 0x00),
  apdu(0x80, TEST_INS.echo, 0, 0, 200, filler(200), 0x00),
  apdu(0x80, TEST_INS.deferred, 0x01, 0x2c),
  apdu(0x00, 0xc0, 0, 0, 0x00),
  apdu(0x00, 0xc0, 0, 0, 0x2c),
  apdu(0x00, 0xa4, 0x04, 0x00, 0x02, 0xa0, 0x01),
  apdu(0x80, 0x99, 0, 0),
];

// What the bootstrap installs (scripts/bootstrap.mjs) and a pcscd of our own (its own mount
// namespace: tests/support/pcscd.ts). Missing, the test fails and says what: never a silent skip.
const REQUIRED = { libccid: LIBCCID_TWIN, socat: '/usr/bin/socat', python3: '/usr/bin/python3' };

describe('CCID simulator against libccid (pcscd + libccidtwin over a pty)', () => {
  let dir: string;
  let slot: CcidSlotSimulator;
  let bridge: CcidSerialBridge;
  let pcscd: Pcscd;
  const env = () => pcscd.clientEnv();

  beforeAll(async () => {
    const missing = Object.entries(REQUIRED).filter(([, file]) => !fs.existsSync(file));
    if (missing.length) throw new Error(`the libccid check needs ${missing.map(([name, file]) => `${name} (${file})`).join(', ')}: run scripts/bootstrap.mjs`);
    if (!canStartPcscd()) throw new Error('the libccid check needs a pcscd of its own: root, or unprivileged user namespaces (unshare)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-ccid-'));
    slot = new CcidSlotSimulator({ level: 'tpdu', maxMessageLength: 271, card: new CcidTestCard() });
    bridge = await startCcidSerialBridge(slot, dir);
    // The serial driver takes the reader model after the colon; SEC1210URT presents a TPDU-level reader.
    pcscd = await startPcscd([{ friendlyName: READER, deviceName: `${bridge.devicePath}:SEC1210URT`, libPath: LIBCCID_TWIN }], { debug: true, readyTimeoutMs: 20000 });
    await waitFor(() => slot.received.some((m) => m[0] === 0x62), 20000, () => `pcscd did not power the card:\n${pcscd.log().slice(-4000)}`);
  });

  afterAll(async () => {
    if (pcscd) await pcscd.stop();
    if (bridge) await bridge.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The script through pcscd and libccid: raw responses, and the T=1 blocks libccid sent. */
  async function throughLibccid(commands: Uint8Array[], faults: CcidSlotFaults = {}) {
    slot.faults = { ...faults };
    slot.received.splice(0); // what libccid sends for this script only
    try {
      const { stdout } = await run('/usr/bin/python3', [PCSC_CLIENT, READER, ...commands.map(hex)], { env: env(), timeout: 30000 });
      const result = JSON.parse(stdout) as { atr: string; responses: string[] };
      return { ...result, blocks: xfrPayloads(slot.received), setParameters: slot.received.find((m) => m[0] === 0x61) };
    } catch (error) {
      throw new Error(`${String(error)}\n--- bridge ---\n${bridge.log.slice(-60).join('\n')}\n--- pcscd ---\n${pcscd.log().slice(-3000)}`);
    }
  }

  /** The same script through our driver on the WebUSB-shaped simulator, fresh card of the same kind. */
  async function throughDriver(commands: Uint8Array[], faults: CcidSlotFaults = {}) {
    const device = new CcidDeviceSimulator({ level: 'tpdu', card: new CcidTestCard(), faults: { ...faults } });
    const reader = await openCcidReader(device);
    const responses: string[] = [];
    for (const command of commands) responses.push(hex(await reader.transmit(command)));
    await reader.close();
    return { atr: hex(reader.atr), responses, blocks: xfrPayloads(device.slot.received), setParameters: device.slot.received.find((m) => m[0] === 0x61) };
  }

  it('libccid runs the T=1 setup our driver runs: SetParameters(T=1) with the ATR values, then S(IFS 254)', async () => {
    const libccid = await throughLibccid([SELECT]);
    const ours = await throughDriver([SELECT]);
    expect(libccid.setParameters && hex(libccid.setParameters.subarray(7))).toBe('010000' + '11100045002000'); // T=1: Fi/Di 11, LRC, BWI 4 CWI 5, IFSC 32 (the ATR's)
    expect(ours.setParameters && hex(ours.setParameters.subarray(7))).toBe(hex(libccid.setParameters!.subarray(7)));
    expect(libccid.blocks[0]).toBe('00c101fe3e');
    expect(ours.blocks[0]).toBe('00c101fe3e');
    expect(libccid.atr).toBe(hex(t1Atr(32)));
  });

  it('answers the script identically through libccid and through our driver, T=1 blocks included', async () => {
    const libccid = await throughLibccid(SCRIPT);
    const ours = await throughDriver(SCRIPT);
    expect(ours.responses).toEqual(libccid.responses);
    expect(ours.blocks).toEqual(libccid.blocks);
    // Both chained: the 258-byte answer came in two I-blocks, the 205-byte command went in seven.
    expect(libccid.responses[2]).toHaveLength(258 * 2);
    expect(libccid.blocks.filter((b) => b.startsWith('0020') || b.startsWith('0060')).length).toBeGreaterThanOrEqual(6);
    expect(libccid.responses[4]).toBe('61ff');
    expect(libccid.responses.slice(7)).toEqual(['6a82', '6d00']);
    // And the card itself, with no reader in between, agrees.
    const card = new CcidTestCard();
    for (const [i, command] of SCRIPT.entries()) expect(hex(await card.transmit(command)), `command ${i}`).toBe(libccid.responses[i]);
  });

  it('handles T=1 WTX requests and CCID time extensions the same way', async () => {
    const faults = { wtxRequests: 2, timeExtensions: 1 };
    const libccid = await throughLibccid(SCRIPT.slice(0, 4), faults);
    const ours = await throughDriver(SCRIPT.slice(0, 4), faults);
    expect(ours.responses).toEqual(libccid.responses);
    expect(ours.blocks).toEqual(libccid.blocks);
    expect(libccid.blocks.filter((b) => b === '00e30102e0').length).toBe(2 * 4); // S(WTX response 02), twice per APDU
  });

  it('lets opensc-tool (OpenSC) send APDUs through it', async () => {
    slot.faults = {};
    const { stdout } = await run('opensc-tool', ['-r', '0', '-c', 'default', '-s', hex(SELECT), '-s', hex(GET_CHALLENGE)], { env: env(), timeout: 30000 });
    const received = [...stdout.matchAll(/Received \(SW1=0x([0-9A-F]{2}), SW2=0x([0-9A-F]{2})\)/g)].map((m) => m[1]! + m[2]!);
    expect(received).toEqual(['9000', '9000']);
  });
});

/** The data of each XfrBlock (T=1 blocks at TPDU level). */
function xfrPayloads(messages: Uint8Array[]): string[] {
  return messages.filter((m) => m[0] === 0x6f).map((m) => hex(m.subarray(10)));
}
