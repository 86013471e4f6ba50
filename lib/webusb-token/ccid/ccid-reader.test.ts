import { describe, expect, it } from 'vitest';
import { openCcidReader } from './ccid-reader';
import { CcidDeviceSimulator, type CcidDeviceSimulatorOptions } from '../simulator/ccid-device-simulator';
import type { SimulatedExchangeLevel } from '../simulator/ccid-slot-simulator';
import { CcidTestCard, TEST_CARD_AID, TEST_INS, t1Atr } from '../simulator/ccid-test-card';

const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const apdu = (...bytes: (number | Uint8Array)[]) => Uint8Array.from(bytes.flatMap((b) => (typeof b === 'number' ? [b] : Array.from(b))));
const SELECT = apdu(0x00, 0xa4, 0x04, 0x00, TEST_CARD_AID.length, TEST_CARD_AID);
const GET_CHALLENGE = apdu(0x00, 0x84, 0x00, 0x00, 0x08);
const READ_256 = apdu(0x00, 0xb0, 0x00, 0x00, 0x00);
const echo = (data: Uint8Array) => apdu(0x80, TEST_INS.echo, 0, 0, data.length, data, 0x00);
const echoExtended = (data: Uint8Array) => apdu(0x80, TEST_INS.echo, 0, 0, 0x00, data.length >> 8, data.length & 0xff, data, 0x00, 0x00);
const filler = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + 1) & 0xff);

function simulator(level: SimulatedExchangeLevel, options: Partial<CcidDeviceSimulatorOptions> = {}) {
  return new CcidDeviceSimulator({ level, card: new CcidTestCard(), ...options });
}

/** What the card itself answers, without any reader in between: the oracle for every level. */
async function direct(...commands: Uint8Array[]): Promise<string[]> {
  const card = new CcidTestCard();
  const out: string[] = [];
  for (const command of commands) out.push(toHex(await card.transmit(command)));
  return out;
}

const LEVELS: SimulatedExchangeLevel[] = ['tpdu', 'short-apdu', 'extended-apdu'];

describe('openCcidReader against the CCID device simulator', () => {
  it.each(LEVELS)('%s: powers the card and carries SELECT, GET CHALLENGE, 256-byte reads, 200-byte commands and 61xx raw', async (level) => {
    const device = simulator(level);
    const reader = await openCcidReader(device);
    expect(toHex(reader.atr)).toBe(toHex(t1Atr(32)));
    expect(reader.exchangeLevel).toBe(level);
    expect(reader.capabilities.extendedLength).toBe(level === 'extended-apdu');
    const script = [SELECT, GET_CHALLENGE, READ_256, echo(filler(200)), apdu(0x80, TEST_INS.deferred, 0x01, 0x2c), apdu(0x00, 0xc0, 0, 0, 0), apdu(0x00, 0xc0, 0, 0, 0x2c)];
    const answers: string[] = [];
    for (const command of script) answers.push(toHex(await reader.transmit(command)));
    expect(answers).toEqual(await direct(...script));
    expect(answers[2]!.length).toBe(258 * 2);
    expect(answers[4]).toBe('61ff');
    await reader.close();
    await expect(reader.transmit(SELECT)).rejects.toMatchObject({ code: 'transport-error' });
    expect(device.opened).toBe(false);
  });

  it('TPDU: sends SetParameters(T=1) and S(IFS) so the card chains its answers in 254-byte blocks', async () => {
    const device = simulator('tpdu');
    const reader = await openCcidReader(device);
    expect(device.slot.received.slice(0, 3).map((m) => m[0])).toEqual([0x65, 0x62, 0x61]); // GetSlotStatus, IccPowerOn, SetParameters
    expect(device.slot.t1HostIfsd).toBe(254);
    expect(toHex(await reader.transmit(READ_256))).toBe((await direct(READ_256))[0]);
  });

  it('TPDU: leaves the IFSD exchange to a reader that does it (dwFeatures 0x400), and runs PPS for one without auto PPS', async () => {
    const autoIfsd = simulator('tpdu', { features: 0x000104ba });
    await openCcidReader(autoIfsd);
    expect(autoIfsd.slot.t1HostIfsd).toBe(32);

    // A reader without auto PPS (0x00010230, what libccid's serial driver presents) and a card with
    // TA1 = 0x13: PPS FF 11 13 FD goes first in an XfrBlock, the card echoes it, then SetParameters.
    const ta1Atr = Uint8Array.of(0x3b, 0x90, 0x13, 0x81, 0x31, 0x20, 0x45, 0x90 ^ 0x13 ^ 0x81 ^ 0x31 ^ 0x20 ^ 0x45);
    const twin = new CcidDeviceSimulator({ level: 'tpdu', card: new CcidTestCard(ta1Atr), features: 0x00010230 });
    const reader = await openCcidReader(twin);
    expect(twin.slot.received.slice(0, 4).map((m) => m[0])).toEqual([0x65, 0x62, 0x6f, 0x61]);
    expect(toHex(await reader.transmit(GET_CHALLENGE))).toBe((await direct(GET_CHALLENGE))[0]);
  });

  it('extended APDU: chains a 1000-byte command and its 1002-byte answer through wLevelParameter (271-byte messages)', async () => {
    const reader = await openCcidReader(simulator('extended-apdu'));
    const command = echoExtended(filler(1000));
    expect(toHex(await reader.transmit(command))).toBe((await direct(command))[0]);
    const big = await openCcidReader(simulator('extended-apdu', { maxMessageLength: 3072 }));
    expect(toHex(await big.transmit(command))).toBe((await direct(command))[0]);
  });

  it('short APDU: refuses extended APDUs itself', async () => {
    const reader = await openCcidReader(simulator('short-apdu'));
    await expect(reader.transmit(echoExtended(filler(300)))).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(toHex(await reader.transmit(SELECT))).toMatch(/9000$/);
  });

  it('reports a reader without a card as no-card', async () => {
    await expect(openCcidReader(new CcidDeviceSimulator({ level: 'tpdu', card: null }))).rejects.toMatchObject({ code: 'no-card' });
  });
});

describe('openCcidReader with the reader misbehaving', () => {
  describe.each(LEVELS)('%s', (level) => {
    const script = [SELECT, READ_256, echo(filler(200)), GET_CHALLENGE];

    it.each([
      ['time extensions before each answer', { timeExtensions: 3 }],
      ['answers split into 7-byte transfers', { splitTransfers: 7 }],
      ['stale answers with the previous bSeq', { staleAnswers: true }],
      ['no zero-length packet', { noZeroLengthPacket: true }],
      ['everything at once', { timeExtensions: 2, splitTransfers: 5, staleAnswers: true, noZeroLengthPacket: true }],
    ] as const)('still carries the script with %s', async (_what, faults) => {
      const device = simulator(level);
      const reader = await openCcidReader(device);
      Object.assign(device.faults, faults);
      const answers: string[] = [];
      for (const command of script) answers.push(toHex(await reader.transmit(command)));
      expect(answers).toEqual(await direct(...script));
    });

    it('reports a mute card as card-unresponsive', async () => {
      const device = simulator(level);
      const reader = await openCcidReader(device);
      device.faults.muteAfterXfrBlocks = 0;
      await expect(reader.transmit(SELECT)).rejects.toMatchObject({ code: 'card-unresponsive' });
    });

    it('reports a card pulled out during a command as card-removed, then keeps saying so', async () => {
      const device = simulator(level);
      const reader = await openCcidReader(device);
      device.faults.removeAfterXfrBlocks = 0;
      await expect(reader.transmit(SELECT)).rejects.toMatchObject({ code: 'card-removed' });
      await expect(reader.transmit(SELECT)).rejects.toMatchObject({ code: 'card-removed' });
    });

    it('reports an unplugged reader (failing transfers) as card-removed', async () => {
      const device = simulator(level);
      const reader = await openCcidReader(device);
      device.faults.unplugAfterXfrBlocks = 0;
      await expect(reader.transmit(SELECT)).rejects.toMatchObject({ code: 'card-removed' });
    });
  });

  it('learns of a removal between commands from NotifySlotChange on interrupt-IN', async () => {
    const device = simulator('extended-apdu');
    const reader = await openCcidReader(device);
    device.slot.removeCard();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const before = device.slot.received.length;
    await expect(reader.transmit(SELECT)).rejects.toMatchObject({ code: 'card-removed' });
    expect(device.slot.received.length).toBe(before); // nothing was sent: the interrupt told
  });

  it('without an interrupt endpoint, learns of the removal from the slot status', async () => {
    const device = simulator('short-apdu', { interruptEndpoint: false });
    const reader = await openCcidReader(device);
    device.slot.removeCard();
    await expect(reader.transmit(SELECT)).rejects.toMatchObject({ code: 'card-removed' });
  });

  it('TPDU: answers T=1 WTX requests and recovers corrupted blocks', async () => {
    const device = simulator('tpdu');
    const reader = await openCcidReader(device);
    device.faults.wtxRequests = 2;
    expect(toHex(await reader.transmit(READ_256))).toBe((await direct(READ_256))[0]);
    device.faults.wtxRequests = 0;
    device.faults.corruptBlocks = 2;
    expect(toHex(await reader.transmit(echo(filler(200))))).toBe((await direct(echo(filler(200))))[0]);
  });

  it('TPDU: after blocks fail again and again, resynchronizes, reports card-unresponsive, and works on', async () => {
    const device = simulator('tpdu');
    const reader = await openCcidReader(device);
    device.faults.corruptBlocks = 4;
    await expect(reader.transmit(SELECT)).rejects.toMatchObject({ code: 'card-unresponsive' });
    expect(toHex(await reader.transmit(SELECT))).toMatch(/9000$/);
  });

  it('a naive host would hang without the ZLP: the simulator really withholds it', async () => {
    const device = simulator('short-apdu', { faults: { noZeroLengthPacket: true } });
    const reader = await openCcidReader(device);
    // 10 + 116 + 2 = 128 bytes: two full packets and no ZLP after them.
    expect(toHex(await reader.transmit(echo(filler(116))))).toBe((await direct(echo(filler(116))))[0]);
    // The same answer read with one big transfer never completes.
    await device.transferOut(1, Uint8Array.of(0x6f, 122, 0, 0, 0, 0, 0x77, 0, 0, 0, ...echo(filler(116))));
    const naive = device.transferIn(2, 271);
    const outcome = await Promise.race([naive.then(() => 'completed'), new Promise((resolve) => setTimeout(() => resolve('pending'), 50))]);
    expect(outcome).toBe('pending');
    await device.close();
  });
});
